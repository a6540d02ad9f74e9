import { branchName } from '#domain/branch-globs.ts';
import { EventError } from '#domain/errors.ts';
import { type Envelope, optionalString, parseEnvelope, requireKind, requireString } from './envelope.ts';

export const PULL_REQUEST_STATE_CHANGE = 'CodeCommit Pull Request State Change';

/** A `CodeCommit Pull Request State Change` event, validated. */
export interface PullRequestEvent {
  id: string;
  account: string;
  region: string;
  time: string;
  /** `detail.event`: pullRequestCreated, pullRequestSourceBranchUpdated, pullRequestStatusChanged, pullRequestMergeStatusUpdated, … */
  kind: string;
  pullRequestId: string;
  /** `repositoryNames[0]`; pull requests span one repository. */
  repositoryName: string;
  title: string;
  authorArn: string;
  callerArn?: string;
  /** Short branch names (`refs/heads/` removed). */
  source: string;
  destination: string;
  sourceCommit: string;
  destinationCommit: string;
  revisionId: string;
  /** From `pullRequestStatus` "Open"/"Closed". */
  status: 'OPEN' | 'CLOSED';
  /** From `isMerged` "True"/"False". */
  merged: boolean;
  mergeOption?: string;
}

const COMMIT_ID = /^[0-9a-f]{40}$/;
const REVISION_ID = /^[0-9a-f]{64}$/;
const PULL_REQUEST_ID = /^[1-9][0-9]*$/;
const IAM_ARN = /^arn:aws[a-z-]*:(?:iam|sts)::\d{12}:\S+$/;
const BRANCH_REF = 'refs/heads/';

/** A full git commit id as CodeCommit writes it: 40 lowercase hex digits. */
export function isCommitId(value: string): boolean {
  return COMMIT_ID.test(value);
}

/** A pull request revision id: 64 lowercase hex digits. */
export function isRevisionId(value: string): boolean {
  return REVISION_ID.test(value);
}

/** The ARN of an IAM identity or STS session, as `author` and `callerUserArn` carry them. */
export function isIdentityArn(value: string): boolean {
  return IAM_ARN.test(value);
}

/** A pull request id: a positive whole number, as a string (`"42"`). */
export function isPullRequestId(value: string): boolean {
  return PULL_REQUEST_ID.test(value);
}

export function parsePullRequestEvent(event: unknown): PullRequestEvent {
  return fromEnvelope(parseEnvelope(event));
}

export function fromEnvelope(envelope: Envelope): PullRequestEvent {
  requireKind(envelope, 'aws.codecommit', PULL_REQUEST_STATE_CHANGE);
  const { detail } = envelope;
  const pullRequestId = requireString(detail, 'pullRequestId', 'detail');
  if (!isPullRequestId(pullRequestId)) {
    throw new EventError(
      `detail.pullRequestId: expected a positive whole number as a string, got ${JSON.stringify(pullRequestId)}`,
    );
  }
  const callerArn = optionalString(detail, 'callerUserArn', 'detail');
  const mergeOption = optionalString(detail, 'mergeOption', 'detail');
  const parsed: PullRequestEvent = {
    id: envelope.id,
    account: envelope.account,
    region: envelope.region,
    time: envelope.time,
    kind: requireString(detail, 'event', 'detail'),
    pullRequestId,
    repositoryName: repositoryNameOf(detail.repositoryNames),
    title: requireString(detail, 'title', 'detail'),
    authorArn: arnOf(requireString(detail, 'author', 'detail'), 'author'),
    source: branchOf(detail, 'sourceReference'),
    destination: branchOf(detail, 'destinationReference'),
    sourceCommit: commitOf(detail, 'sourceCommit'),
    destinationCommit: commitOf(detail, 'destinationCommit'),
    revisionId: revisionOf(detail),
    status: statusOf(detail.pullRequestStatus),
    merged: mergedOf(detail.isMerged),
  };
  // `creationDate` and `lastModifiedDate` are Java `Date.toString()` text; nothing here needs them.
  if (callerArn !== undefined && callerArn !== '') parsed.callerArn = arnOf(callerArn, 'callerUserArn');
  if (mergeOption !== undefined && mergeOption !== '') parsed.mergeOption = mergeOption;
  return parsed;
}

function repositoryNameOf(value: unknown): string {
  if (!Array.isArray(value) || value.length === 0) {
    throw new EventError('detail.repositoryNames: expected a non-empty array of repository names');
  }
  value.forEach((name: unknown, index) => {
    if (typeof name !== 'string' || name === '') {
      throw new EventError(
        `detail.repositoryNames[${index}]: expected a repository name, got ${JSON.stringify(name)}`,
      );
    }
  });
  return value[0] as string;
}

function arnOf(value: string, key: string): string {
  if (!isIdentityArn(value)) {
    throw new EventError(`detail.${key}: expected an IAM or STS ARN, got ${JSON.stringify(value)}`);
  }
  return value;
}

function branchOf(detail: Record<string, unknown>, key: string): string {
  const ref = requireString(detail, key, 'detail');
  if (!ref.startsWith(BRANCH_REF) || ref.length === BRANCH_REF.length) {
    throw new EventError(
      `detail.${key}: expected a branch reference refs/heads/<name>, got ${JSON.stringify(ref)}`,
    );
  }
  return branchName(ref);
}

function commitOf(detail: Record<string, unknown>, key: string): string {
  const commit = requireString(detail, key, 'detail');
  if (!isCommitId(commit)) {
    throw new EventError(
      `detail.${key}: expected a commit id (40 lowercase hex digits), got ${JSON.stringify(commit)}`,
    );
  }
  return commit;
}

function revisionOf(detail: Record<string, unknown>): string {
  const revision = requireString(detail, 'revisionId', 'detail');
  if (!isRevisionId(revision)) {
    throw new EventError(
      `detail.revisionId: expected a revision id (64 lowercase hex digits), got ${JSON.stringify(revision)}`,
    );
  }
  return revision;
}

/** Events spell the status in title case, unlike the API's `OPEN`/`CLOSED`. */
function statusOf(value: unknown): PullRequestEvent['status'] {
  if (value === 'Open') return 'OPEN';
  if (value === 'Closed') return 'CLOSED';
  throw new EventError(`detail.pullRequestStatus: expected "Open" or "Closed", got ${shown(value)}`);
}

/** Events carry `isMerged` as the strings "True"/"False", never as a boolean. */
function mergedOf(value: unknown): boolean {
  if (value === 'True') return true;
  if (value === 'False') return false;
  throw new EventError(`detail.isMerged: expected "True" or "False", got ${shown(value)}`);
}

function shown(value: unknown): string {
  return value === undefined || value === null ? 'nothing' : JSON.stringify(value);
}
