import { fail } from './errors.ts';
import { GitCommandError, gitOnObjects } from './git.ts';
import { type Input, optionalList, optionalString } from './input.ts';
import { FULL_COMMIT_ID, isValidRefName, requireRepositoryName } from './names.ts';
import type { OperationContext } from './operation-context.ts';
import {
  addRevision,
  callerArn,
  currentRevision,
  decodeToken,
  describePullRequest,
  encodeToken,
  fingerprintOf,
  mergeBaseOf,
  nowSeconds,
  PULL_REQUEST_STATUSES,
  type PullRequestRecord,
  type PullRequestStatus,
  pullRequestStore,
  readMaxResults,
  refresh,
  requirePullRequest,
} from './pull-request-store.ts';
import { compareAndSwapBranch, defaultBranch, resolveRef } from './repositories.ts';

/** Model lengths: titles up to 150 characters, descriptions up to 10,240. */
const MAX_TITLE = 150;
const MAX_DESCRIPTION = 10240;
/** Quotas page: 1,000 open pull requests per repository; 200 approvals per pull request. */
const MAX_OPEN_PULL_REQUESTS = 1000;
const MAX_APPROVALS = 200;
/** Page sizes are not documented for ListPullRequests; 100 by default and 1,000 at most are assumed. */
const DEFAULT_PAGE = 100;
const MAX_PAGE = 1000;
const AUTHOR_ARN = /^arn:aws[a-z-]*:(iam|sts)::\d{12}:\S+$/;
const REVISION_ID = /^[0-9a-f]{64}$/;

/**
 * A branch name or a full `refs/heads/` ref; other refs (tags, notes) are not branches. Answers with
 * the full ref, as the service reports references.
 */
async function readReference(
  gitDir: string,
  reference: string | undefined,
  fallback: string | undefined,
): Promise<string> {
  const name = reference === undefined || reference === '' ? fallback : reference;
  if (name === undefined) return fail('ReferenceNameRequiredException', 'A reference name is required.');
  if (name.startsWith('refs/') && !name.startsWith('refs/heads/')) {
    fail('ReferenceTypeNotSupportedException', `${name} is not a branch.`);
  }
  const ref = name.startsWith('refs/heads/') ? name : `refs/heads/${name}`;
  if (!(await isValidRefName(ref))) {
    fail('InvalidReferenceNameException', `The reference name '${name}' is not valid.`);
  }
  if ((await resolveRef(gitDir, ref)) === undefined) {
    fail('ReferenceDoesNotExistException', `${ref} does not exist.`);
  }
  return ref;
}

interface Target {
  repositoryName: string;
  sourceReference: string | undefined;
  destinationReference: string | undefined;
}

function readTargets(input: Input): Target {
  const targets = optionalList(input, 'targets');
  if (targets.length === 0) return fail('TargetsRequiredException', 'At least one target is required.');
  const read = targets.map((target) => ({
    repositoryName: requireRepositoryName(optionalString(target, 'repositoryName')),
    sourceReference: optionalString(target, 'sourceReference'),
    destinationReference: optionalString(target, 'destinationReference'),
  }));
  if (new Set(read.map((target) => target.repositoryName)).size > 1) {
    fail('MultipleRepositoriesInPullRequestException', 'A pull request can target only one repository.');
  }
  if (read.length > 1) fail('InvalidTargetsException', 'A pull request has exactly one target.');
  return read[0] as Target;
}

export async function createPullRequest(
  context: OperationContext,
  input: Input,
): Promise<Record<string, unknown>> {
  const title = optionalString(input, 'title');
  if (title === undefined || title.trim() === '')
    return fail('TitleRequiredException', 'A title is required.');
  if (title.length > MAX_TITLE)
    fail('InvalidTitleException', `The title is longer than ${MAX_TITLE} characters.`);
  const description = optionalString(input, 'description');
  if (description !== undefined && description.length > MAX_DESCRIPTION) {
    fail('InvalidDescriptionException', `The description is longer than ${MAX_DESCRIPTION} characters.`);
  }
  const target = readTargets(input);
  const token = optionalString(input, 'clientRequestToken');
  const authorArn = callerArn(context);
  const fingerprint = fingerprintOf({ title, description, target, authorArn });
  const store = pullRequestStore(context);
  const earlier = token === undefined ? undefined : store.byToken.get(token);
  if (earlier !== undefined) {
    if (earlier.fingerprint !== fingerprint) {
      fail('IdempotencyParameterMismatchException', `The token ${token} was used with other parameters.`);
    }
    await refresh(context, earlier);
    return { pullRequest: describePullRequest(earlier) };
  }

  const repository = context.store.get(target.repositoryName);
  const { gitDir } = repository;
  const sourceReference = await readReference(gitDir, target.sourceReference, undefined);
  const destinationReference = await readReference(
    gitDir,
    target.destinationReference,
    await defaultBranch(gitDir),
  );
  if (sourceReference === destinationReference) {
    fail('SourceAndDestinationAreSameException', 'The source and destination are the same branch.');
  }
  const open = [...store.pullRequests.values()].filter(
    (record) => record.repositoryName === repository.name && record.status === 'OPEN',
  );
  if (open.length >= MAX_OPEN_PULL_REQUESTS) {
    fail('MaximumOpenPullRequestsExceededException', `${repository.name} has too many open pull requests.`);
  }
  const sourceCommit = (await resolveRef(gitDir, sourceReference)) as string;
  const destinationCommit = (await resolveRef(gitDir, destinationReference)) as string;
  const mergeBase = await mergeBaseOf(gitDir, sourceCommit, destinationCommit);
  const now = nowSeconds();
  const record: PullRequestRecord = {
    id: store.nextId(),
    title,
    ...(description === undefined ? {} : { description }),
    authorArn,
    ...(token === undefined ? {} : { clientRequestToken: token }),
    fingerprint,
    creationDate: now,
    lastActivityDate: now,
    status: 'OPEN',
    repositoryName: repository.name,
    sourceReference,
    destinationReference,
    sourceCommit,
    destinationCommit,
    ...(mergeBase === undefined ? {} : { mergeBase }),
    revisions: [],
    approvals: new Map(),
  };
  addRevision(record, sourceCommit);
  store.pullRequests.set(record.id, record);
  if (token !== undefined) store.byToken.set(token, record);
  return { pullRequest: describePullRequest(record) };
}

export async function getPullRequest(
  context: OperationContext,
  input: Input,
): Promise<Record<string, unknown>> {
  const record = requirePullRequest(context, input);
  await refresh(context, record);
  return { pullRequest: describePullRequest(record) };
}

function readStatus(input: Input): PullRequestStatus | undefined {
  const status = optionalString(input, 'pullRequestStatus');
  if (status === undefined || status === '') return undefined;
  if (!PULL_REQUEST_STATUSES.includes(status)) {
    fail('InvalidPullRequestStatusException', `The pull request status '${status}' is not valid.`);
  }
  return status as PullRequestStatus;
}

/** Pull requests in the order they were created (the service documents no order). */
export async function listPullRequests(
  context: OperationContext,
  input: Input,
): Promise<Record<string, unknown>> {
  const repository = context.store.get(requireRepositoryName(optionalString(input, 'repositoryName')));
  const status = readStatus(input);
  const authorArn = optionalString(input, 'authorArn');
  if (authorArn !== undefined && !AUTHOR_ARN.test(authorArn)) {
    fail('InvalidAuthorArnException', `The author ARN '${authorArn}' is not valid.`);
  }
  const maxResults = readMaxResults(input, DEFAULT_PAGE, MAX_PAGE);
  const scope = fingerprintOf({ repository: repository.name, status, authorArn });
  const offset = decodeToken(optionalString(input, 'nextToken'), scope);
  const matching = [...pullRequestStore(context).pullRequests.values()].filter(
    (record) =>
      record.repositoryName === repository.name &&
      (status === undefined || record.status === status) &&
      (authorArn === undefined || record.authorArn === authorArn),
  );
  const page = matching.slice(offset, offset + maxResults);
  const next = offset + page.length;
  return {
    pullRequestIds: page.map((record) => record.id),
    ...(next < matching.length ? { nextToken: encodeToken(scope, next) } : {}),
  };
}

/** OPEN→OPEN and CLOSED→CLOSED change nothing; OPEN→CLOSED closes; a closed one cannot reopen. */
export async function updatePullRequestStatus(
  context: OperationContext,
  input: Input,
): Promise<Record<string, unknown>> {
  const record = requirePullRequest(context, input);
  const status = readStatus(input);
  if (status === undefined) {
    return fail('PullRequestStatusRequiredException', 'A pull request status is required.');
  }
  if (record.status === 'CLOSED' && status === 'OPEN') {
    fail('InvalidPullRequestStatusUpdateException', `Pull request ${record.id} is closed and cannot reopen.`);
  }
  await refresh(context, record);
  if (record.status !== status) {
    record.status = status;
    record.lastActivityDate = nowSeconds();
  }
  return { pullRequest: describePullRequest(record) };
}

function readRevisionId(input: Input): string {
  const revisionId = optionalString(input, 'revisionId');
  if (revisionId === undefined || revisionId === '') {
    return fail('RevisionIdRequiredException', 'A revision id is required.');
  }
  return revisionId;
}

/** A revision id must be one the pull request has had; malformed or foreign ids are not valid. */
function checkRevisionKnown(record: PullRequestRecord, revisionId: string): void {
  if (!REVISION_ID.test(revisionId) || !record.revisions.includes(revisionId)) {
    fail('InvalidRevisionIdException', `The revision id '${revisionId}' is not valid.`);
  }
}

export async function updatePullRequestApprovalState(
  context: OperationContext,
  input: Input,
): Promise<Record<string, unknown>> {
  const record = requirePullRequest(context, input);
  const revisionId = readRevisionId(input);
  const state = optionalString(input, 'approvalState');
  if (state === undefined || state === '') {
    return fail('ApprovalStateRequiredException', 'An approval state is required.');
  }
  if (state !== 'APPROVE' && state !== 'REVOKE') {
    fail('InvalidApprovalStateException', `The approval state '${state}' is not valid.`);
  }
  if (record.status === 'CLOSED') {
    fail('PullRequestAlreadyClosedException', `Pull request ${record.id} is already closed.`);
  }
  await refresh(context, record);
  checkRevisionKnown(record, revisionId);
  if (revisionId !== currentRevision(record)) {
    fail('RevisionNotCurrentException', `Revision ${revisionId} is not the current revision.`);
  }
  const approver = callerArn(context);
  if (state === 'APPROVE' && approver === record.authorArn) {
    fail('PullRequestCannotBeApprovedByAuthorException', 'The author of a pull request cannot approve it.');
  }
  const approvals = record.approvals.get(revisionId) ?? new Set<string>();
  if (state === 'APPROVE') {
    if (!approvals.has(approver) && approvals.size >= MAX_APPROVALS) {
      fail('MaximumNumberOfApprovalsExceededException', `Pull request ${record.id} has too many approvals.`);
    }
    approvals.add(approver);
  } else {
    approvals.delete(approver);
  }
  record.approvals.set(revisionId, approvals);
  record.lastActivityDate = nowSeconds();
  return {};
}

export async function getPullRequestApprovalStates(
  context: OperationContext,
  input: Input,
): Promise<Record<string, unknown>> {
  const record = requirePullRequest(context, input);
  const revisionId = readRevisionId(input);
  await refresh(context, record);
  checkRevisionKnown(record, revisionId);
  const approvers = [...(record.approvals.get(revisionId) ?? [])];
  return { approvals: approvers.map((userArn) => ({ userArn, approvalState: 'APPROVE' })) };
}

async function isAncestor(gitDir: string, ancestor: string, descendant: string): Promise<boolean> {
  try {
    await gitOnObjects(
      gitDir,
      [ancestor, descendant],
      ['merge-base', '--is-ancestor', ancestor, descendant],
      [1],
    );
    return true;
  } catch (error) {
    if (error instanceof GitCommandError) return false;
    throw error;
  }
}

/**
 * Moves the destination branch to the source tip when that is a fast-forward, then closes the pull
 * request as merged. The branch moves by compare-and-swap, so a destination that moved meanwhile is
 * `ConcurrentReferenceUpdateException` rather than a lost commit. The emulator has no approval rules,
 * so nothing here is refused for missing approvals.
 */
export async function mergePullRequestByFastForward(
  context: OperationContext,
  input: Input,
): Promise<Record<string, unknown>> {
  const record = requirePullRequest(context, input);
  const repository = context.store.get(requireRepositoryName(optionalString(input, 'repositoryName')));
  if (repository.name !== record.repositoryName) {
    fail(
      'RepositoryNotAssociatedWithPullRequestException',
      `Pull request ${record.id} is not in ${repository.name}.`,
    );
  }
  const sourceCommitId = optionalString(input, 'sourceCommitId');
  if (sourceCommitId !== undefined && !FULL_COMMIT_ID.test(sourceCommitId)) {
    fail('InvalidCommitIdException', `The commit id '${sourceCommitId}' is not valid.`);
  }
  if (record.status === 'CLOSED') {
    fail('PullRequestAlreadyClosedException', `Pull request ${record.id} is already closed.`);
  }
  const { gitDir } = repository;
  const source = await resolveRef(gitDir, record.sourceReference);
  const destination = await resolveRef(gitDir, record.destinationReference);
  if (source === undefined)
    return fail('ReferenceDoesNotExistException', `${record.sourceReference} does not exist.`);
  if (destination === undefined) {
    return fail('ReferenceDoesNotExistException', `${record.destinationReference} does not exist.`);
  }
  await refresh(context, record);
  if (sourceCommitId !== undefined && sourceCommitId !== source) {
    fail('TipOfSourceReferenceIsDifferentException', `The tip of ${record.sourceReference} is ${source}.`);
  }
  if (!(await isAncestor(gitDir, destination, source))) {
    fail(
      'ManualMergeRequiredException',
      `${record.sourceReference} cannot be fast-forwarded onto the destination.`,
    );
  }
  const branch = record.destinationReference.slice('refs/heads/'.length);
  if (destination !== source && !(await compareAndSwapBranch(gitDir, branch, source, destination))) {
    fail('ConcurrentReferenceUpdateException', `${record.destinationReference} changed during the merge.`);
  }
  record.merge = { mergedBy: callerArn(context), mergeCommitId: source, mergeOption: 'FAST_FORWARD_MERGE' };
  record.status = 'CLOSED';
  record.lastActivityDate = nowSeconds();
  return { pullRequest: describePullRequest(record) };
}
