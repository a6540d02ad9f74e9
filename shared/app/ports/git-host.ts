import { PermanentError } from '#domain/errors.ts';
/**
 * The git host port: read files, list a folder, commit changes (writes and deletions) onto a known
 * parent. Adapters (local git, CodeCommit, GitLab) implement it; the application service never sees
 * which one it talks to.
 */
export interface FileAtCommit {
  /** UTF-8 content. */
  content: string;
  /** The commit the content was read at (the branch head when read by branch). */
  commitId: string;
}

/** A file to write, or (delete: true) a file to remove, in one commit. */
export type FileChange = { path: string; content: string } | { path: string; delete: true };

export interface FolderListing {
  /** The commit listed (the branch head when listed by branch). */
  commitId: string;
  /** Repository-relative paths of every file (blob) under the folder, recursively, sorted. */
  files: string[];
}

export interface CommitRequest {
  branch: string;
  /** Compare-and-swap: the commit only lands if the branch head is still this commit. */
  parentCommitId: string;
  changes: FileChange[];
  message: string;
  author: { name: string; email: string };
  /** Idempotency hint (the event id); hosts that support client tokens use it. */
  clientToken?: string;
}

export type CommitResult =
  | { status: 'committed'; commitId: string }
  /** The branch moved since `parentCommitId` was read: re-read and re-plan. */
  | { status: 'conflict'; currentHead?: string }
  /** The host saw nothing to change (content already identical). */
  | { status: 'unchanged' };

export interface GitHost {
  /** Human-readable name for messages (`local:/path/repo`, `codecommit:app-manifests`). */
  readonly description: string;
  /**
   * Read a file at the head of `branch`, or at `at` (a commit id) when given so several files of
   * one plan come from the same commit. Throws `GitHostError` with code `BranchNotFound`,
   * `FileNotFound`, `RepositoryNotFound` or `FileTooLarge`.
   */
  readFile(branch: string, path: string, at?: string): Promise<FileAtCommit>;
  commit(request: CommitRequest): Promise<CommitResult>;
  /**
   * Every file under `folder` ('' = the whole repository) at the head of `branch`, or at commit
   * `at`. A folder that does not exist lists no files; a missing branch throws GitHostError
   * `BranchNotFound`.
   */
  listFiles(branch: string, folder: string, at?: string): Promise<FolderListing>;
  /**
   * Paths that differ between two commits (added, modified, deleted; a rename lists both paths),
   * sorted. Throws `GitHostError` `CommitNotFound` when either commit is unknown.
   */
  changedFiles(fromCommit: string, toCommit: string): Promise<string[]>;
}

export type GitHostErrorCode =
  | 'RepositoryNotFound'
  | 'BranchNotFound'
  | 'FileNotFound'
  | 'FileTooLarge'
  | 'CommitTooLarge'
  | 'InvalidPath'
  | 'NotText'
  | 'WorkingTreeDirty'
  | 'CommitNotFound'
  | 'PullRequestNotFound'
  | 'MirrorNotFound'
  /** The host refused the credentials (401) or their scope (403). */
  | 'AccessDenied'
  /**
   * The idempotency token (the event id) was already used, with other parameters: the write this
   * event asked for was carried out by an earlier delivery, before the pull request moved.
   */
  | 'AlreadyDone';

/**
 * What the host refuses whatever the retries (a missing repository, branch, file or commit; a size
 * limit; a dirty worktree; refused credentials): permanent. `AlreadyDone` is not a failure at all:
 * the callers that write with an idempotency token treat it as done.
 */
export class GitHostError extends PermanentError {
  override name = 'GitHostError';
  readonly code: GitHostErrorCode;
  constructor(code: GitHostErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}
