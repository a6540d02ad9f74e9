import { pairsForBranch } from '#domain/mirror-pairs.ts';
import type { ReferenceEvent } from '#parsers/codecommit-reference.ts';
import { type MirrorDeps, reconcileMirroredBranch } from './mirror-sync.ts';
import type { MirrorResult } from './result.ts';

/** A branch of a CodeCommit repository moved: each mirror pair that keeps it is reconciled. */
export async function onMirrorReference(event: ReferenceEvent, deps: MirrorDeps): Promise<MirrorResult> {
  const result: MirrorResult = { eventId: event.id, actions: [] };
  const branch = event.referenceName;
  if (event.referenceType !== 'branch' || event.kind === 'referenceDeleted') {
    const what = event.referenceType === 'branch' ? 'a deleted branch' : `${event.referenceType} ${branch}`;
    result.actions.push({ type: 'skip', reason: `${what} is left to the scheduled drift check` });
    return result;
  }
  const pairs = pairsForBranch(deps.config, event.repositoryName, branch);
  if (pairs.length === 0) {
    result.actions.push({
      type: 'skip',
      reason: `${event.repositoryName}/${branch} is not a mirrored branch of any configured mirror`,
    });
    return result;
  }
  for (const pair of pairs) {
    result.actions.push(...(await reconcileMirroredBranch(pair, branch, event.commitId, event.id, deps)));
  }
  return result;
}
