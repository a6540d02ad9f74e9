import { randomUUID } from 'node:crypto';
import { fail } from './errors.ts';
import { type Input, optionalString, optionalStructure } from './input.ts';
import { FULL_COMMIT_ID, requirePath, requireRepositoryName } from './names.ts';
import type { OperationContext } from './operation-context.ts';
import {
  type CommentRecord,
  callerArn,
  decodeToken,
  encodeToken,
  fingerprintOf,
  nowSeconds,
  type PullRequestRecord,
  pullRequestStore,
  readMaxResults,
  requirePullRequest,
} from './pull-request-store.ts';
import { objectType, type RepositoryRecord } from './repositories.ts';
import { entryAt } from './trees.ts';

/** Quotas page: comments up to 10,240 characters. GetCommentsForPullRequest pages: 100 by default, 500 at most. */
const MAX_CONTENT = 10240;
const DEFAULT_PAGE = 100;
const MAX_PAGE = 500;

function requireAssociatedRepository(
  context: OperationContext,
  record: PullRequestRecord,
  name: string | undefined,
): RepositoryRecord {
  const repository = context.store.get(requireRepositoryName(name));
  if (repository.name !== record.repositoryName) {
    fail(
      'RepositoryNotAssociatedWithPullRequestException',
      `Pull request ${record.id} is not in ${repository.name}.`,
    );
  }
  return repository;
}

async function requireCommit(gitDir: string, input: Input, member: string): Promise<string> {
  const commitId = optionalString(input, member);
  if (commitId === undefined || commitId === '') {
    return fail('CommitIdRequiredException', `${member} is required.`);
  }
  if (!FULL_COMMIT_ID.test(commitId))
    fail('InvalidCommitIdException', `The commit id '${commitId}' is not valid.`);
  if ((await objectType(gitDir, commitId)) !== 'commit') {
    fail('CommitDoesNotExistException', `Commit ${commitId} does not exist.`);
  }
  return commitId;
}

interface CommentLocation {
  filePath: string;
  filePosition: number;
  relativeFileVersion: 'BEFORE' | 'AFTER';
}

function readLocation(input: Input): CommentLocation | undefined {
  const location = optionalStructure(input, 'location');
  if (location === undefined) return undefined;
  const filePath = requirePath(optionalString(location, 'filePath'));
  const position = location.filePosition;
  if (
    position !== undefined &&
    position !== null &&
    (!Number.isInteger(position) || (position as number) < 0)
  ) {
    fail('InvalidFilePositionException', 'The file position is not valid.');
  }
  const version = optionalString(location, 'relativeFileVersion') ?? 'AFTER';
  if (version !== 'BEFORE' && version !== 'AFTER') {
    fail('InvalidRelativeFileVersionEnumException', `The relative file version '${version}' is not valid.`);
  }
  return { filePath, filePosition: (position as number | undefined) ?? 0, relativeFileVersion: version };
}

async function blobAt(gitDir: string, commitId: string, path: string): Promise<string | undefined> {
  const entry = await entryAt(gitDir, commitId, path);
  return entry?.type === 'blob' ? entry.objectId : undefined;
}

function describeComment(comment: CommentRecord): Record<string, unknown> {
  return {
    commentId: comment.commentId,
    content: comment.content,
    creationDate: comment.creationDate,
    lastModifiedDate: comment.creationDate,
    authorArn: comment.authorArn,
    deleted: false,
    ...(comment.clientRequestToken === undefined ? {} : { clientRequestToken: comment.clientRequestToken }),
    callerReactions: [],
    reactionCounts: {},
  };
}

/** The members a comment shares with the others posted on the same commits and location. */
function placeOf(comment: CommentRecord): Record<string, unknown> {
  return {
    pullRequestId: comment.pullRequestId,
    repositoryName: comment.repositoryName,
    beforeCommitId: comment.beforeCommitId,
    afterCommitId: comment.afterCommitId,
    ...(comment.beforeBlobId === undefined ? {} : { beforeBlobId: comment.beforeBlobId }),
    ...(comment.afterBlobId === undefined ? {} : { afterBlobId: comment.afterBlobId }),
    ...(comment.location === undefined ? {} : { location: comment.location }),
  };
}

/**
 * Before is documented as the destination tip and after as the source tip, but the service does not
 * tie a comment to the pull request's current commits, so any two distinct commits of the repository
 * are accepted. A comment with a location names a file that must exist in the version it refers to.
 */
export async function postCommentForPullRequest(
  context: OperationContext,
  input: Input,
): Promise<Record<string, unknown>> {
  const record = requirePullRequest(context, input);
  const repository = requireAssociatedRepository(context, record, optionalString(input, 'repositoryName'));
  const { gitDir } = repository;
  const beforeCommitId = await requireCommit(gitDir, input, 'beforeCommitId');
  const afterCommitId = await requireCommit(gitDir, input, 'afterCommitId');
  if (beforeCommitId === afterCommitId) {
    fail('BeforeCommitIdAndAfterCommitIdAreSameException', 'The before and after commits are the same.');
  }
  const content = optionalString(input, 'content');
  if (content === undefined || content === '') {
    return fail('CommentContentRequiredException', 'The comment has no content.');
  }
  if (content.length > MAX_CONTENT) {
    fail('CommentContentSizeLimitExceededException', `The comment is longer than ${MAX_CONTENT} characters.`);
  }
  const location = readLocation(input);
  const token = optionalString(input, 'clientRequestToken');
  const authorArn = callerArn(context);
  const fingerprint = fingerprintOf({
    pullRequestId: record.id,
    repositoryName: repository.name,
    beforeCommitId,
    afterCommitId,
    location,
    content,
    authorArn,
  });
  const store = pullRequestStore(context);
  let comment = token === undefined ? undefined : store.commentsByToken.get(token);
  if (comment !== undefined && comment.fingerprint !== fingerprint) {
    fail('IdempotencyParameterMismatchException', `The token ${token} was used with other parameters.`);
  }
  if (comment === undefined) {
    let blobs: { beforeBlobId?: string; afterBlobId?: string } = {};
    if (location !== undefined) {
      const beforeBlobId = await blobAt(gitDir, beforeCommitId, location.filePath);
      const afterBlobId = await blobAt(gitDir, afterCommitId, location.filePath);
      const referenced = location.relativeFileVersion === 'BEFORE' ? beforeBlobId : afterBlobId;
      if (referenced === undefined) {
        fail(
          'PathDoesNotExistException',
          `${location.filePath} does not exist in the ${location.relativeFileVersion} commit.`,
        );
      }
      blobs = {
        ...(beforeBlobId === undefined ? {} : { beforeBlobId }),
        ...(afterBlobId === undefined ? {} : { afterBlobId }),
      };
    }
    comment = {
      commentId: randomUUID(),
      pullRequestId: record.id,
      repositoryName: repository.name,
      beforeCommitId,
      afterCommitId,
      ...blobs,
      ...(location === undefined ? {} : { location: { ...location } }),
      content,
      authorArn,
      ...(token === undefined ? {} : { clientRequestToken: token }),
      fingerprint,
      creationDate: nowSeconds(),
    };
    store.comments.push(comment);
    if (token !== undefined) store.commentsByToken.set(token, comment);
    record.lastActivityDate = comment.creationDate;
  }
  return { ...placeOf(comment), comment: describeComment(comment) };
}

/**
 * All comments of the pull request, or with `repositoryName` those on exactly the given commits,
 * grouped by commits and location. Pages count comments, in the order they were posted.
 */
export async function getCommentsForPullRequest(
  context: OperationContext,
  input: Input,
): Promise<Record<string, unknown>> {
  const record = requirePullRequest(context, input);
  const repositoryName = optionalString(input, 'repositoryName');
  let commits: { before: string; after: string } | undefined;
  if (repositoryName !== undefined) {
    const { gitDir } = requireAssociatedRepository(context, record, repositoryName);
    commits = {
      before: await requireCommit(gitDir, input, 'beforeCommitId'),
      after: await requireCommit(gitDir, input, 'afterCommitId'),
    };
  }
  const maxResults = readMaxResults(input, DEFAULT_PAGE, MAX_PAGE);
  const scope = fingerprintOf({ pullRequestId: record.id, commits });
  const offset = decodeToken(optionalString(input, 'nextToken'), scope);
  const matching = pullRequestStore(context).comments.filter(
    (comment) =>
      comment.pullRequestId === record.id &&
      (commits === undefined ||
        (comment.beforeCommitId === commits.before && comment.afterCommitId === commits.after)),
  );
  const page = matching.slice(offset, offset + maxResults);
  const groups = new Map<string, { place: Record<string, unknown>; comments: Record<string, unknown>[] }>();
  for (const comment of page) {
    const place = placeOf(comment);
    const key = fingerprintOf(place);
    const group = groups.get(key) ?? { place, comments: [] };
    group.comments.push(describeComment(comment));
    groups.set(key, group);
  }
  const next = offset + page.length;
  return {
    commentsForPullRequestData: [...groups.values()].map(({ place, comments }) => ({ ...place, comments })),
    ...(next < matching.length ? { nextToken: encodeToken(scope, next) } : {}),
  };
}
