import {
  type CodeCommitClient,
  CreatePullRequestCommand,
  type CreatePullRequestCommandOutput,
  GetPullRequestCommand,
  ListPullRequestsCommand,
  PostCommentForPullRequestCommand,
  type PullRequest as SdkPullRequest,
  UpdatePullRequestApprovalStateCommand,
  UpdatePullRequestStatusCommand,
} from '@aws-sdk/client-codecommit';
import { GitHostError, type GitHostErrorCode } from '#app/ports/git-host.ts';
import type {
  ApprovalOutcome,
  NewComment,
  NewPullRequest,
  PullRequest,
  PullRequestHost,
} from '#app/ports/pull-request-host.ts';
import { type CodeCommitClientOptions, codeCommitClient, serviceErrorName } from './client.ts';

export interface CodeCommitPullRequestHostOptions extends CodeCommitClientOptions {
  repositoryName: string;
}

/** GetPullRequest calls in flight at once while listing: enough to be quick, few enough not to throttle. */
const LIST_CONCURRENCY = 5;

const BRANCH_PREFIX = 'refs/heads/';
const branchName = (reference: string): string =>
  reference.startsWith(BRANCH_PREFIX) ? reference.slice(BRANCH_PREFIX.length) : reference;

/** Pull request ids are decimal numbers handed out in increasing order: newest first is largest first. */
function newestFirst(a: string, b: string): number {
  if (a.length !== b.length) return b.length - a.length;
  return a < b ? 1 : a > b ? -1 : 0;
}

/**
 * CodeCommit pull requests of one repository through the API. Errors the port names are mapped;
 * throttling and 5xx answers are retried by the SDK; anything else propagates unchanged.
 */
export function createCodeCommitPullRequestHost(options: CodeCommitPullRequestHostOptions): PullRequestHost {
  const { repositoryName } = options;
  const client = (): Promise<CodeCommitClient> => codeCommitClient(options);
  const where = (id: string): string => `pull request ${id} of CodeCommit repository ${repositoryName}`;

  /**
   * The errors the port names: a pull request that does not exist (or cannot, its id being
   * malformed), a missing repository or branch. Anything else propagates unchanged.
   */
  const mapped = (error: unknown, place: string): never => {
    const hostError = (code: GitHostErrorCode, problem: string): GitHostError =>
      new GitHostError(code, `${place}: ${problem}`, { cause: error });
    switch (serviceErrorName(error)) {
      case 'PullRequestDoesNotExistException':
      case 'InvalidPullRequestIdException':
        throw hostError('PullRequestNotFound', 'the pull request does not exist');
      case 'RepositoryDoesNotExistException':
        throw hostError('RepositoryNotFound', 'the repository does not exist');
      case 'ReferenceDoesNotExistException':
        throw hostError('BranchNotFound', 'a branch of the pull request does not exist');
      case 'IdempotencyParameterMismatchException':
        throw hostError('AlreadyDone', 'an earlier delivery of this event already made this request');
      default:
        throw error;
    }
  };

  const toPullRequest = (id: string, answer: SdkPullRequest | undefined): PullRequest => {
    const target = answer?.pullRequestTargets?.[0];
    if (target?.repositoryName !== undefined && target.repositoryName !== repositoryName) {
      throw new GitHostError(
        'PullRequestNotFound',
        `${where(id)}: the pull request belongs to repository ${target.repositoryName}`,
      );
    }
    const status = answer?.pullRequestStatus;
    const fields = {
      id: answer?.pullRequestId,
      title: answer?.title,
      authorArn: answer?.authorArn,
      revisionId: answer?.revisionId,
      source: target?.sourceReference,
      destination: target?.destinationReference,
      sourceCommit: target?.sourceCommit,
      destinationCommit: target?.destinationCommit,
    };
    const missing = Object.entries(fields)
      .filter(([, value]) => value === undefined)
      .map(([key]) => key);
    if ((status !== 'OPEN' && status !== 'CLOSED') || missing.length > 0) {
      throw new Error(
        `${where(id)}: GetPullRequest answered an incomplete pull request (status ${status}, missing ${missing.join(', ') || 'nothing'})`,
      );
    }
    const merge = target?.mergeMetadata;
    const merged = merge?.isMerged === true;
    return {
      id: fields.id as string,
      title: fields.title as string,
      status,
      merged,
      authorArn: fields.authorArn as string,
      source: branchName(fields.source as string),
      destination: branchName(fields.destination as string),
      sourceCommit: fields.sourceCommit as string,
      destinationCommit: fields.destinationCommit as string,
      ...(merged && merge?.mergeCommitId !== undefined ? { mergeCommit: merge.mergeCommitId } : {}),
      revisionId: fields.revisionId as string,
    };
  };

  const getPullRequest = async (id: string): Promise<PullRequest> => {
    try {
      const output = await (await client()).send(new GetPullRequestCommand({ pullRequestId: id }));
      return toPullRequest(id, output.pullRequest);
    } catch (error) {
      return mapped(error, where(id));
    }
  };

  const listIds = async (status: 'OPEN' | 'CLOSED'): Promise<string[]> => {
    const ids: string[] = [];
    let nextToken: string | undefined;
    try {
      do {
        const output = await (await client()).send(
          new ListPullRequestsCommand({ repositoryName, pullRequestStatus: status, nextToken }),
        );
        ids.push(...(output.pullRequestIds ?? []));
        nextToken = output.nextToken;
      } while (nextToken !== undefined && nextToken !== '');
    } catch (error) {
      return mapped(error, `CodeCommit repository ${repositoryName}, listing ${status} pull requests`);
    }
    return ids;
  };

  return {
    description: `codecommit:${repositoryName}`,

    getPullRequest,

    async listPullRequests(status, limit): Promise<PullRequest[]> {
      if (limit < 1) return [];
      const ids = [...new Set(await listIds(status))].sort(newestFirst).slice(0, limit);
      const pullRequests: PullRequest[] = [];
      for (let start = 0; start < ids.length; start += LIST_CONCURRENCY) {
        const batch = ids.slice(start, start + LIST_CONCURRENCY);
        pullRequests.push(...(await Promise.all(batch.map(getPullRequest))));
      }
      // One may have closed between the listing and its read: it no longer is in the asked state.
      return pullRequests.filter((pullRequest) => pullRequest.status === status);
    },

    async createPullRequest(request: NewPullRequest): Promise<PullRequest> {
      let output: CreatePullRequestCommandOutput;
      try {
        output = await (await client()).send(
          new CreatePullRequestCommand({
            title: request.title,
            description: request.description,
            targets: [
              {
                repositoryName,
                sourceReference: request.source,
                destinationReference: request.destination,
              },
            ],
            clientRequestToken: request.clientToken,
          }),
        );
      } catch (error) {
        return mapped(
          error,
          `CodeCommit repository ${repositoryName}, pull request from ${request.source} into ${request.destination}`,
        );
      }
      return toPullRequest(output.pullRequest?.pullRequestId ?? '(no id)', output.pullRequest);
    },

    async postComment(comment: NewComment): Promise<{ commentId: string }> {
      try {
        const output = await (await client()).send(
          new PostCommentForPullRequestCommand({
            pullRequestId: comment.pullRequestId,
            repositoryName,
            beforeCommitId: comment.beforeCommitId,
            afterCommitId: comment.afterCommitId,
            content: comment.content,
            clientRequestToken: comment.clientToken,
          }),
        );
        const commentId = output.comment?.commentId;
        if (commentId === undefined) {
          throw new Error(
            `${where(comment.pullRequestId)}: PostCommentForPullRequest answered no comment id`,
          );
        }
        return { commentId };
      } catch (error) {
        return mapped(error, where(comment.pullRequestId));
      }
    },

    async closePullRequest(id: string): Promise<void> {
      try {
        await (await client()).send(
          new UpdatePullRequestStatusCommand({ pullRequestId: id, pullRequestStatus: 'CLOSED' }),
        );
      } catch (error) {
        if (serviceErrorName(error) === 'PullRequestAlreadyClosedException') return;
        mapped(error, where(id));
      }
    },

    async setApproval(id, revisionId, state): Promise<ApprovalOutcome> {
      try {
        await (await client()).send(
          new UpdatePullRequestApprovalStateCommand({ pullRequestId: id, revisionId, approvalState: state }),
        );
        return { status: 'done' };
      } catch (error) {
        switch (serviceErrorName(error)) {
          case 'RevisionNotCurrentException':
            return { status: 'stale-revision' };
          case 'PullRequestCannotBeApprovedByAuthorException':
            return { status: 'own-pull-request' };
          case 'PullRequestAlreadyClosedException':
            return { status: 'closed' };
          default:
            return mapped(error, where(id));
        }
      }
    },
  };
}
