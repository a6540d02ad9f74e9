import * as z from 'zod/mini';
import { branchName } from '#domain/branch-globs.ts';
import { type Envelope, parseDetail, parseEnvelope, requireKind } from './envelope.ts';
import { blankOr, nonEmptyText, shaped, withoutUndefined } from './fields.ts';
import { preview } from './zod-error.ts';

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

export const commitId = shaped(COMMIT_ID, 'a commit id (40 lowercase hex digits)');
export const identityArn = shaped(IAM_ARN, 'an IAM or STS ARN');

/** `refs/heads/<name>`, read as the short name. */
const branchReference = z.pipe(
  nonEmptyText.check(
    z.refine((ref) => ref.startsWith(BRANCH_REF) && ref.length > BRANCH_REF.length, {
      error: (issue) => `expected a branch reference refs/heads/<name>, got ${preview(issue.input)}`,
    }),
  ),
  z.transform(branchName),
);

const REPOSITORY_NAMES = 'expected a non-empty array of repository names';
const repositoryName = z
  .string({ error: (issue) => `expected a repository name, got ${preview(issue.input)}` })
  .check(z.minLength(1, { error: 'expected a repository name, got ""' }));

/** Events spell the status in title case, unlike the API's `OPEN`/`CLOSED`. */
const STATUS = { Open: 'OPEN', Closed: 'CLOSED' } as const;
/** Events carry `isMerged` as the strings "True"/"False", never as a boolean. */
const MERGED = { True: true, False: false } as const;

const PullRequestDetail = z.object({
  event: nonEmptyText,
  pullRequestId: shaped(PULL_REQUEST_ID, 'a positive whole number as a string'),
  /** Pull requests span one repository: the first name is taken. */
  repositoryNames: z
    .array(repositoryName, { error: REPOSITORY_NAMES })
    .check(z.minLength(1, { error: REPOSITORY_NAMES })),
  title: nonEmptyText,
  author: identityArn,
  callerUserArn: blankOr(identityArn),
  sourceReference: branchReference,
  destinationReference: branchReference,
  sourceCommit: commitId,
  destinationCommit: commitId,
  revisionId: shaped(REVISION_ID, 'a revision id (64 lowercase hex digits)'),
  pullRequestStatus: z.pipe(
    z.enum(['Open', 'Closed']),
    z.transform((status) => STATUS[status]),
  ),
  isMerged: z.pipe(
    z.enum(['True', 'False']),
    z.transform((merged) => MERGED[merged]),
  ),
  mergeOption: blankOr(z.string()),
  // `creationDate` and `lastModifiedDate` are Java `Date.toString()` text; nothing here needs them.
});

export function parsePullRequestEvent(event: unknown): PullRequestEvent {
  return fromEnvelope(parseEnvelope(event));
}

export function fromEnvelope(envelope: Envelope): PullRequestEvent {
  requireKind(envelope, 'aws.codecommit', PULL_REQUEST_STATE_CHANGE);
  const detail = parseDetail(PullRequestDetail, envelope);
  return withoutUndefined({
    id: envelope.id,
    account: envelope.account,
    region: envelope.region,
    time: envelope.time,
    kind: detail.event,
    pullRequestId: detail.pullRequestId,
    repositoryName: detail.repositoryNames[0] ?? '',
    title: detail.title,
    authorArn: detail.author,
    callerArn: detail.callerUserArn,
    source: detail.sourceReference,
    destination: detail.destinationReference,
    sourceCommit: detail.sourceCommit,
    destinationCommit: detail.destinationCommit,
    revisionId: detail.revisionId,
    status: detail.pullRequestStatus,
    merged: detail.isMerged,
    mergeOption: detail.mergeOption,
  });
}
