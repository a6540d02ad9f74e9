import { fail } from './errors.ts';
import { type Input, optionalString } from './input.ts';
import { MAX_FILE_BYTES } from './limits.ts';
import { FULL_COMMIT_ID, isValidRefName, requirePath, requireRepositoryName } from './names.ts';
import type { OperationContext } from './operation-context.ts';
import { defaultBranch, objectType, resolveRef } from './repositories.ts';
import { blobSize, entryAt, fileMode, isKnownCommit, readBlob, rememberCommit } from './trees.ts';

/**
 * A commit specifier is a full commit id, a branch or tag name, or a full ref (`refs/heads/main`);
 * without one, the default branch's head. Revision syntax (`main~1`) and abbreviated ids are not
 * documented as accepted, so they are not: a name git would not accept as a ref is
 * `InvalidCommitException`, a well-formed one that names nothing is `CommitDoesNotExistException`.
 */
export async function resolveCommitSpecifier(gitDir: string, specifier: string | undefined): Promise<string> {
  if (specifier === undefined || specifier === '') {
    const branch = await defaultBranch(gitDir);
    const head = branch === undefined ? undefined : await resolveRef(gitDir, `refs/heads/${branch}`);
    return (
      head ??
      fail('CommitDoesNotExistException', 'No commit was given and the repository has no default branch.')
    );
  }
  if (FULL_COMMIT_ID.test(specifier)) {
    // An object id names the same object forever: a commit once seen needs no second look.
    if (isKnownCommit(gitDir, specifier)) return specifier;
    const type = await objectType(gitDir, specifier);
    if (type === undefined) return fail('CommitDoesNotExistException', `Commit ${specifier} does not exist.`);
    // A commit resolves to itself; another object (an annotated tag) is peeled by git.
    const commit =
      (type === 'commit' ? specifier : await resolveRef(gitDir, specifier)) ??
      fail('InvalidCommitException', `${specifier} is not a commit.`);
    if (commit === specifier) rememberCommit(gitDir, specifier);
    return commit;
  }
  const candidates = specifier.startsWith('refs/')
    ? [specifier]
    : [`refs/heads/${specifier}`, `refs/tags/${specifier}`];
  if (!(await isValidRefName(candidates[0] as string))) {
    return fail('InvalidCommitException', `The commit specifier '${specifier}' is not valid.`);
  }
  for (const ref of candidates) {
    const commitId = await resolveRef(gitDir, ref);
    if (commitId !== undefined) return commitId;
  }
  return fail('CommitDoesNotExistException', `Commit ${specifier} does not exist.`);
}

export async function getFile(context: OperationContext, input: Input): Promise<Record<string, unknown>> {
  const repository = context.store.get(requireRepositoryName(optionalString(input, 'repositoryName')));
  const path = requirePath(optionalString(input, 'filePath'));
  const commitId = await resolveCommitSpecifier(repository.gitDir, optionalString(input, 'commitSpecifier'));
  const entry = await entryAt(repository.gitDir, commitId, path);
  // A folder or a submodule at the path is not a file either (assumed; not documented).
  if (entry?.type !== 'blob')
    return fail('FileDoesNotExistException', `${path} does not exist at ${commitId}.`);
  const fileSize = await blobSize(repository.gitDir, entry.objectId);
  if (fileSize > MAX_FILE_BYTES) {
    fail('FileTooLargeException', `${path} is ${fileSize} bytes; GetFile returns files up to 6 MB.`);
  }
  const content = await readBlob(repository.gitDir, entry.objectId);
  return {
    commitId,
    blobId: entry.objectId,
    filePath: path,
    fileMode: fileMode(entry.mode),
    fileSize,
    fileContent: content.toString('base64'),
  };
}
