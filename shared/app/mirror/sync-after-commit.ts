import { type MirrorPair, pairsForPrimary } from '#domain/mirror-pairs.ts';
import type { BumpAction } from '../image-bump/result.ts';
import type { Logger } from '../ports/logger.ts';
import { type MirrorDeps, triggerSync } from './mirror-sync.ts';
import type { MirrorAction } from './result.ts';

/**
 * After Flowkeeper committed to a GitLab primary, start its push mirror at once so the CodeCommit
 * copy (and the pipelines it triggers) follows in seconds, not at GitLab's next mirror run. A
 * mirror that cannot be started is reported and logged; the commit stands either way.
 */
export async function syncAfterCommits(
  actions: BumpAction[],
  deps: MirrorDeps,
  logger?: Logger,
): Promise<MirrorAction[]> {
  const pairs = new Map<string, MirrorPair>();
  for (const action of actions) {
    if (action.type !== 'commit') continue;
    for (const pair of pairsForPrimary(deps.config, action.repository, action.branch)) {
      pairs.set(`${pair.settings.gitlab}\u0000${pair.settings.codecommit}`, pair);
    }
  }
  const results: MirrorAction[] = [];
  for (const pair of pairs.values()) {
    try {
      results.push(await triggerSync(pair, deps));
    } catch (error) {
      const reason = `the push mirror ${pair.settings.gitlab} → ${pair.settings.codecommit} was not started (${(error as Error).message}); GitLab's own schedule will mirror the commit`;
      logger?.warn('mirror sync failed', { reason });
      results.push({ type: 'skip', reason });
    }
  }
  return results;
}

/** `result` with the mirror syncs its commits started appended to its actions. */
export async function withMirrorSync<T extends { actions: BumpAction[] }>(
  result: T,
  deps: () => Promise<MirrorDeps>,
  logger?: Logger,
): Promise<Omit<T, 'actions'> & { actions: (BumpAction | MirrorAction)[] }> {
  if (!result.actions.some((action) => action.type === 'commit')) return result;
  const synced = await syncAfterCommits(result.actions, await deps(), logger);
  return { ...result, actions: [...result.actions, ...synced] };
}
