import type { Config } from '#config/types.ts';
import { TransientError } from '#domain/errors.ts';
import {
  adoptedMessage,
  adoptedOrigin,
  adoptedOrigins,
  firstParentChain,
  foreignCommitsMessage,
  secondsBetween,
} from '#domain/mirror-commits.ts';
import type { MirrorPair } from '#domain/mirror-pairs.ts';
import type { AlertSink } from '../ports/alert-sink.ts';
import type { MetricsSink } from '../ports/metrics-sink.ts';
import type { CommitDetails, MirrorPrimary, MirrorReplica } from '../ports/mirror-hosts.ts';
import type { MirrorAction, MirrorState } from './result.ts';

/** How far back CodeCommit's history is walked looking for a commit GitLab has. */
const MAX_FOREIGN_COMMITS = 50;
/** How many recent GitLab commits are searched for an earlier adoption of the same commit. */
const ADOPTION_LOOKBACK = 100;

export interface MirrorDeps {
  config: Config;
  primary: (repository: string) => MirrorPrimary;
  replica: (repository: string) => MirrorReplica;
  alerts: () => AlertSink;
  metrics?: MetricsSink;
  now: () => number;
  dryRun?: boolean;
}

export interface Comparison {
  state: MirrorState;
  gitlabHead?: string;
  codecommitHead?: string;
  /** Commits CodeCommit lacks, oldest first. */
  missing: CommitDetails[];
  /** Commits only CodeCommit holds, oldest first. */
  foreign: CommitDetails[];
  /** The newest CodeCommit commit GitLab also holds. */
  forkPoint?: string;
}

/** Compare one mirrored branch on both sides. */
export async function compareBranch(
  pair: MirrorPair,
  branch: string,
  deps: MirrorDeps,
  codecommitHead?: string,
): Promise<Comparison> {
  const primary = deps.primary(pair.settings.gitlab);
  const replica = deps.replica(pair.settings.codecommit);
  const [gitlabHead, replicaHead] = await Promise.all([
    primary.branchHead(branch),
    codecommitHead === undefined ? replica.branchHead(branch) : Promise.resolve(codecommitHead),
  ]);
  const heads = {
    ...(gitlabHead === undefined ? {} : { gitlabHead }),
    ...(replicaHead === undefined ? {} : { codecommitHead: replicaHead }),
  };
  if (gitlabHead === replicaHead) return { state: 'in-sync', ...heads, missing: [], foreign: [] };
  if (replicaHead === undefined) {
    const missing = gitlabHead === undefined ? [] : await primary.recentCommits(branch, MAX_FOREIGN_COMMITS);
    return { state: 'gitlab-ahead', ...heads, missing: missing.reverse(), foreign: [] };
  }
  const foreign: CommitDetails[] = [];
  let cursor: string | undefined = replicaHead;
  while (
    cursor !== undefined &&
    foreign.length < MAX_FOREIGN_COMMITS &&
    (await primary.getCommit(cursor)) === undefined
  ) {
    const commit = await replica.getCommit(cursor);
    foreign.unshift(commit);
    cursor = commit.parentIds[0];
  }
  const forkPoint = cursor;
  const missing =
    gitlabHead !== undefined && forkPoint !== undefined && forkPoint !== gitlabHead
      ? await primary.commitsBetween(forkPoint, gitlabHead)
      : [];
  const state: MirrorState =
    foreign.length === 0 ? 'gitlab-ahead' : missing.length === 0 ? 'codecommit-ahead' : 'diverged';
  return { state, ...heads, missing, foreign, ...(forkPoint === undefined ? {} : { forkPoint }) };
}

/** The `mirror` action that reports a comparison. */
export function mirrorAction(
  pair: MirrorPair,
  branch: string,
  comparison: Comparison,
  now: number,
): Extract<MirrorAction, { type: 'mirror' }> {
  // Drift began when either branch first moved past the other: its oldest own (first-parent) commit.
  const oldest =
    comparison.foreign[0] ??
    firstParentChain(comparison.missing, comparison.gitlabHead, comparison.forkPoint)[0] ??
    comparison.missing[0];
  return {
    type: 'mirror',
    gitlab: pair.settings.gitlab,
    codecommit: pair.settings.codecommit,
    branch,
    state: comparison.state,
    ...(comparison.gitlabHead === undefined ? {} : { gitlabHead: comparison.gitlabHead }),
    ...(comparison.codecommitHead === undefined ? {} : { codecommitHead: comparison.codecommitHead }),
    behind: comparison.missing.length,
    ahead: comparison.foreign.length,
    lagSeconds: oldest === undefined ? 0 : secondsBetween(oldest.committedAt, now),
  };
}

/**
 * CodeCommit's branch moved: in sync is recorded; GitLab ahead starts the mirror; commits only
 * CodeCommit holds are alerted, and with `adopt` replayed onto GitLab (when GitLab has not moved
 * since) before the next mirror push would erase them. A replay comes back through the mirror as
 * GitLab's own commit, so it compares in sync: no loop.
 */
export async function reconcileMirroredBranch(
  pair: MirrorPair,
  branch: string,
  codecommitHead: string | undefined,
  eventId: string,
  deps: MirrorDeps,
): Promise<MirrorAction[]> {
  const comparison = await compareBranch(pair, branch, deps, codecommitHead);
  const actions: MirrorAction[] = [mirrorAction(pair, branch, comparison, deps.now())];
  if (comparison.state === 'in-sync') return actions;
  if (comparison.state === 'gitlab-ahead') {
    actions.push(await triggerSync(pair, deps));
    return actions;
  }
  const primary = deps.primary(pair.settings.gitlab);
  const adopted = await alreadyAdopted(primary, branch, pair, comparison.foreign);
  const pending = comparison.foreign.filter((commit) => !adopted.has(commit.id));
  if (pending.length === 0) {
    // A redelivered event: the commits were replayed already; the mirror brings CodeCommit back in line.
    actions.push(await triggerSync(pair, deps));
    return actions;
  }
  const canAdopt = pair.settings.adopt && comparison.state === 'codecommit-ahead';
  const replica = deps.replica(pair.settings.codecommit);
  const described = await Promise.all(
    pending.map(async (commit) => ({ commit, changes: await replica.commitChanges(commit.id) })),
  );
  const subject = `${pending.length} commit(s) only on CodeCommit ${pair.codecommitName}/${branch}`.slice(
    0,
    100,
  );
  await deps.alerts().publish({
    subject,
    message: foreignCommitsMessage(pair, branch, comparison, described, canAdopt),
    eventId,
    details: {
      gitlab: pair.settings.gitlab,
      codecommit: pair.settings.codecommit,
      branch,
      commits: pending.map((c) => c.id),
    },
  });
  actions.push({ type: 'alert', subject });
  if (!canAdopt || comparison.gitlabHead === undefined) return actions;

  const commits: { from: string; to?: string }[] = [];
  if (deps.dryRun) {
    actions.push({
      type: 'adopt',
      gitlab: pair.settings.gitlab,
      branch,
      commits: pending.map((c) => ({ from: c.id })),
      dryRun: true,
    });
    return actions;
  }
  let parent = comparison.gitlabHead;
  for (const { commit, changes } of described) {
    const result = await primary.replayCommit({
      branch,
      parentCommitId: parent,
      author: commit.author,
      message: adoptedMessage(commit.message, adoptedOrigin(pair.codecommitName, commit.id)),
      changes,
    });
    if (result.status === 'conflict') {
      throw new TransientError(
        `GitLab ${primary.description} branch ${branch} moved while adopting ${commit.id}; the event is retried`,
      );
    }
    if (result.status === 'committed') parent = result.commitId;
    commits.push({ from: commit.id, ...(result.status === 'committed' ? { to: result.commitId } : {}) });
  }
  actions.push({ type: 'adopt', gitlab: pair.settings.gitlab, branch, commits });
  actions.push(await triggerSync(pair, deps));
  return actions;
}

/** Start the push mirror of a pair now; a GitLab that cannot is reported, not thrown. */
export async function triggerSync(pair: MirrorPair, deps: MirrorDeps): Promise<MirrorAction> {
  const { gitlab, codecommit, mirrorId } = pair.settings;
  if (deps.dryRun) return { type: 'sync', gitlab, codecommit, dryRun: true };
  const synced = await deps.primary(gitlab).syncMirror({
    codecommitRepository: pair.codecommitName,
    ...(mirrorId === undefined ? {} : { mirrorId }),
  });
  return { type: 'sync', gitlab, codecommit, mirrorId: synced.mirrorId };
}

async function alreadyAdopted(
  primary: MirrorPrimary,
  branch: string,
  pair: MirrorPair,
  foreign: CommitDetails[],
): Promise<Set<string>> {
  if (foreign.length === 0) return new Set();
  const origins = new Set(
    (await primary.recentCommits(branch, ADOPTION_LOOKBACK)).flatMap((commit) =>
      adoptedOrigins(commit.message),
    ),
  );
  return new Set(
    foreign.filter((c) => origins.has(adoptedOrigin(pair.codecommitName, c.id))).map((c) => c.id),
  );
}
