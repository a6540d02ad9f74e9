import type { ValueChange } from '#domain/stage-values.ts';

/** What a branch-flow or build-report invocation did; returned and logged by the handler. */
export interface FlowResult {
  eventId: string;
  actions: FlowAction[];
}

export type FlowAction =
  | CheckAction
  | CommentAction
  | CloseAction
  | ApprovalAction
  | BuildAction
  | PromotionAction
  | AlertAction
  | StatusAction
  | NoteAction
  | FlowSkipAction;

interface PullRequestScope {
  repository: string;
  pullRequestId: string;
  /** Set when FLOWKEEPER_DRY_RUN kept the action from being carried out. */
  dryRun?: true;
}

/** The verdict of the flow rules on a pull request or a push. */
export interface CheckAction {
  type: 'check';
  repository: string;
  subject: string;
  allowed: boolean;
  reason: string;
}

export interface CommentAction extends PullRequestScope {
  type: 'comment';
  commentId?: string;
  content: string;
}

export interface CloseAction extends PullRequestScope {
  type: 'close';
}

export interface ApprovalAction extends PullRequestScope {
  type: 'approval';
  revisionId: string;
  state: 'APPROVE' | 'REVOKE';
  /** `done`, or why the host refused (stale revision, own pull request, closed). */
  outcome: string;
}

export interface BuildAction extends PullRequestScope {
  type: 'build';
  project: string;
  sourceCommit: string;
  buildArn?: string;
}

/** A promotion pull request opened (or, in a dry run, that would be). */
export interface PromotionAction {
  type: 'promotion';
  repository: string;
  source: string;
  destination: string;
  pullRequestId?: string;
  changes: ValueChange[];
  dryRun?: true;
}

export interface AlertAction {
  type: 'alert';
  repository: string;
  branch: string;
  subject: string;
  files: string[];
}

/** A note on a GitLab merge request whose head a build failed on. */
export interface NoteAction {
  type: 'note';
  repository: string;
  mergeRequest: number;
  commitId: string;
  /** `created`, `unchanged` (a redelivered event: the note is there) or `dry run`. */
  outcome: string;
}

/** A GitLab commit status posted for a build. */
export interface StatusAction {
  type: 'status';
  /** Key of the GitLab repository. */
  repository: string;
  commitId: string;
  name: string;
  state: string;
  /** `created`, `unchanged` (already in that state) or `dry run`. */
  outcome: string;
}

export interface FlowSkipAction {
  type: 'skip';
  reason: string;
  repository?: string;
  pullRequestId?: string;
}
