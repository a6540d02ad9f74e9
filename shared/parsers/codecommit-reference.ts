import * as z from 'zod/mini';
import { commitId, identityArn } from './codecommit-pull-request.ts';
import { type Envelope, parseDetail, parseEnvelope, requireKind } from './envelope.ts';
import { blankOr, nonEmptyText, optionalText, withoutUndefined } from './fields.ts';
import { preview } from './zod-error.ts';

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
/** Which event kinds move a tip to, and from, a commit. */
const HAS_NEW_TIP: ReadonlySet<string> = new Set(['referenceCreated', 'referenceUpdated']);
const HAS_OLD_TIP: ReadonlySet<string> = new Set(['referenceUpdated', 'referenceDeleted']);

const optionalCommit = blankOr(commitId);

const ReferenceFields = z.object({
  event: nonEmptyText.check(
    z.refine((kind) => kind !== 'unreferencedMergeCommitCreated', {
      error:
        '"unreferencedMergeCommitCreated" moves no branch or tag; expected referenceCreated, referenceUpdated or referenceDeleted',
    }),
  ),
  repositoryName: nonEmptyText,
  referenceType: z.enum(['branch', 'tag']),
  referenceName: optionalText,
  referenceFullName: optionalText,
  commitId: optionalCommit,
  oldCommitId: optionalCommit,
  callerUserArn: blankOr(identityArn),
  /** Present when a CodeCommit merge (pull request or merge API) made the update. */
  mergeOption: blankOr(z.string()),
  sourceCommitId: optionalCommit,
  destinationCommitId: optionalCommit,
});

type ReferenceFields = z.output<typeof ReferenceFields>;

/** The tips the event's kind must carry, and the short reference name. */
const ReferenceDetail = z.pipe(
  ReferenceFields,
  z.transform((detail, context) => {
    const missing = (key: string) =>
      context.issues.push({ code: 'custom', input: detail, path: [key], message: 'missing' });
    if (HAS_NEW_TIP.has(detail.event) && detail.commitId === undefined) missing('commitId');
    if (HAS_OLD_TIP.has(detail.event) && detail.oldCommitId === undefined) missing('oldCommitId');
    const name = referenceNameOf(detail);
    if (typeof name === 'string') return { ...detail, referenceName: name };
    context.issues.push({ code: 'custom', input: detail, ...name });
    return z.NEVER;
  }),
);

/** `referenceName` is already short; `referenceFullName` (`refs/heads/main`) stands in when it is absent. */
function referenceNameOf(detail: ReferenceFields): string | { path: string[]; message: string } {
  const prefix = REF_PREFIX[detail.referenceType];
  const { referenceName: name, referenceFullName: fullName } = detail;
  if (name) return name.startsWith(prefix) ? name.slice(prefix.length) : name;
  if (!fullName) return { path: ['referenceName'], message: 'missing' };
  if (fullName.startsWith(prefix) && fullName.length > prefix.length) return fullName.slice(prefix.length);
  return {
    path: ['referenceFullName'],
    message: `expected ${prefix}<name> for a ${detail.referenceType}, got ${preview(fullName)}`,
  };
}

export function parseReferenceEvent(event: unknown): ReferenceEvent {
  return fromEnvelope(parseEnvelope(event));
}

export function fromEnvelope(envelope: Envelope): ReferenceEvent {
  requireKind(envelope, 'aws.codecommit', REPOSITORY_STATE_CHANGE);
  const detail = parseDetail(ReferenceDetail, envelope);
  const merge =
    detail.mergeOption === undefined
      ? undefined
      : withoutUndefined({
          option: detail.mergeOption,
          sourceCommitId: detail.sourceCommitId,
          destinationCommitId: detail.destinationCommitId,
        });
  return withoutUndefined({
    id: envelope.id,
    account: envelope.account,
    region: envelope.region,
    time: envelope.time,
    kind: detail.event,
    repositoryName: detail.repositoryName,
    referenceType: detail.referenceType,
    referenceName: detail.referenceName,
    commitId: detail.commitId,
    oldCommitId: detail.oldCommitId,
    callerArn: detail.callerUserArn,
    merge,
  });
}
