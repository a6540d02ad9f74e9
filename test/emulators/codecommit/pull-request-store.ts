import { createHash } from 'node:crypto';
import { fail } from './errors.ts';
import { GitCommandError, gitTextOnObjects } from './git.ts';
import { type Input, optionalString } from './input.ts';
import type { OperationContext } from './operation-context.ts';
import { ACCOUNT_ID, branchHead, type RepositoryStore } from './repositories.ts';

export type PullRequestStatus = 'OPEN' | 'CLOSED';
export const PULL_REQUEST_STATUSES: readonly string[] = ['OPEN', 'CLOSED'];

export interface MergeRecord {
  mergedBy: string;
  mergeCommitId: string;
  mergeOption: 'FAST_FORWARD_MERGE';
}

export interface PullRequestRecord {
  id: string;
  title: string;
  description?: string;
  authorArn: string;
  clientRequestToken?: string;
  /** The request as received, to tell a retry from a reuse of the token with other input. */
  fingerprint: string;
  /** Epoch seconds, as the wire carries timestamps. */
  creationDate: number;
  lastActivityDate: number;
  status: PullRequestStatus;
  repositoryName: string;
  /** Full refs, `refs/heads/<branch>`. */
  sourceReference: string;
  destinationReference: string;
  /** Refreshed from the branches on every read while the pull request is open; frozen once closed. */
  sourceCommit: string;
  destinationCommit: string;
  mergeBase?: string;
  /** One per source tip the pull request has seen; the last one is current. */
  revisions: string[];
  /** Approvals by revision id, then by approver ARN (REVOKE removes the entry: it is not stored). */
  approvals: Map<string, Set<string>>;
  merge?: MergeRecord;
}

export interface CommentRecord {
  commentId: string;
  pullRequestId: string;
  repositoryName: string;
  beforeCommitId: string;
  afterCommitId: string;
  beforeBlobId?: string;
  afterBlobId?: string;
  location?: Record<string, unknown>;
  content: string;
  authorArn: string;
  clientRequestToken?: string;
  fingerprint: string;
  creationDate: number;
}

/** Pull requests and their comments for one emulator; ids are account-wide, counting from 1. */
export class PullRequestStore {
  readonly pullRequests = new Map<string, PullRequestRecord>();
  readonly byToken = new Map<string, PullRequestRecord>();
  readonly comments: CommentRecord[] = [];
  readonly commentsByToken = new Map<string, CommentRecord>();
  #lastId = 0;

  nextId(): string {
    this.#lastId += 1;
    return String(this.#lastId);
  }
}

/**
 * The operation context carries no pull-request state, so it hangs off the emulator's repository
 * store. It lives in memory only: a persistent root keeps its repositories across restarts, not
 * its pull requests.
 */
const STORES = new WeakMap<RepositoryStore, PullRequestStore>();

export function pullRequestStore(context: OperationContext): PullRequestStore {
  let store = STORES.get(context.store);
  if (store === undefined) {
    store = new PullRequestStore();
    STORES.set(context.store, store);
  }
  return store;
}

/**
 * The service records the caller's IAM identity; the emulator has no IAM, so the access key id of
 * the request's SigV4 credential scope stands in for the user name: `arn:aws:iam::<account>:user/<key>`.
 * Two clients with different access key ids are therefore two different users.
 */
export const callerArn = (context: OperationContext): string =>
  `arn:aws:iam::${ACCOUNT_ID}:user/${context.callerName}`;

export const nowSeconds = (): number => Date.now() / 1000;

/** A stable text for comparing two requests made with the same idempotency token. */
export const fingerprintOf = (value: unknown): string => JSON.stringify(value);

/** Ids are the decimal numbers the service hands out; anything else cannot name a pull request. */
export function requirePullRequest(context: OperationContext, input: Input): PullRequestRecord {
  const id = optionalString(input, 'pullRequestId');
  if (id === undefined || id === '')
    return fail('PullRequestIdRequiredException', 'A pull request id is required.');
  if (!/^[1-9][0-9]{0,18}$/.test(id)) {
    return fail('InvalidPullRequestIdException', `The pull request id '${id}' is not valid.`);
  }
  return (
    pullRequestStore(context).pullRequests.get(id) ??
    fail('PullRequestDoesNotExistException', `Pull request ${id} does not exist.`)
  );
}

export async function mergeBaseOf(gitDir: string, a: string, b: string): Promise<string | undefined> {
  try {
    const base = await gitTextOnObjects(gitDir, [a, b], ['merge-base', a, b], [1]);
    return base === '' ? undefined : base;
  } catch (error) {
    // Exit status 1: the histories share no commit.
    if (error instanceof GitCommandError) return undefined;
    throw error;
  }
}

/** 64 hex digits, distinct per pull request and per source tip it has seen. */
function revisionIdFor(record: PullRequestRecord, sourceCommit: string): string {
  return createHash('sha256')
    .update(`${record.id}\n${record.revisions.length}\n${sourceCommit}`)
    .digest('hex');
}

export function addRevision(record: PullRequestRecord, sourceCommit: string): void {
  record.revisions.push(revisionIdFor(record, sourceCommit));
}

export const currentRevision = (record: PullRequestRecord): string => record.revisions.at(-1) as string;

/**
 * Brings an open pull request up to date with its branches: a moved source tip starts a new
 * revision (approvals of the old one no longer count). A deleted branch leaves the last known tip.
 */
export async function refresh(context: OperationContext, record: PullRequestRecord): Promise<void> {
  if (record.status !== 'OPEN') return;
  const { gitDir } = context.store.get(record.repositoryName);
  const branch = (ref: string) => ref.slice('refs/heads/'.length);
  const source = (await branchHead(gitDir, branch(record.sourceReference))) ?? record.sourceCommit;
  const destination =
    (await branchHead(gitDir, branch(record.destinationReference))) ?? record.destinationCommit;
  if (source === record.sourceCommit && destination === record.destinationCommit) return;
  if (source !== record.sourceCommit) {
    addRevision(record, source);
    record.lastActivityDate = nowSeconds();
  }
  record.sourceCommit = source;
  record.destinationCommit = destination;
  const mergeBase = await mergeBaseOf(gitDir, source, destination);
  if (mergeBase === undefined) delete record.mergeBase;
  else record.mergeBase = mergeBase;
}

export function describePullRequest(record: PullRequestRecord): Record<string, unknown> {
  return {
    pullRequestId: record.id,
    title: record.title,
    ...(record.description === undefined ? {} : { description: record.description }),
    lastActivityDate: record.lastActivityDate,
    creationDate: record.creationDate,
    pullRequestStatus: record.status,
    authorArn: record.authorArn,
    pullRequestTargets: [
      {
        repositoryName: record.repositoryName,
        sourceReference: record.sourceReference,
        destinationReference: record.destinationReference,
        destinationCommit: record.destinationCommit,
        sourceCommit: record.sourceCommit,
        ...(record.mergeBase === undefined ? {} : { mergeBase: record.mergeBase }),
        mergeMetadata: record.merge === undefined ? { isMerged: false } : { isMerged: true, ...record.merge },
      },
    ],
    ...(record.clientRequestToken === undefined ? {} : { clientRequestToken: record.clientRequestToken }),
    revisionId: currentRevision(record),
    approvalRules: [],
  };
}

/**
 * Pagination tokens are opaque to callers; here they hold the position of the next item together
 * with what was listed, so a token from another listing is refused.
 */
export function encodeToken(scope: string, offset: number): string {
  return Buffer.from(JSON.stringify({ scope, offset })).toString('base64');
}

export function decodeToken(token: string | undefined, scope: string): number {
  if (token === undefined || token === '') return 0;
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
    const { scope: tokenScope, offset } = value as { scope?: unknown; offset?: unknown };
    if (tokenScope === scope && typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) {
      return offset;
    }
  } catch {
    // Falls through to the service's error.
  }
  return fail('InvalidContinuationTokenException', 'The continuation token is not valid.');
}

/** `maxResults`: a positive integer up to `limit`; `fallback` when absent. */
export function readMaxResults(input: Input, fallback: number, limit: number): number {
  const value = input.maxResults;
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number')
    return fail('SerializationException', "Member 'maxResults' must be a number.");
  if (!Number.isInteger(value) || value < 1 || value > limit) {
    return fail('InvalidMaxResultsException', `maxResults must be between 1 and ${limit}.`);
  }
  return value;
}
