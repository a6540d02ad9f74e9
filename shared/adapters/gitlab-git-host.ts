import { setTimeout as sleep } from 'node:timers/promises';
import {
  type CommitRequest,
  type CommitResult,
  type FileAtCommit,
  type GitHost,
  GitHostError,
} from '#app/git-host.ts';
import type { CommitDetails, CommitStatus, FileChangeAfter, MirrorPrimary } from '#app/mirror-hosts.ts';
import {
  createGitLabApi,
  type GitLabApi,
  GitLabApiError,
  type GitLabApiOptions,
  isNotFound,
  notFoundSubject,
  projectPath,
  type TokenSupplier,
} from './gitlab-api.ts';

export interface GitLabGitHostOptions {
  /** Base URL of the instance, e.g. `https://gitlab.com`. */
  url: string;
  /** Project path (`platform/app-manifests`) or numeric id. */
  project: string;
  token: TokenSupplier;
  /** Where the token comes from, named when GitLab refuses it. */
  tokenSource?: string;
  fetch?: typeof fetch;
  timeoutMs?: GitLabApiOptions['timeoutMs'];
  retry?: GitLabApiOptions['retry'];
  sleep?: GitLabApiOptions['sleep'];
}

/** The commit entity GitLab answers (only the fields used). */
interface GitLabCommit {
  id: string;
  parent_ids?: string[];
  message?: string;
  title?: string;
  author_name?: string;
  author_email?: string;
  authored_date?: string;
  committed_date?: string;
  created_at?: string;
}

interface GitLabFile {
  content: string;
  encoding?: string;
  commit_id: string;
  last_commit_id: string;
}

interface GitLabDiff {
  old_path: string;
  new_path: string;
}

interface GitLabCompare {
  commits?: GitLabCommit[];
  diffs?: GitLabDiff[];
  compare_timeout?: boolean;
}

interface GitLabMergeRequestRef {
  iid: number;
  state: string;
  sha: string | null;
  web_url: string;
}

interface GitLabNote {
  body: string;
}

interface GitLabRemoteMirror {
  id: number;
  url: string;
  enabled?: boolean;
}

interface GitLabStatus {
  id: number;
  name: string;
  status: string;
  target_url?: string | null;
  description?: string | null;
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

/** The file at a commit: its bytes and the last commit that touched it, or undefined when absent. */
/** How many files read at a commit are kept for the commit that follows the read. */
const READ_CACHE_ENTRIES = 256;

interface FileAtParent {
  bytes: Buffer;
  lastCommitId: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** 400 answers of the commits API that mean another writer touched one of our files first. */
const FILE_RACE = [
  /The file has changed since you started editing it/i,
  /A file with this name already exists/i,
  /A file with this name doesn't exist/i,
];

const TERMINAL_STATES: ReadonlySet<string> = new Set(['success', 'failed', 'canceled']);
const STATUS_ATTEMPTS = 4;
const STATUS_RETRY_MS = 500;

/** GitLab dates carry an offset (`2026-03-10T09:31:12.000+01:00`); the ports speak UTC. */
function isoDate(value: string | undefined): string {
  if (value === undefined) return '';
  const time = Date.parse(value);
  return Number.isNaN(time) ? value : new Date(time).toISOString();
}

function commitDetails(commit: GitLabCommit): CommitDetails {
  return {
    id: commit.id,
    parentIds: commit.parent_ids ?? [],
    author: { name: commit.author_name ?? '', email: commit.author_email ?? '' },
    authoredAt: isoDate(commit.authored_date ?? commit.created_at),
    committedAt: isoDate(commit.committed_date ?? commit.created_at),
    message: commit.message ?? commit.title ?? '',
  };
}

/** The CodeCommit HTTPS clone URL path a push mirror into `repository` ends with. */
const mirrorsInto = (mirrorUrl: string, repository: string): boolean =>
  mirrorUrl.replace(/\/+$/, '').endsWith(`/v1/repos/${repository}`);

/**
 * A GitLab project through REST API v4, as the git host of a bump and as the primary of a
 * CodeCommit push mirror. Reads go through the files API; commits through the commits API with
 * one action per file.
 */
/** GitLab lists its branches, so branch globs in mirror pairs always resolve. */
export type GitLabGitHost = GitHost & MirrorPrimary & Required<Pick<MirrorPrimary, 'listBranches'>>;

export function createGitLabGitHost(options: GitLabGitHostOptions): GitLabGitHost {
  const api: GitLabApi = createGitLabApi(options);
  const { project } = options;
  const base = projectPath(project);
  const description = `gitlab:${project}`;
  const place = (detail: string): string => `GitLab project ${project} (${options.url}), ${detail}`;
  const wait = options.sleep ?? ((ms: number) => sleep(ms));

  const projectMissing = (error: unknown): GitHostError =>
    new GitHostError('RepositoryNotFound', place('the project does not exist or the token cannot see it'), {
      cause: error,
    });

  /** Rethrows a 404 of the project itself as `RepositoryNotFound`; anything else unchanged. */
  const rethrow = (error: unknown): never => {
    if (isNotFound(error, 'Project')) throw projectMissing(error);
    throw error;
  };

  const filePath = (path: string): string => `${base}/repository/files/${encodeURIComponent(path)}`;

  async function branchHead(branch: string): Promise<string | undefined> {
    try {
      const { body } = await api.request<{ commit: GitLabCommit }>(
        `${base}/repository/branches/${encodeURIComponent(branch)}`,
      );
      return body.commit.id;
    } catch (error) {
      if (isNotFound(error, 'Project')) throw projectMissing(error);
      if (notFoundSubject(error) !== undefined) return undefined;
      throw error;
    }
  }

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
   * The compare-and-swap both `commit` and `replayCommit` use. GitLab has no branch-level
   * compare-and-swap: `start_sha` on an existing branch is refused unless `force` is set, and
   * `force` resets the branch onto `start_sha`, dropping whatever landed meanwhile. So the branch
   * head is checked first, and every action carries the `last_commit_id` its file had at the parent
   * (a create carries none but fails if the file appeared). The window left: a commit that lands
   * between the branch check and the POST and touches none of our files is not detected; ours goes
   * on top of it, which leaves every file we wrote as planned and every other file as that commit
   * left it.
   */
  async function compareAndSwap(request: {
    branch: string;
    parentCommitId: string;
    message: string;
    author: { name: string; email: string };
    changes: FileChangeAfter[];
  }): Promise<CommitResult> {
    const { branch, parentCommitId } = request;
    if (request.changes.length === 0) return { status: 'unchanged' };
    const head = await branchHead(branch);
    if (head === undefined) {
      throw new GitHostError('BranchNotFound', place(`branch ${branch} does not exist`));
    }
    if (head !== parentCommitId) return { status: 'conflict', currentHead: head };

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
    if (actions.length === 0) return { status: 'unchanged' };

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
      if (isNotFound(error, 'Branch')) {
        throw new GitHostError('BranchNotFound', place(`branch ${branch} does not exist`), { cause: error });
      }
      return rethrow(error);
    }
  }

  /** Whether the newest status of that name on the commit already says the same. */
  async function sameStatusExists(commitId: string, status: CommitStatus): Promise<boolean> {
    let statuses: GitLabStatus[];
    try {
      statuses = await api.list<GitLabStatus>(
        `${base}/repository/commits/${encodeURIComponent(commitId)}/statuses`,
        { name: status.name },
      );
    } catch (error) {
      if (isNotFound(error, 'Project')) throw projectMissing(error);
      // An unknown commit is reported by the POST that follows.
      if (notFoundSubject(error) !== undefined) return false;
      throw error;
    }
    const newest = statuses
      .filter((found) => found.name === status.name)
      .reduce<GitLabStatus | undefined>((a, b) => (a === undefined || b.id > a.id ? b : a), undefined);
    return (
      newest !== undefined &&
      newest.status === status.state &&
      (newest.target_url ?? undefined) === status.targetUrl &&
      (newest.description ?? undefined) === status.description
    );
  }

  async function compare(from: string, to: string, straight: boolean): Promise<GitLabCompare> {
    try {
      const { body } = await api.request<GitLabCompare>(`${base}/repository/compare`, {
        query: { from, to, straight },
      });
      if (body.compare_timeout === true) {
        throw new Error(place(`comparing ${from}..${to} timed out on GitLab; the answer is incomplete`));
      }
      return body;
    } catch (error) {
      if (isNotFound(error, 'Project')) throw projectMissing(error);
      if (notFoundSubject(error) !== undefined) {
        throw new GitHostError('CommitNotFound', place(`commits ${from}..${to}: a commit does not exist`), {
          cause: error,
        });
      }
      throw error;
    }
  }

  return {
    description,

    async readFile(branch: string, path: string, at?: string): Promise<FileAtCommit> {
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
    },

    commit(request: CommitRequest): Promise<CommitResult> {
      return compareAndSwap(request);
    },

    async changedFiles(fromCommit: string, toCommit: string): Promise<string[]> {
      const { diffs = [] } = await compare(fromCommit, toCommit, true);
      const paths = new Set<string>();
      for (const diff of diffs) {
        paths.add(diff.old_path);
        paths.add(diff.new_path);
      }
      return [...paths].sort();
    },

    branchHead,

    async getCommit(id: string): Promise<CommitDetails | undefined> {
      try {
        const { body } = await api.request<GitLabCommit>(
          `${base}/repository/commits/${encodeURIComponent(id)}`,
        );
        return commitDetails(body);
      } catch (error) {
        if (isNotFound(error, 'Project')) throw projectMissing(error);
        if (notFoundSubject(error) !== undefined) return undefined;
        throw error;
      }
    },

    async commitsBetween(from: string, to: string): Promise<CommitDetails[]> {
      const { commits = [] } = await compare(from, to, false);
      return commits.map(commitDetails);
    },

    async listBranches(): Promise<string[]> {
      const branches = await api.list<{ name: string }>(`${base}/repository/branches`).catch(rethrow);
      return branches.map((branch) => branch.name);
    },

    async recentCommits(branch: string, limit: number): Promise<CommitDetails[]> {
      if (limit <= 0) return [];
      try {
        const commits = await api.list<GitLabCommit>(
          `${base}/repository/commits`,
          { ref_name: branch },
          limit,
        );
        return commits.map(commitDetails);
      } catch (error) {
        if (isNotFound(error, 'Project')) throw projectMissing(error);
        // A branch that does not exist has no commits.
        if (notFoundSubject(error) !== undefined) return [];
        throw error;
      }
    },

    async syncMirror(target: {
      mirrorId?: number;
      codecommitRepository: string;
    }): Promise<{ mirrorId: number }> {
      const { codecommitRepository } = target;
      let mirrorId = target.mirrorId;
      if (mirrorId === undefined) {
        const mirrors = await api.list<GitLabRemoteMirror>(`${base}/remote_mirrors`).catch(rethrow);
        const matching = mirrors.filter((mirror) => mirrorsInto(mirror.url, codecommitRepository));
        const chosen = matching.find((mirror) => mirror.enabled !== false) ?? matching[0];
        if (chosen === undefined) {
          throw new GitHostError(
            'MirrorNotFound',
            place(
              `no push mirror into CodeCommit repository ${codecommitRepository} (no remote mirror URL ends with /v1/repos/${codecommitRepository}); add one or configure its mirrorId`,
            ),
          );
        }
        mirrorId = chosen.id;
      }
      try {
        await api.request(`${base}/remote_mirrors/${mirrorId}/sync`, { method: 'POST' });
      } catch (error) {
        if (isNotFound(error, 'Project')) throw projectMissing(error);
        const missing = notFoundSubject(error);
        if (missing !== undefined) {
          // A bare "404 Not Found" is the route itself: GitLab before 16.11 has no mirror sync endpoint.
          const why =
            missing === 'Unknown'
              ? 'does not exist, or GitLab is older than 16.11 and cannot start a mirror update on request'
              : 'does not exist';
          throw new GitHostError(
            'MirrorNotFound',
            place(`remote mirror ${mirrorId} (into CodeCommit repository ${codecommitRepository}) ${why}`),
            { cause: error },
          );
        }
        throw error;
      }
      return { mirrorId };
    },

    async mergeRequestsAt(commitId: string): Promise<{ iid: number; webUrl: string }[]> {
      const related = await api
        .list<GitLabMergeRequestRef>(`${base}/repository/commits/${commitId}/merge_requests`)
        .catch(rethrow);
      return related
        .filter((mergeRequest) => mergeRequest.state === 'opened' && mergeRequest.sha === commitId)
        .map((mergeRequest) => ({ iid: mergeRequest.iid, webUrl: mergeRequest.web_url }));
    },

    async noteOnMergeRequest(iid: number, body: string, marker: string): Promise<'created' | 'unchanged'> {
      const notes = `${base}/merge_requests/${iid}/notes`;
      const existing = await api.list<GitLabNote>(notes, { sort: 'desc' }).catch(rethrow);
      if (existing.some((note) => note.body.includes(marker))) return 'unchanged';
      await api.request(notes, { method: 'POST', body: { body } }).catch(rethrow);
      return 'created';
    },

    async setCommitStatus(commitId: string, status: CommitStatus): Promise<'created' | 'unchanged'> {
      // A finished status is never updated: posting it again adds a second one, so a repeated
      // event is caught here. Pending and running ones are caught by GitLab's refusal below.
      if (TERMINAL_STATES.has(status.state) && (await sameStatusExists(commitId, status))) return 'unchanged';
      const body = {
        state: status.state,
        name: status.name,
        ...(status.targetUrl === undefined ? {} : { target_url: status.targetUrl }),
        ...(status.description === undefined ? {} : { description: status.description }),
      };
      for (let attempt = 1; ; attempt += 1) {
        try {
          await api.request(`${base}/statuses/${encodeURIComponent(commitId)}`, { method: 'POST', body });
          return 'created';
        } catch (error) {
          if (!(error instanceof GitLabApiError)) throw error;
          // GitLab refuses a transition into the state the status is already in.
          if (error.status === 400 && /Cannot transition status/i.test(error.detail)) return 'unchanged';
          // Another update of this commit's statuses holds GitLab's lock.
          if (error.status === 409 && attempt < STATUS_ATTEMPTS) {
            await wait(STATUS_RETRY_MS * attempt);
            continue;
          }
          if (isNotFound(error, 'Project')) throw projectMissing(error);
          if (isNotFound(error, 'Commit')) {
            throw new GitHostError('CommitNotFound', place(`commit ${commitId} does not exist`), {
              cause: error,
            });
          }
          throw error;
        }
      }
    },

    replayCommit(request) {
      return compareAndSwap(request);
    },
  };
}
