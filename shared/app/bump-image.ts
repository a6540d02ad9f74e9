import { createTwoFilesPatch } from 'diff';
import type { Config, ImageRule } from '#config/types.ts';
import { commitMessage } from '#domain/commit-message.ts';
import { type BranchPlan, type PushedImage, planBranch } from '#domain/plan-branch.ts';
import { selectTag } from '#domain/tag-policy.ts';
import type { Target } from '#domain/targets.ts';
import { type EcrImageAction, repositoryUri } from '#events/ecr-image-action.ts';
import type { BumpAction, BumpResult } from './bump-result.ts';
import type { GitHost } from './git-host.ts';
import { TransientError } from './transient-error.ts';

export interface BumpOptions {
  config: Config;
  /** The git host of a configured repository key. */
  hostFor: (repository: string) => GitHost;
  dryRun?: boolean;
}

/**
 * Apply one ECR image action to every configured target: one commit per repository and branch,
 * compare-and-swap on the branch head, re-read and re-planned when the branch moved.
 */
export async function bumpImage(event: EcrImageAction, options: BumpOptions): Promise<BumpResult> {
  const result: BumpResult = { eventId: event.id, actions: [] };
  const skip = (reason: string) => {
    result.actions.push({ type: 'skip', reason });
    return result;
  };

  if (event.actionType !== 'PUSH') return skip(`action-type ${event.actionType} is not a push`);
  if (event.result !== 'SUCCESS') return skip(`push result is ${event.result}, not SUCCESS`);
  if (event.tag === undefined) return skip(`push of ${event.digest ?? 'an image'} carries no tag (digest-only push)`);

  const rule = options.config.images.find((candidate) => candidate.ecr === event.repositoryName);
  if (!rule) return skip(`ECR repository ${event.repositoryName} is not configured`);

  const selected = selectTag(rule.tags, event.tag);
  if (!selected.ok) return skip(selected.reason);

  const image: PushedImage = {
    ecr: event.repositoryName,
    name: rule.uri ?? repositoryUri(event),
    tag: event.tag,
  };
  if (event.digest) image.digest = event.digest;

  for (const group of groupByBranch(rule.update)) {
    const host = options.hostFor(group.repository);
    result.actions.push(...(await bumpBranch(host, group, rule, image, event.id, options)));
  }
  return result;
}

interface BranchGroup {
  repository: string;
  branch: string;
  targets: Target[];
}

function groupByBranch(targets: Target[]): BranchGroup[] {
  const groups = new Map<string, BranchGroup>();
  for (const target of targets) {
    const key = JSON.stringify([target.repository, target.branch]);
    let group = groups.get(key);
    if (!group) {
      group = { repository: target.repository, branch: target.branch, targets: [] };
      groups.set(key, group);
    }
    group.targets.push(target);
  }
  return [...groups.values()];
}

async function bumpBranch(
  host: GitHost,
  group: BranchGroup,
  rule: ImageRule,
  image: PushedImage,
  eventId: string,
  options: BumpOptions,
): Promise<BumpAction[]> {
  const { repository, branch } = group;
  const maxAttempts = options.config.commit.maxAttempts;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const { files, headCommit } = await readFiles(host, branch, group.targets);
    const plan = planBranch({ policy: rule.tags, digest: rule.digest, targets: group.targets, files, image });
    const skips: BumpAction[] = plan.skips.map((s) => ({ type: 'skip', repository, branch, ...s }));
    if (plan.changes.length === 0) return skips;

    if (options.dryRun) {
      const diff = unifiedDiff(files, plan);
      return [{ type: 'dry-run', repository, branch, parentCommitId: headCommit, changes: plan.changes, diff }, ...skips];
    }
    const outcome = await host.commit({
      branch,
      parentCommitId: headCommit,
      changes: [...plan.files].map(([path, content]) => ({ path, content })),
      message: commitMessage({ image, branch, eventId, changes: plan.changes }),
      author: options.config.commit.author,
      clientToken: eventId,
    });
    if (outcome.status === 'committed') {
      const commit: BumpAction = {
        type: 'commit',
        repository,
        branch,
        commitId: outcome.commitId,
        parentCommitId: headCommit,
        attempts: attempt,
        changes: plan.changes,
      };
      return [commit, ...skips];
    }
    if (outcome.status === 'unchanged') {
      return [{ type: 'skip', repository, branch, reason: `${host.description} reports no change on ${branch}` }];
    }
  }
  throw new TransientError(
    `branch ${branch} of ${host.description} kept moving: gave up after ${maxAttempts} compare-and-swap attempts`,
  );
}

/** Read every file once, all at the commit the first read found at the branch head. */
async function readFiles(host: GitHost, branch: string, targets: Target[]) {
  const files = new Map<string, string>();
  let headCommit: string | undefined;
  for (const file of new Set(targets.map((t) => t.file))) {
    const read = await host.readFile(branch, file, headCommit);
    headCommit ??= read.commitId;
    files.set(file, read.content);
  }
  if (headCommit === undefined) throw new Error('a branch group always has at least one target');
  return { files, headCommit };
}

function unifiedDiff(before: ReadonlyMap<string, string>, plan: BranchPlan): string {
  return [...plan.files]
    .map(([path, after]) => createTwoFilesPatch(`a/${path}`, `b/${path}`, before.get(path) ?? '', after, '', ''))
    .join('');
}
