/** `CodeCommit Pull Request State Change` events, validated. */

export const PULL_REQUEST_STATE_CHANGE = 'CodeCommit Pull Request State Change';

export interface PullRequestEvent {
  id: string;
  account: string;
  region: string;
  time: string;
  /** `detail.event`: pullRequestCreated, pullRequestSourceBranchUpdated, pullRequestStatusChanged, pullRequestMergeStatusUpdated, … */
  kind: string;
  pullRequestId: string;
  /** `repositoryNames[0]`; pull requests span one repository. */
  repositoryName: string;
  title: string;
  authorArn: string;
  callerArn?: string;
  /** Short branch names (`refs/heads/` removed). */
  source: string;
  destination: string;
  sourceCommit: string;
  destinationCommit: string;
  revisionId: string;
  /** From `pullRequestStatus` "Open"/"Closed". */
  status: 'OPEN' | 'CLOSED';
  /** From `isMerged` "True"/"False". */
  merged: boolean;
  mergeOption?: string;
}
