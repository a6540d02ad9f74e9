/**
 * The mirror ports: what keeping a GitLab primary and its CodeCommit push mirror true needs from
 * each side. Branches are short names; commits are full 40-hex ids.
 */
import type { CommitResult } from './git-host.ts';

export interface CommitDetails {
  id: string;
  parentIds: string[];
  author: { name: string; email: string };
  /** ISO-8601. */
  authoredAt: string;
  /** ISO-8601; when the commit landed on the host (what lag is measured from). */
  committedAt: string;
  /** The whole message, trailers included. */
  message: string;
}

/** A file a commit changed: its content after the commit, or `deleted`. */
export type FileChangeAfter = { path: string; content: string } | { path: string; deleted: true };

export type CommitStatusState = 'pending' | 'running' | 'success' | 'failed' | 'canceled';

export interface CommitStatus {
  state: CommitStatusState;
  /** e.g. `codebuild/manifests-validate`. */
  name: string;
  targetUrl?: string;
  description?: string;
}

/** The primary: a GitLab project. */
export interface MirrorPrimary {
  /** `gitlab:<project>`, for messages. */
  readonly description: string;
  /** The branch head, or undefined when the branch does not exist. */
  branchHead(branch: string): Promise<string | undefined>;
  /** The commit, or undefined when the project does not hold it. */
  getCommit(id: string): Promise<CommitDetails | undefined>;
  /** Commits reachable from `to` and not from `from`, oldest first (GitLab's compare). */
  commitsBetween(from: string, to: string): Promise<CommitDetails[]>;
  /** Every branch name, for mirror branch globs (optional: without it only named branches are checked). */
  listBranches?(): Promise<string[]>;
  /** The newest `limit` commits of a branch, newest first. */
  recentCommits(branch: string, limit: number): Promise<CommitDetails[]>;
  /**
   * Start the push mirror into `codecommitUrl` now (`POST /remote_mirrors/:id/sync`). The mirror is
   * `mirrorId` when given, else the one whose URL names the repository; answers the id used. Throws
   * `GitHostError` `MirrorNotFound` when there is none.
   */
  syncMirror(target: { mirrorId?: number; codecommitRepository: string }): Promise<{ mirrorId: number }>;
  /** Open merge requests whose source branch head is `commitId`. */
  mergeRequestsAt(commitId: string): Promise<{ iid: number; webUrl: string }[]>;
  /** Add `body` as a note on merge request `iid`, unless one of its notes already holds `marker`. */
  noteOnMergeRequest(iid: number, body: string, marker: string): Promise<'created' | 'unchanged'>;
  /** Post a commit status; a status already in that state is `unchanged`, not an error. */
  setCommitStatus(commitId: string, status: CommitStatus): Promise<'created' | 'unchanged'>;
  /**
   * Commit `changes` onto `branch` as planned on `parentCommitId`: a conflict when a file it writes
   * changed since (GitLab checks each file's `last_commit_id`, not the branch head).
   */
  replayCommit(request: {
    branch: string;
    parentCommitId: string;
    author: { name: string; email: string };
    message: string;
    changes: FileChangeAfter[];
  }): Promise<CommitResult>;
}

/** The mirror: a CodeCommit repository. */
export interface MirrorReplica {
  readonly description: string;
  branchHead(branch: string): Promise<string | undefined>;
  getCommit(id: string): Promise<CommitDetails>;
  /** What `id` changed against its first parent, with the contents after it. */
  commitChanges(id: string): Promise<FileChangeAfter[]>;
}
