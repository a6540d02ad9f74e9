import { type CommitResult, type FileAtCommit, GitHostError } from '#app/ports/git-host.ts';
import type { FileChangeAfter } from '#app/ports/mirror-hosts.ts';
import { GitLabApiError, isNotFound, notFoundSubject } from './api.ts';
import type { GitLabCommit, GitLabFile } from './entities.ts';
import type { GitLabProject } from './project.ts';

/** How many files read at a commit are kept for the commit that follows the read. */
const READ_CACHE_ENTRIES = 256;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** 400 answers of the commits API that mean another writer touched one of our files first. */
const FILE_RACE = [
  /The file has changed since you started editing it/i,
  /A file with this name already exists/i,
  /A file with this name doesn't exist/i,
];

/** GitLab's 400 for a commit onto a branch that does not exist (and no start to create it from). */
const NOT_ON_BRANCH = /You can only create or edit files when you are on a branch/i;

const isNotOnBranch = (error: unknown): boolean =>
  error instanceof GitLabApiError && error.status === 400 && NOT_ON_BRANCH.test(error.detail);

/** The file at a commit: its bytes and the last commit that touched it. */
interface FileAtParent {
  bytes: Buffer;
  lastCommitId: string;
}

type Action =
  | {
      action: 'create' | 'update';
      file_path: string;
      content: string;
      encoding: 'text';
      last_commit_id?: string;
    }
  | { action: 'delete'; file_path: string; last_commit_id: string };

export interface GitLabChangeRequest {
  branch: string;
  parentCommitId: string;
  message: string;
  author: { name: string; email: string };
  changes: FileChangeAfter[];
}

export interface GitLabFileCommits {
  readFile(branch: string, path: string, at?: string): Promise<FileAtCommit>;
  /**
   * Commit `changes` onto `branch` only if none of the files it writes changed since
   * `parentCommitId` (see the window on the implementation).
   */
  compareAndSwap(request: GitLabChangeRequest): Promise<CommitResult>;
}

/** Reading files and committing changes to them through the files and commits APIs. */
export function createGitLabFileCommits(project: GitLabProject): GitLabFileCommits {
  const { api, base, place, projectMissing, rethrow, branchHead } = project;
  const filePath = (path: string): string => `${base}/repository/files/${encodeURIComponent(path)}`;

  // A file at a commit never changes: what a bump read is what its commit needs for
  // `last_commit_id`, so the commit does not fetch each file a second time.
  const readAtCommit = new Map<string, FileAtParent>();
  const remember = (commitId: string, path: string, file: FileAtParent): void => {
    if (readAtCommit.size >= READ_CACHE_ENTRIES) {
      const oldest = readAtCommit.keys().next().value;
      if (oldest !== undefined) readAtCommit.delete(oldest);
    }
    readAtCommit.set(`${commitId}\u0000${path}`, file);
  };

  /** The file at commit `ref` with its last commit, or undefined when the commit does not hold it. */
  async function fileAt(ref: string, path: string): Promise<FileAtParent | undefined> {
    const known = readAtCommit.get(`${ref}\u0000${path}`);
    if (known !== undefined) return known;
    try {
      const { body } = await api.request<GitLabFile>(filePath(path), { query: { ref } });
      return { bytes: Buffer.from(body.content, 'base64'), lastCommitId: body.last_commit_id };
    } catch (error) {
      if (isNotFound(error, 'File')) return undefined;
      return rethrow(error);
    }
  }

  async function currentHeadOrUndefined(branch: string): Promise<string | undefined> {
    try {
      return await branchHead(branch);
    } catch {
      return undefined;
    }
  }

  /**
   * Nothing to write: "unchanged" only while the branch is still at the parent, since no action
   * carries a `last_commit_id` that would have caught a move (this path costs one GET; a bump
   * always writes, so it never takes it).
   */
  async function unchangedAtHead(branch: string, parentCommitId: string): Promise<CommitResult> {
    const head = await branchHead(branch);
    if (head === undefined)
      throw new GitHostError('BranchNotFound', place(`branch ${branch} does not exist`));
    return head === parentCommitId ? { status: 'unchanged' } : { status: 'conflict', currentHead: head };
  }

  async function readFile(branch: string, path: string, at?: string): Promise<FileAtCommit> {
    const where = place(`branch ${branch}, path ${path}${at === undefined ? '' : ` at commit ${at}`}`);
    let file: GitLabFile;
    try {
      ({ body: file } = await api.request<GitLabFile>(filePath(path), { query: { ref: at ?? branch } }));
    } catch (error) {
      const missing = notFoundSubject(error);
      if (missing === undefined) {
        if (error instanceof GitLabApiError && error.status === 400) {
          throw new GitHostError('InvalidPath', `${where}: GitLab refused the path (${error.detail})`, {
            cause: error,
          });
        }
        throw error;
      }
      if (missing.toLowerCase() === 'project') throw projectMissing(error);
      if (missing.toLowerCase() === 'file') {
        throw new GitHostError('FileNotFound', `${where}: the file does not exist`, { cause: error });
      }
      if (at === undefined) {
        throw new GitHostError('BranchNotFound', `${where}: the branch does not exist`, { cause: error });
      }
      throw new GitHostError('CommitNotFound', `${where}: the commit does not exist`, { cause: error });
    }
    const bytes = Buffer.from(file.content, 'base64');
    remember(file.commit_id, path, { bytes, lastCommitId: file.last_commit_id });
    let content: string;
    try {
      content = utf8.decode(bytes);
    } catch (error) {
      throw new GitHostError('NotText', `${where}: the file is not valid UTF-8 text and cannot be edited`, {
        cause: error,
      });
    }
    return { content, commitId: file.commit_id };
  }

  /**
   * GitLab has no branch-level compare-and-swap: `start_sha` on an existing branch is refused
   * unless `force` is set, and `force` resets the branch onto `start_sha`, dropping whatever landed
   * meanwhile. So every action carries the `last_commit_id` its file had at the parent (a create
   * carries none but fails if the file appeared), and GitLab refuses the commit when any of our
   * files changed since: that is the conflict. The branch head is not fetched first, as it would
   * only narrow the window below, not close it. The window: a commit that lands after the parent
   * and touches none of our files is not detected; ours goes on top of it, which leaves every file
   * we wrote as planned and every other file as that commit left it.
   */
  async function compareAndSwap(request: GitLabChangeRequest): Promise<CommitResult> {
    const { branch, parentCommitId } = request;
    if (request.changes.length === 0) return { status: 'unchanged' };
    const atParent = await Promise.all(request.changes.map((change) => fileAt(parentCommitId, change.path)));
    const actions: Action[] = [];
    request.changes.forEach((change, index) => {
      const before = atParent[index];
      if ('deleted' in change) {
        if (before !== undefined) {
          actions.push({ action: 'delete', file_path: change.path, last_commit_id: before.lastCommitId });
        }
      } else if (before === undefined) {
        actions.push({ action: 'create', file_path: change.path, content: change.content, encoding: 'text' });
      } else if (!before.bytes.equals(Buffer.from(change.content, 'utf8'))) {
        actions.push({
          action: 'update',
          file_path: change.path,
          content: change.content,
          encoding: 'text',
          last_commit_id: before.lastCommitId,
        });
      }
    });
    if (actions.length === 0) return unchangedAtHead(branch, parentCommitId);

    try {
      const { body } = await api.request<GitLabCommit>(`${base}/repository/commits`, {
        method: 'POST',
        body: {
          branch,
          commit_message: request.message,
          actions,
          author_name: request.author.name,
          author_email: request.author.email,
        },
      });
      return { status: 'committed', commitId: body.id };
    } catch (error) {
      if (
        error instanceof GitLabApiError &&
        error.status === 400 &&
        FILE_RACE.some((pattern) => pattern.test(error.detail))
      ) {
        const currentHead = await currentHeadOrUndefined(branch);
        return currentHead === undefined ? { status: 'conflict' } : { status: 'conflict', currentHead };
      }
      if (isNotFound(error, 'Branch') || isNotOnBranch(error)) {
        throw new GitHostError('BranchNotFound', place(`branch ${branch} does not exist`), { cause: error });
      }
      return rethrow(error);
    }
  }

  return { readFile, compareAndSwap };
}
