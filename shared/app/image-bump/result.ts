import type { ChangeRecord } from '#domain/plan-branch.ts';

/** What one invocation did, per repository and branch; returned and logged by the handler. */
export interface BumpResult {
  eventId: string;
  actions: BumpAction[];
}

export type BumpAction = CommitAction | DryRunAction | ParameterAction | SkipAction;

export interface CommitAction {
  type: 'commit';
  repository: string;
  branch: string;
  commitId: string;
  parentCommitId: string;
  attempts: number;
  changes: ChangeRecord[];
}

/** What a commit would have been (dry run): the changes and their unified diff. */
export interface DryRunAction {
  type: 'dry-run';
  repository: string;
  branch: string;
  parentCommitId: string;
  changes: ChangeRecord[];
  diff: string;
}

/** An SSM parameter target written (or, in a dry run, that would be). */
export interface ParameterAction {
  type: 'parameter';
  parameter: string;
  from: string | null;
  to: string;
  /** The new parameter version; absent in a dry run. */
  version?: number;
  dryRun?: true;
}

export interface SkipAction {
  type: 'skip';
  reason: string;
  repository?: string;
  branch?: string;
  file?: string;
  target?: string;
  parameter?: string;
}
