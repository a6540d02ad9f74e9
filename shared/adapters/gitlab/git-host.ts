import { type CommitRequest, type FolderListing, type GitHost, GitHostError } from '#app/ports/git-host.ts';
import type { CommitDetails, MirrorPrimary } from '#app/ports/mirror-hosts.ts';
import { isNotFound, notFoundSubject } from './api.ts';
import { createGitLabBuildFeedback } from './build-feedback.ts';
import { commitDetails, type GitLabCommit, type GitLabRemoteMirror } from './entities.ts';
import { createGitLabFileCommits } from './file-commits.ts';
import { createGitLabProject, type GitLabGitHostOptions } from './project.ts';

export type { GitLabGitHostOptions } from './project.ts';

/** The CodeCommit HTTPS clone URL path a push mirror into `repository` ends with. */
const mirrorsInto = (mirrorUrl: string, repository: string): boolean =>
  mirrorUrl.replace(/\/+$/, '').endsWith(`/v1/repos/${repository}`);

/** An entry of `GET /projects/:id/repository/tree`. */
interface GitLabTreeItem {
  id: string;
  name: string;
  type: 'blob' | 'tree' | 'commit';
  path: string;
  mode: string;
}

/** GitLab lists its branches, so branch globs in mirror pairs always resolve. */
export type GitLabGitHost = GitHost & MirrorPrimary & Required<Pick<MirrorPrimary, 'listBranches'>>;

/**
 * A GitLab project through REST API v4, as the git host of a bump and as the primary of a
 * CodeCommit push mirror: files and commits (gitlab-file-commits.ts), history and the push mirror
 * (here), and what builds report (gitlab-build-feedback.ts).
 */
export function createGitLabGitHost(options: GitLabGitHostOptions): GitLabGitHost {
  const project = createGitLabProject(options);
  const { api, base, place, projectMissing, rethrow, branchHead, compare } = project;
  const files = createGitLabFileCommits(project);

  return {
    description: project.description,
    readFile: files.readFile,
    commit: (request: CommitRequest) =>
      files.compareAndSwap({
        ...request,
        changes: request.changes.map((change) =>
          'delete' in change ? { path: change.path, deleted: true as const } : change,
        ),
      }),
    replayCommit: files.compareAndSwap,
    branchHead,
    ...createGitLabBuildFeedback(project),

    /**
     * The tree API names no commit, so the branch head is resolved first and the tree listed at it.
     * A folder that does not exist is GitLab's `404 Tree Not Found` (since 16.5; an empty list before).
     */
    async listFiles(branch: string, folder: string, at?: string): Promise<FolderListing> {
      const path = folder.replace(/^\/+|\/+$/g, '');
      const commitId = at ?? (await branchHead(branch));
      if (commitId === undefined) {
        throw new GitHostError('BranchNotFound', place(`branch ${branch} does not exist`));
      }
      let items: GitLabTreeItem[];
      try {
        items = await api.list<GitLabTreeItem>(`${base}/repository/tree`, {
          ...(path === '' ? {} : { path }),
          ref: commitId,
          recursive: true,
        });
      } catch (error) {
        if (isNotFound(error, 'Project')) throw projectMissing(error);
        if (notFoundSubject(error)?.toLowerCase() !== 'tree') throw error;
        if (
          at !== undefined &&
          (await api.request(`${base}/repository/commits/${encodeURIComponent(at)}`).then(
            () => false,
            (missing: unknown) => notFoundSubject(missing) !== undefined,
          ))
        ) {
          throw new GitHostError('CommitNotFound', place(`commit ${at} does not exist`), { cause: error });
        }
        items = [];
      }
      // Regular files only: symbolic links (120000) and submodules are not files to read.
      const files = items
        .filter((item) => item.type === 'blob' && item.mode !== '120000')
        .map((item) => item.path)
        .sort();
      return { commitId, files };
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
  };
}
