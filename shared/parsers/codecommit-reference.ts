import { EventError } from '#domain/errors.ts';
import { isCommitId, isIdentityArn } from './codecommit-pull-request.ts';
import { type Envelope, optionalString, parseEnvelope, requireKind, requireString } from './envelope.ts';

export const REPOSITORY_STATE_CHANGE = 'CodeCommit Repository State Change';

/** A `CodeCommit Repository State Change` event (a branch or tag update), validated. */
export interface ReferenceEvent {
  id: string;
  account: string;
  region: string;
  time: string;
  /** `detail.event`: referenceCreated, referenceUpdated, referenceDeleted, unreferencedMergeCommitCreated. */
  kind: string;
  repositoryName: string;
  referenceType: 'branch' | 'tag';
  /** Short name (`main`). */
  referenceName: string;
  /** New tip; absent on referenceDeleted. */
  commitId?: string;
  /** Previous tip; absent on referenceCreated. */
  oldCommitId?: string;
  /** IAM/STS ARN of the pusher; absent in some events. */
  callerArn?: string;
  /** Present when a CodeCommit merge (pull request or merge API) made the update. */
  merge?: { option: string; sourceCommitId?: string; destinationCommitId?: string };
}

const REF_PREFIX = { branch: 'refs/heads/', tag: 'refs/tags/' } as const;

export function parseReferenceEvent(event: unknown): ReferenceEvent {
  return fromEnvelope(parseEnvelope(event));
}

export function fromEnvelope(envelope: Envelope): ReferenceEvent {
  requireKind(envelope, 'aws.codecommit', REPOSITORY_STATE_CHANGE);
  const { detail } = envelope;
  const kind = requireString(detail, 'event', 'detail');
  if (kind === 'unreferencedMergeCommitCreated') {
    throw new EventError(
      'detail.event: "unreferencedMergeCommitCreated" moves no branch or tag; expected referenceCreated, referenceUpdated or referenceDeleted',
    );
  }
  const referenceType = referenceTypeOf(detail.referenceType);
  const parsed: ReferenceEvent = {
    id: envelope.id,
    account: envelope.account,
    region: envelope.region,
    time: envelope.time,
    kind,
    repositoryName: requireString(detail, 'repositoryName', 'detail'),
    referenceType,
    referenceName: referenceNameOf(detail, referenceType),
  };
  const commitId = commitOf(detail, 'commitId', kind === 'referenceCreated' || kind === 'referenceUpdated');
  const oldCommitId = commitOf(
    detail,
    'oldCommitId',
    kind === 'referenceUpdated' || kind === 'referenceDeleted',
  );
  const callerArn = optionalString(detail, 'callerUserArn', 'detail');
  if (commitId !== undefined) parsed.commitId = commitId;
  if (oldCommitId !== undefined) parsed.oldCommitId = oldCommitId;
  if (callerArn !== undefined && callerArn !== '') {
    if (!isIdentityArn(callerArn)) {
      throw new EventError(
        `detail.callerUserArn: expected an IAM or STS ARN, got ${JSON.stringify(callerArn)}`,
      );
    }
    parsed.callerArn = callerArn;
  }
  const merge = mergeOf(detail);
  if (merge !== undefined) parsed.merge = merge;
  return parsed;
}

function referenceTypeOf(value: unknown): ReferenceEvent['referenceType'] {
  if (value === 'branch' || value === 'tag') return value;
  throw new EventError(
    `detail.referenceType: expected "branch" or "tag", got ${value === undefined || value === null ? 'nothing' : JSON.stringify(value)}`,
  );
}

/** `referenceName` is already short; `referenceFullName` (`refs/heads/main`) stands in when it is absent. */
function referenceNameOf(detail: Record<string, unknown>, type: ReferenceEvent['referenceType']): string {
  const prefix = REF_PREFIX[type];
  const name = optionalString(detail, 'referenceName', 'detail');
  if (name !== undefined && name !== '') return name.startsWith(prefix) ? name.slice(prefix.length) : name;
  const fullName = optionalString(detail, 'referenceFullName', 'detail');
  if (fullName === undefined || fullName === '') throw new EventError('detail.referenceName: missing');
  if (!fullName.startsWith(prefix) || fullName.length === prefix.length) {
    throw new EventError(
      `detail.referenceFullName: expected ${prefix}<name> for a ${type}, got ${JSON.stringify(fullName)}`,
    );
  }
  return fullName.slice(prefix.length);
}

function commitOf(detail: Record<string, unknown>, key: string, required: boolean): string | undefined {
  const commit = required ? requireString(detail, key, 'detail') : optionalString(detail, key, 'detail');
  if (commit === undefined || commit === '') return undefined;
  if (!isCommitId(commit)) {
    throw new EventError(
      `detail.${key}: expected a commit id (40 lowercase hex digits), got ${JSON.stringify(commit)}`,
    );
  }
  return commit;
}

function mergeOf(detail: Record<string, unknown>): ReferenceEvent['merge'] {
  const option = optionalString(detail, 'mergeOption', 'detail');
  if (option === undefined || option === '') return undefined;
  const merge: NonNullable<ReferenceEvent['merge']> = { option };
  const sourceCommitId = commitOf(detail, 'sourceCommitId', false);
  const destinationCommitId = commitOf(detail, 'destinationCommitId', false);
  if (sourceCommitId !== undefined) merge.sourceCommitId = sourceCommitId;
  if (destinationCommitId !== undefined) merge.destinationCommitId = destinationCommitId;
  return merge;
}
