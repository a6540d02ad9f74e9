import {
  type CodeCommitClient,
  GetBranchCommand,
  GetCommentsForPullRequestCommand,
  type GetCommentsForPullRequestCommandOutput,
} from '@aws-sdk/client-codecommit';
import { GitHostError } from '#app/ports/git-host.ts';
import type { PreviewSource, PreviewSourceRef } from '#app/ports/preview-source.ts';
import { type CodeCommitClientOptions, codeCommitClient, serviceErrorName } from './client.ts';
import { createCodeCommitPullRequestHost } from './pull-request-host.ts';

export interface CodeCommitPreviewSourceOptions extends CodeCommitClientOptions {
  repositoryName: string;
}

/**
 * A CodeCommit repository as the source of previews: a pull request is open while its status is
 * OPEN (one that does not exist is not), a branch while it exists; a comment is posted unless one
 * of the pull request's comments already carries its marker.
 */
export function createCodeCommitPreviewSource(options: CodeCommitPreviewSourceOptions): PreviewSource {
  const { repositoryName } = options;
  const client = (): Promise<CodeCommitClient> => codeCommitClient(options);
  const pullRequests = createCodeCommitPullRequestHost(options);

  async function hasMarker(pullRequestId: string, marker: string): Promise<boolean> {
    let nextToken: string | undefined;
    do {
      const output: GetCommentsForPullRequestCommandOutput = await (await client()).send(
        // With a repository name the API also wants both commits; the pull request id alone lists every comment.
        new GetCommentsForPullRequestCommand({ pullRequestId, nextToken }),
      );
      for (const thread of output.commentsForPullRequestData ?? []) {
        if ((thread.comments ?? []).some((comment) => comment.content?.includes(marker))) return true;
      }
      nextToken = output.nextToken;
    } while (nextToken !== undefined && nextToken !== '');
    return false;
  }

  return {
    description: `codecommit:${repositoryName}`,

    async isOpen(ref: PreviewSourceRef): Promise<boolean> {
      if (ref.pullRequest !== undefined) {
        try {
          return (await pullRequests.getPullRequest(ref.pullRequest)).status === 'OPEN';
        } catch (error) {
          if (error instanceof GitHostError && error.code === 'PullRequestNotFound') return false;
          throw error;
        }
      }
      try {
        await (await client()).send(new GetBranchCommand({ repositoryName, branchName: ref.branch }));
        return true;
      } catch (error) {
        const name = serviceErrorName(error);
        if (name === 'BranchDoesNotExistException' || name === 'InvalidBranchNameException') return false;
        throw error;
      }
    },

    async comment(ref, body, marker) {
      if (ref.pullRequest === undefined) return 'skipped';
      if (await hasMarker(ref.pullRequest, marker)) return 'unchanged';
      const pullRequest = await pullRequests.getPullRequest(ref.pullRequest);
      await pullRequests.postComment({
        pullRequestId: ref.pullRequest,
        beforeCommitId: pullRequest.destinationCommit,
        afterCommitId: pullRequest.sourceCommit,
        content: `${body}\n\n${marker}`,
        // The marker names the step, so a retry racing the first delivery posts once.
        clientToken: marker.replace(/[^A-Za-z0-9-]/g, '').slice(-64),
      });
      return 'created';
    },
  };
}
