/**
 * The pull-request port: what branch-flow enforcement and build reporting need from a host that
 * has pull requests (CodeCommit). Branches are short names (`main`), never `refs/heads/main`.
 */
export interface PullRequest {
  id: string;
  title: string;
  status: 'OPEN' | 'CLOSED';
  merged: boolean;
  /** ARN of the identity that opened it; that identity can never approve it. */
  authorArn: string;
  source: string;
  destination: string;
  /** Current tip of the source branch. */
  sourceCommit: string;
  /** Tip of the destination when the pull request was opened (or last updated). */
  destinationCommit: string;
  /** The merge commit, when merged (the source tip for a fast-forward merge). */
  mergeCommit?: string;
  /** Current revision; approvals belong to one revision. */
  revisionId: string;
}

export interface NewPullRequest {
  title: string;
  description: string;
  source: string;
  destination: string;
  /** Idempotency token (the event id): the same token never opens a second pull request. */
  clientToken: string;
}

export interface NewComment {
  pullRequestId: string;
  /** Destination tip the comment is about (`PullRequest.destinationCommit`). */
  beforeCommitId: string;
  /** Source tip the comment is about (`PullRequest.sourceCommit`). */
  afterCommitId: string;
  content: string;
  /** Idempotency token: the same token never posts a second comment. */
  clientToken: string;
}

export type ApprovalOutcome =
  | { status: 'done' }
  /** The revision is no longer current: the source branch moved since. */
  | { status: 'stale-revision' }
  /** The caller opened the pull request and may not approve it. */
  | { status: 'own-pull-request' }
  | { status: 'closed' };

export interface PullRequestHost {
  /** `codecommit:<name>`, for messages. */
  readonly description: string;
  /** Throws `GitHostError` `PullRequestNotFound` when there is no such pull request. */
  getPullRequest(id: string): Promise<PullRequest>;
  /** Pull requests of this repository in the given state, newest first, at most `limit`. */
  listPullRequests(status: 'OPEN' | 'CLOSED', limit: number): Promise<PullRequest[]>;
  createPullRequest(request: NewPullRequest): Promise<PullRequest>;
  postComment(comment: NewComment): Promise<{ commentId: string }>;
  /** Closes without merging; closing a closed pull request is not an error. */
  closePullRequest(id: string): Promise<void>;
  setApproval(id: string, revisionId: string, state: 'APPROVE' | 'REVOKE'): Promise<ApprovalOutcome>;
}
