import { createTwoFilesPatch } from 'diff';
import type { Config, ImageRule } from '#config/types.ts';
import { commitMessage } from '#domain/commit-message.ts';
import { type BranchPlan, currentTags, type PushedImage, planBranch } from '#domain/plan-branch.ts';
import type { FileTarget } from '#domain/targets.ts';
import type { BumpAction } from './bump-result.ts';
import type { GitHost } from './git-host.ts';
import type { PushTimeLookup } from './push-times.ts';
import { TransientError } from './transient-error.ts';

export interface BranchGroup {
  repository: string;
  branch: string;
  targets: FileTarget[];
}

export interface BranchContext {
  config: Config;
  rule: ImageRule;
  image: PushedImage;
  eventId: string;
  pushTimes: PushTimeLookup;
  dryRun: boolean;
  /** Waits between compare-and-swap attempts; injectable so tests need not sleep. */
  sleep?: (ms: number) => Promise<void>;
}

const BACKOFF_BASE_MS = 50;
const BACKOFF_CAP_MS = 2_000;

/**
 * Full-jitter exponential backoff before re-planning after a conflict: writers racing for one
 * branch spread out instead of re-reading in lockstep, which keeps a burst near one commit each.
 */
export function conflictBackoffMs(attempt: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt));
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function groupByBranch(targets: FileTarget[]): BranchGroup[] {
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

/**
 * Read, plan and commit one branch as a compare-and-swap on the commit that was read; when the
 * branch moved meanwhile, read and plan again, up to `commit.maxAttempts`.
 */
export async function bumpBranch(
  host: GitHost,
  group: BranchGroup,
  context: BranchContext,
): Promise<BumpAction[]> {
  const { repository, branch } = group;
  const { config, rule, image, eventId } = context;
  const maxAttempts = config.commit.maxAttempts;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const { files, headCommit } = await readFiles(host, branch, group.targets);
    const pushTimes = await context.pushTimes.resolve(currentTags(group.targets, files));
    const plan = planBranch({
      policy: rule.tags,
      digest: rule.digest,
      targets: group.targets,
      files,
      image,
      ...(pushTimes ? { pushTimes } : {}),
    });
    const skips: BumpAction[] = plan.skips.map((s) => ({ type: 'skip', repository, branch, ...s }));
    if (plan.changes.length === 0) return skips;

    if (context.dryRun) {
      const diff = unifiedDiff(files, plan);
      return [
        { type: 'dry-run', repository, branch, parentCommitId: headCommit, changes: plan.changes, diff },
        ...skips,
      ];
    }
    const outcome = await host.commit({
      branch,
      parentCommitId: headCommit,
      changes: [...plan.files].map(([path, content]) => ({ path, content })),
      message: commitMessage({ image, branch, eventId, changes: plan.changes }),
      author: config.commit.author,
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
      return [
        { type: 'skip', repository, branch, reason: `${host.description} reports no change on ${branch}` },
      ];
    }
    if (attempt < maxAttempts) await (context.sleep ?? defaultSleep)(conflictBackoffMs(attempt));
  }
  throw new TransientError(
    `branch ${branch} of ${host.description} kept moving: gave up after ${maxAttempts} compare-and-swap attempts`,
  );
}

/** Read every file once, all at the commit the first read found at the branch head. */
async function readFiles(host: GitHost, branch: string, targets: FileTarget[]) {
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
    .map(([path, after]) =>
      createTwoFilesPatch(`a/${path}`, `b/${path}`, before.get(path) ?? '', after, '', ''),
    )
    .join('');
}
