import { globMatch } from '#domain/branch-globs.ts';
import { allPairs, type MirrorPair } from '#domain/mirror-pairs.ts';
import { compareBranch, type MirrorDeps, mirrorAction } from './mirror-sync.ts';
import type { MirrorAction, MirrorResult } from './result.ts';

const GLOB = /\*/;

/**
 * The scheduled drift check: every mirrored branch compared on both sides, published as metrics
 * (in sync 0/1, lag seconds, commits behind and ahead), and alerted when drift outlives the pair's
 * `driftAlertMinutes`. It changes nothing on either side.
 */
export async function checkDrift(eventId: string, deps: MirrorDeps): Promise<MirrorResult> {
  const actions: MirrorAction[] = [];
  const now = deps.now();
  const pairs = allPairs(deps.config);
  if (pairs.length === 0) {
    return {
      eventId,
      actions: [{ type: 'skip', reason: 'no mirrors are configured (mirrors: in the configuration)' }],
    };
  }
  for (const pair of pairs) {
    for (const branch of await branchesOf(pair, deps)) {
      const comparison = await compareBranch(pair, branch, deps);
      const action = mirrorAction(pair, branch, comparison, now);
      const { lagSeconds } = action;
      actions.push(action);
      deps.metrics?.record(
        { Mirror: `${pair.settings.gitlab}->${pair.settings.codecommit}`, Branch: branch },
        {
          MirrorInSync: comparison.state === 'in-sync' ? 1 : 0,
          MirrorLagSeconds: lagSeconds,
          MirrorCommitsBehind: comparison.missing.length,
          MirrorCommitsAhead: comparison.foreign.length,
        },
      );
      if (comparison.state !== 'in-sync' && lagSeconds >= pair.settings.driftAlertMinutes * 60) {
        const subject =
          `Mirror drift: ${pair.codecommitName}/${branch} ${comparison.state} for ${Math.floor(lagSeconds / 60)} min`.slice(
            0,
            100,
          );
        await deps.alerts().publish({
          subject,
          message: [
            `GitLab ${pair.settings.gitlab} and CodeCommit ${pair.codecommitName} disagree on ${branch}: ${comparison.state}.`,
            `GitLab head: ${comparison.gitlabHead ?? '(none)'}; CodeCommit head: ${comparison.codecommitHead ?? '(none)'}.`,
            `Commits CodeCommit lacks: ${comparison.missing.length}; commits only on CodeCommit: ${comparison.foreign.length}.`,
            `The oldest difference is ${Math.floor(lagSeconds / 60)} minutes old (alert threshold ${pair.settings.driftAlertMinutes}).`,
            comparison.state === 'gitlab-ahead'
              ? 'Check the push mirror in GitLab (Settings → Repository → Mirroring repositories): its last error says why it stopped.'
              : 'Commits made on CodeCommit are overwritten by the next mirror update: commit them to GitLab.',
          ].join('\n'),
          eventId,
          details: { ...action },
        });
        actions.push({ type: 'alert', subject });
      }
    }
  }
  deps.metrics?.flush();
  return { eventId, actions };
}

async function branchesOf(pair: MirrorPair, deps: MirrorDeps): Promise<string[]> {
  const named = pair.settings.branches.filter((branch) => !GLOB.test(branch));
  if (named.length === pair.settings.branches.length) return named;
  const primary = deps.primary(pair.settings.gitlab);
  const all = primary.listBranches ? await primary.listBranches() : [];
  const matched = all.filter((branch) => pair.settings.branches.some((glob) => globMatch(glob, branch)));
  return [...new Set([...named, ...matched])];
}
