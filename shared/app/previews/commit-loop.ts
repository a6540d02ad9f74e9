import type { PreviewSetConfig } from '#config/types.ts';
import { TransientError } from '#domain/errors.ts';
import type { FileChange } from '../ports/git-host.ts';
import type { PreviewDeps } from './deps.ts';
import { type PreviewState, readState } from './state.ts';

/** What one attempt decided: the changes and message of a commit, and what to report; or nothing to do. */
export type Plan<T> = { changes: FileChange[]; message: string; outcome: T } | { skip: T };

/**
 * Read the state, plan, and commit onto the commit read (compare-and-swap); when the branch moved,
 * read and plan again, up to `commit.maxAttempts`, then fail as transient so the event is retried.
 */
export async function commitPlanned<T>(
  deps: PreviewDeps,
  set: PreviewSetConfig,
  plan: (state: PreviewState) => Promise<Plan<T>>,
): Promise<{ outcome: T; commitId?: string }> {
  const host = deps.hostFor(set.repository);
  const { maxAttempts, author } = deps.config.commit;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const state = await readState(host, set);
    const planned = await plan(state);
    if ('skip' in planned) return { outcome: planned.skip };
    const result = await host.commit({
      branch: set.branch,
      parentCommitId: state.commitId,
      changes: planned.changes,
      message: planned.message,
      author,
    });
    if (result.status === 'committed') return { outcome: planned.outcome, commitId: result.commitId };
    if (result.status === 'unchanged') return { outcome: planned.outcome };
  }
  throw new TransientError(
    `branch ${set.branch} of ${host.description} kept moving: gave up after ${maxAttempts} compare-and-swap attempts`,
  );
}
