import { fail } from './errors.ts';
import { type Input, optionalString } from './input.ts';
import { FULL_COMMIT_ID, requireBranchName, requireRepositoryName } from './names.ts';
import type { OperationContext } from './operation-context.ts';
import { branchHead, compareAndSwapBranch, objectType, ZERO_COMMIT_ID } from './repositories.ts';

export async function getBranch(context: OperationContext, input: Input): Promise<Record<string, unknown>> {
  const repository = context.store.get(requireRepositoryName(optionalString(input, 'repositoryName')));
  const branchName = await requireBranchName(optionalString(input, 'branchName'));
  const commitId = await branchHead(repository.gitDir, branchName);
  if (commitId === undefined) fail('BranchDoesNotExistException', `Branch ${branchName} does not exist.`);
  return { branch: { branchName, commitId } };
}

/** CreateBranch takes a commit id (not a ref); abbreviated ids are assumed not to be accepted. */
export async function createBranch(
  context: OperationContext,
  input: Input,
): Promise<Record<string, unknown>> {
  const repository = context.store.get(requireRepositoryName(optionalString(input, 'repositoryName')));
  const branchName = await requireBranchName(optionalString(input, 'branchName'));
  const commitId = optionalString(input, 'commitId');
  if (commitId === undefined || commitId === '')
    return fail('CommitIdRequiredException', 'A commit id is required.');
  if (!FULL_COMMIT_ID.test(commitId))
    fail('InvalidCommitIdException', `The commit id '${commitId}' is not valid.`);
  if ((await objectType(repository.gitDir, commitId)) !== 'commit') {
    fail('CommitDoesNotExistException', `Commit ${commitId} does not exist.`);
  }
  if (!(await compareAndSwapBranch(repository.gitDir, branchName, commitId, ZERO_COMMIT_ID))) {
    fail('BranchNameExistsException', `Branch ${branchName} already exists.`);
  }
  return {};
}
