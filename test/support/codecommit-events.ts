import { randomUUID } from 'node:crypto';

/** An EventBridge envelope as CodeCommit sends it (and as the samples in `events/` are shaped). */
export interface CodeCommitEnvelope {
  version: '0';
  id: string;
  'detail-type': string;
  source: 'aws.codecommit';
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

export interface PullRequestFields {
  id: string;
  repositoryName: string;
  /** Short branch names; the event carries `refs/heads/<name>`. */
  source: string;
  destination: string;
  sourceCommit: string;
  destinationCommit: string;
  revisionId: string;
  authorArn: string;
  title?: string;
  /** Default: CLOSED for a merge, OPEN otherwise. */
  status?: 'OPEN' | 'CLOSED';
  /** Default: true for `pullRequestMergeStatusUpdated`, false otherwise. */
  merged?: boolean;
}

export interface PullRequestOptions {
  /** Default: the author. */
  callerArn?: string;
  id?: string;
  mergeOption?: string;
}

export interface ReferenceFields {
  repositoryName: string;
  branch: string;
  /** New tip; left out of `referenceDeleted` events. Default: 40 × `c`. */
  commitId?: string;
  /** Previous tip; left out of `referenceCreated` events. Default: 40 × `b`. */
  oldCommitId?: string;
  /** Default: an IAM user; `null` leaves `callerUserArn` out, as some events do. */
  callerArn?: string | null;
  /** Set when a CodeCommit merge moved the branch. */
  merge?: { option: string; sourceCommitId: string; destinationCommitId: string; baseCommitId?: string };
}

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const TIME = new Date(Date.UTC(2026, 2, 10, 9, 14, 3));
const REPOSITORY_ID = '5d0c6f8a-3b1e-4c7d-9a2f-6e8b1c4d7a90';

/** A `CodeCommit Pull Request State Change` envelope for `kind` (`pullRequestCreated`, …). */
export function pullRequestEvent(
  kind: string,
  pr: PullRequestFields,
  options: PullRequestOptions = {},
): CodeCommitEnvelope {
  const merged = pr.merged ?? kind === 'pullRequestMergeStatusUpdated';
  const status = pr.status ?? (merged ? 'CLOSED' : 'OPEN');
  const title = pr.title ?? `Pull request ${pr.id}`;
  const caller = options.callerArn ?? pr.authorArn;
  const detail: Record<string, unknown> = {
    author: pr.authorArn,
    callerUserArn: caller,
    creationDate: javaDate(TIME),
    destinationCommit: pr.destinationCommit,
    destinationReference: `refs/heads/${pr.destination}`,
    event: kind,
    isMerged: merged ? 'True' : 'False',
    lastModifiedDate: javaDate(TIME),
    notificationBody: `A pull request event occurred in the following AWS CodeCommit repository: ${pr.repositoryName}. User: ${caller}. Event: ${kind}. Pull request ${pr.id}, title ${title}. https://${REGION}.console.aws.amazon.com/codesuite/codecommit/repositories/${pr.repositoryName}/pull-requests/${pr.id}?region=${REGION}`,
    pullRequestId: pr.id,
    pullRequestStatus: status === 'OPEN' ? 'Open' : 'Closed',
    repositoryNames: [pr.repositoryName],
    revisionId: pr.revisionId,
    sourceCommit: pr.sourceCommit,
    sourceReference: `refs/heads/${pr.source}`,
    title,
  };
  if (options.mergeOption !== undefined) detail.mergeOption = options.mergeOption;
  return envelope('CodeCommit Pull Request State Change', pr.repositoryName, detail, options.id);
}

/** A `CodeCommit Repository State Change` envelope for a branch: `referenceCreated`, `referenceUpdated`, … */
export function referenceEvent(kind: string, reference: ReferenceFields, id?: string): CodeCommitEnvelope {
  const detail: Record<string, unknown> = {};
  if (reference.callerArn !== null) {
    detail.callerUserArn = reference.callerArn ?? `arn:aws:iam::${ACCOUNT}:user/alice`;
  }
  if (kind !== 'referenceDeleted') detail.commitId = reference.commitId ?? 'c'.repeat(40);
  detail.event = kind;
  if (kind !== 'referenceCreated') detail.oldCommitId = reference.oldCommitId ?? 'b'.repeat(40);
  detail.referenceFullName = `refs/heads/${reference.branch}`;
  detail.referenceName = reference.branch;
  detail.referenceType = 'branch';
  detail.repositoryId = REPOSITORY_ID;
  detail.repositoryName = reference.repositoryName;
  if (reference.merge) {
    const { option, sourceCommitId, destinationCommitId, baseCommitId } = reference.merge;
    Object.assign(detail, {
      baseCommitId: baseCommitId ?? destinationCommitId,
      conflictDetailsLevel: 'FILE_LEVEL',
      conflictResolutionStrategy: 'NONE',
      destinationCommitId,
      mergeOption: option,
      sourceCommitId,
    });
  }
  return envelope('CodeCommit Repository State Change', reference.repositoryName, detail, id);
}

function envelope(
  detailType: string,
  repositoryName: string,
  detail: Record<string, unknown>,
  id: string = randomUUID(),
): CodeCommitEnvelope {
  return {
    version: '0',
    id,
    'detail-type': detailType,
    source: 'aws.codecommit',
    account: ACCOUNT,
    time: TIME.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: REGION,
    resources: [`arn:aws:codecommit:${REGION}:${ACCOUNT}:${repositoryName}`],
    detail,
  };
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Java's `Date.toString()` in UTC, as pull request events carry dates: `Tue Mar 10 09:14:03 UTC 2026`. */
export function javaDate(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const time = `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
  return `${DAYS[date.getUTCDay()]} ${MONTHS[date.getUTCMonth()]} ${pad(date.getUTCDate())} ${time} UTC ${date.getUTCFullYear()}`;
}
