/** `CodeCommit Repository State Change` events (branch and tag updates), validated. */

export const REPOSITORY_STATE_CHANGE = 'CodeCommit Repository State Change';

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
