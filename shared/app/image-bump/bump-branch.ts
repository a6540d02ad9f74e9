import { createTwoFilesPatch } from 'diff';
import type { Config, ImageRule } from '#config/types.ts';
import { batchCommitMessage } from '#domain/commit-message.ts';
import { discoverInFiles } from '#domain/editors/discover/discovery.ts';
import { readTarget } from '#domain/editors/index.ts';
import { ManifestError, TransientError } from '#domain/errors.ts';
import { type ChangeRecord, currentTags, type PushedImage, planBranch } from '#domain/plan-branch.ts';
import { type BranchTarget, type FileTarget, isFileTarget } from '#domain/targets.ts';
import type { GitHost } from '../ports/git-host.ts';
import {
  type BranchFiles,
  containerListings,
  type FolderListings,
  readBranchFiles,
} from './discover-files.ts';
import type { PushTimeLookup } from './push-times.ts';
import type { BumpAction } from './result.ts';

export interface BranchGroup {
  repository: string;
  branch: string;
  targets: BranchTarget[];
}

/** One image's share of a branch: its targets there, and how its tags are ordered. */
export interface BranchEntry {
  rule: ImageRule;
  image: PushedImage;
  eventId: string;
  pushTimes: PushTimeLookup;
  targets: BranchTarget[];
}

export interface BranchContext {
  config: Config;
  rule: ImageRule;
  image: PushedImage;
  eventId: string;
  pushTimes: PushTimeLookup;
  dryRun: boolean;
  listings?: FolderListings;
  /** Waits between compare-and-swap attempts; injectable so tests need not sleep. */
  sleep?: (ms: number) => Promise<void>;
}

export interface BatchBranchContext {
  config: Config;
  dryRun: boolean;
  /** Folder listings kept by commit id (a warm container's, by default). */
  listings?: FolderListings;
  sleep?: (ms: number) => Promise<void>;
}

/** What one entry of a branch came to: its actions, or the permanent error that rejected it alone. */
export interface EntryOutcome {
  entry: BranchEntry;
  actions: BumpAction[];
  rejected?: Error;
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

export function groupByBranch(targets: BranchTarget[]): BranchGroup[] {
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
  const { rule, image, eventId, pushTimes } = context;
  const [outcome] = await bumpBranchEntries(
    host,
    group,
    [{ rule, image, eventId, pushTimes, targets: group.targets }],
    context,
  );
  if (outcome?.rejected) throw outcome.rejected;
  return outcome?.actions ?? [];
}

/**
 * Several images' targets on one branch, planned together on a single read and landed in one
 * commit whose message lists every change and every event. Each entry is planned on the content
 * the entries before it left, each value by its own rule's tag policy, so the order of the entries
 * never lets an older image win. An entry whose manifest is broken is rejected alone (its error
 * returned, nothing of it written); the others still land.
 */
export async function bumpBranchEntries(
  host: GitHost,
  group: BranchGroup,
  entries: BranchEntry[],
  context: BatchBranchContext,
): Promise<EntryOutcome[]> {
  const { repository, branch } = group;
  const { config } = context;
  const maxAttempts = config.commit.maxAttempts;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const read = await readBranchFiles(host, branch, group.targets, context.listings ?? containerListings);
    const { files, headCommit } = read;
    const working = new Map(files);
    const explicit = explicitValues(config, repository, branch, entries, files);
    const planned: { outcome: EntryOutcome; changes: ChangeRecord[] }[] = [];
    for (const entry of entries) {
      const outcome: EntryOutcome = { entry, actions: [] };
      const entryPlan: { outcome: EntryOutcome; changes: ChangeRecord[] } = { outcome, changes: [] };
      planned.push(entryPlan);
      try {
        const targets = expandTargets(entry, read, explicit, outcome, repository, branch);
        const pushTimes = await entry.pushTimes.resolve(currentTags(targets, working));
        const plan = planBranch({
          policy: entry.rule.tags,
          digest: entry.rule.digest,
          targets,
          files: working,
          image: entry.image,
          ...(pushTimes ? { pushTimes } : {}),
        });
        for (const [path, content] of plan.files) working.set(path, content);
        outcome.actions.push(
          ...plan.skips.map((s): BumpAction => ({ type: 'skip', repository, branch, ...s })),
        );
        entryPlan.changes = plan.changes;
      } catch (error) {
        if (!(error instanceof ManifestError)) throw error;
        outcome.rejected = error;
      }
    }
    const changed = planned.filter((p) => p.changes.length > 0);
    if (changed.length === 0) return planned.map((p) => p.outcome);

    const finalFiles = new Map([...working].filter(([path, content]) => files.get(path) !== content));
    if (context.dryRun) {
      const diff = unifiedDiff(files, finalFiles);
      for (const p of changed) {
        p.outcome.actions.unshift({
          type: 'dry-run',
          repository,
          branch,
          parentCommitId: headCommit,
          changes: p.changes,
          diff,
        });
      }
      return planned.map((p) => p.outcome);
    }
    const outcome = await host.commit({
      branch,
      parentCommitId: headCommit,
      changes: [...finalFiles].map(([path, content]) => ({ path, content })),
      message: batchCommitMessage(
        branch,
        changed.map((p) => ({
          image: p.outcome.entry.image,
          eventId: p.outcome.entry.eventId,
          changes: p.changes,
        })),
      ),
      author: config.commit.author,
      clientToken: changed.map((p) => p.outcome.entry.eventId).join(','),
    });
    if (outcome.status === 'committed') {
      for (const p of changed) {
        p.outcome.actions.unshift({
          type: 'commit',
          repository,
          branch,
          commitId: outcome.commitId,
          parentCommitId: headCommit,
          attempts: attempt,
          changes: p.changes,
        });
      }
      return planned.map((p) => p.outcome);
    }
    if (outcome.status === 'unchanged') {
      const reason = `${host.description} reports no change on ${branch}`;
      return planned.map((p) => ({ ...p.outcome, actions: [{ type: 'skip', repository, branch, reason }] }));
    }
    if (attempt < maxAttempts) await (context.sleep ?? defaultSleep)(conflictBackoffMs(attempt));
  }
  throw new TransientError(
    `branch ${branch} of ${host.description} kept moving: gave up after ${maxAttempts} compare-and-swap attempts`,
  );
}

/**
 * The values explicit targets write on this branch, by file and location, with the image whose
 * target each is: every rule of the configuration, so a discovery never takes a value another
 * image's explicit target owns, whether or not that image is in this batch.
 */
function explicitValues(
  config: Config,
  repository: string,
  branch: string,
  entries: BranchEntry[],
  files: ReadonlyMap<string, string>,
): Map<string, string> {
  const owners = new Map<string, string>();
  if (!entries.some((entry) => entry.targets.some((t) => t.kind === 'discover'))) return owners;
  for (const rule of config.images) {
    for (const target of rule.update) {
      if (!isFileTarget(target) || target.repository !== repository || target.branch !== branch) continue;
      const text = files.get(target.file);
      if (text === undefined) continue;
      try {
        const key = JSON.stringify([target.file, readTarget(text, target).location]);
        if (!owners.has(key)) owners.set(key, rule.ecr);
      } catch {
        // The target's own planning reports a broken target.
      }
    }
  }
  return owners;
}

/**
 * An entry's targets with each discover target replaced by the references it finds. A reference an
 * explicit target of the same image also writes is one value (planned once); one an explicit target
 * of another image writes belongs to that image and is skipped, so two images never own one value.
 */
function expandTargets(
  entry: BranchEntry,
  read: BranchFiles,
  explicit: ReadonlyMap<string, string>,
  outcome: EntryOutcome,
  repository: string,
  branch: string,
): FileTarget[] {
  const targets: FileTarget[] = [];
  const taken = new Set<string>();
  for (const target of entry.targets) {
    if (target.kind !== 'discover') {
      targets.push(target);
      continue;
    }
    const paths = read.matched.get(target) ?? [];
    const files = new Map(paths.map((path) => [path, read.files.get(path) ?? '']));
    const found = discoverInFiles(files, {
      match: { uri: entry.image.name, names: target.names },
      repository: target.repository,
      branch: target.branch,
      setName: target.setName,
    });
    for (const skip of found.skipped) {
      outcome.actions.push({
        type: 'skip',
        repository,
        branch,
        file: skip.file,
        target: skip.location,
        reason: `${skip.value ? `${skip.value}: ` : ''}${skip.reason}`,
      });
    }
    for (const ref of found.found) {
      const key = JSON.stringify([ref.file, ref.location]);
      const owner = explicit.get(key);
      if (owner === entry.rule.ecr || taken.has(key)) continue;
      taken.add(key);
      if (owner !== undefined) {
        outcome.actions.push({
          type: 'skip',
          repository,
          branch,
          file: ref.file,
          target: ref.location,
          reason: `an explicit target of image ${owner} writes this value`,
        });
        continue;
      }
      targets.push(ref.target);
    }
  }
  return targets;
}

function unifiedDiff(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): string {
  return [...after]
    .map(([path, after]) =>
      createTwoFilesPatch(`a/${path}`, `b/${path}`, before.get(path) ?? '', after, '', ''),
    )
    .join('');
}
