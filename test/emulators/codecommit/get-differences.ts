import { fail } from './errors.ts';
import { resolveCommitSpecifier } from './get-file.ts';
import { type Input, optionalString } from './input.ts';
import { requirePath, requireRepositoryName } from './names.ts';
import type { OperationContext } from './operation-context.ts';
import { decodeToken, encodeToken, fingerprintOf } from './pull-request-store.ts';
import { listFiles, type TreeEntry } from './trees.ts';

/** No page size is documented; 100 by default is assumed, and any positive size is honoured. */
const DEFAULT_PAGE = 100;

interface BlobMetadata {
  blobId: string;
  path: string;
  /** The git mode as text: `100644`, `100755`, `120000`, `160000`. */
  mode: string;
}

interface Difference {
  beforeBlob?: BlobMetadata;
  afterBlob?: BlobMetadata;
  changeType: 'A' | 'M' | 'D';
}

/** `MaxResults` (capitalised here, unlike the pull-request listings): a positive integer. */
function readMaxResults(input: Input): number {
  const value = input.MaxResults;
  if (value === undefined || value === null) return DEFAULT_PAGE;
  if (typeof value !== 'number')
    return fail('SerializationException', "Member 'MaxResults' must be a number.");
  if (!Number.isInteger(value) || value < 1) {
    return fail('InvalidMaxResultsException', 'MaxResults must be a positive integer.');
  }
  return value;
}

function optionalPath(input: Input, member: string): string | undefined {
  const path = optionalString(input, member);
  return path === undefined || path === '' ? undefined : requirePath(path);
}

const blob = (path: string, entry: TreeEntry): BlobMetadata => ({
  blobId: entry.objectId,
  path,
  mode: entry.mode,
});

/** Every path added, modified (content or mode) or deleted; a rename is a deletion plus an addition. */
function differencesBetween(before: Map<string, TreeEntry>, after: Map<string, TreeEntry>): Difference[] {
  const paths = [...new Set([...before.keys(), ...after.keys()])].sort();
  const differences: Difference[] = [];
  for (const path of paths) {
    const old = before.get(path);
    const current = after.get(path);
    if (old === undefined && current !== undefined) {
      differences.push({ afterBlob: blob(path, current), changeType: 'A' });
    } else if (old !== undefined && current === undefined) {
      differences.push({ beforeBlob: blob(path, old), changeType: 'D' });
    } else if (old !== undefined && current !== undefined) {
      if (old.objectId !== current.objectId || old.mode !== current.mode) {
        differences.push({ beforeBlob: blob(path, old), afterBlob: blob(path, current), changeType: 'M' });
      }
    }
  }
  return differences;
}

/** The path itself (a file) or anything below it (a folder). */
const within = (path: string, scope: string): boolean => path === scope || path.startsWith(`${scope}/`);

const existsIn = (files: Map<string, TreeEntry>, scope: string): boolean =>
  [...files.keys()].some((path) => within(path, scope));

/**
 * The files that differ between two commits, or every file of the after commit when no before commit
 * is given (all additions). Which paths the filters keep is this emulator's reading of the
 * documentation: `beforePath` limits the before side and `afterPath` the after side (one given alone
 * limits both), and a difference is kept when either of its sides is in scope. A filter path that
 * exists in neither commit is `PathDoesNotExistException`. Pages follow path order.
 */
export async function getDifferences(
  context: OperationContext,
  input: Input,
): Promise<Record<string, unknown>> {
  const repository = context.store.get(requireRepositoryName(optionalString(input, 'repositoryName')));
  const { gitDir } = repository;
  const afterSpecifier = optionalString(input, 'afterCommitSpecifier');
  if (afterSpecifier === undefined || afterSpecifier === '') {
    return fail('CommitRequiredException', 'An after commit specifier is required.');
  }
  const beforeSpecifier = optionalString(input, 'beforeCommitSpecifier');
  const beforePath = optionalPath(input, 'beforePath');
  const afterPath = optionalPath(input, 'afterPath');
  const maxResults = readMaxResults(input);
  const afterCommit = await resolveCommitSpecifier(gitDir, afterSpecifier);
  const beforeCommit =
    beforeSpecifier === undefined || beforeSpecifier === ''
      ? undefined
      : await resolveCommitSpecifier(gitDir, beforeSpecifier);

  const before =
    beforeCommit === undefined ? new Map<string, TreeEntry>() : await listFiles(gitDir, beforeCommit);
  const after = await listFiles(gitDir, afterCommit);
  for (const scope of [beforePath, afterPath]) {
    if (scope !== undefined && !existsIn(before, scope) && !existsIn(after, scope)) {
      fail('PathDoesNotExistException', `The path ${scope} does not exist in either commit.`);
    }
  }
  const beforeScope = beforePath ?? afterPath;
  const afterScope = afterPath ?? beforePath;
  const matching = differencesBetween(before, after).filter(
    (difference) =>
      beforeScope === undefined ||
      afterScope === undefined ||
      (difference.beforeBlob !== undefined && within(difference.beforeBlob.path, beforeScope)) ||
      (difference.afterBlob !== undefined && within(difference.afterBlob.path, afterScope)),
  );

  const scope = fingerprintOf({
    repository: repository.name,
    beforeCommit,
    afterCommit,
    beforePath,
    afterPath,
  });
  const offset = decodeToken(optionalString(input, 'NextToken'), scope);
  const page = matching.slice(offset, offset + maxResults);
  const next = offset + page.length;
  return {
    differences: page,
    ...(next < matching.length ? { NextToken: encodeToken(scope, next) } : {}),
  };
}
