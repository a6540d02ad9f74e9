import { setTimeout as sleep } from 'node:timers/promises';
import { GitHostError } from '#app/ports/git-host.ts';
import {
  createGitLabApi,
  type GitLabApi,
  type GitLabApiOptions,
  isNotFound,
  notFoundSubject,
  projectPath,
  type TokenSupplier,
} from './api.ts';
import type { GitLabCommit, GitLabCompare } from './entities.ts';

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

/** One GitLab project as the adapters share it: its API client, paths and error wording. */
export interface GitLabProject {
  api: GitLabApi;
  /** `/projects/<encoded id or path>`. */
  base: string;
  /** `gitlab:<project>`. */
  description: string;
  /** `GitLab project <p> (<url>), <detail>`: how every error names where it happened. */
  place(detail: string): string;
  projectMissing(error: unknown): GitHostError;
  /** Rethrows a 404 of the project itself as `RepositoryNotFound`; anything else unchanged. */
  rethrow(error: unknown): never;
  wait(ms: number): Promise<void>;
  /** The branch head, or undefined when the branch does not exist. */
  branchHead(branch: string): Promise<string | undefined>;
  /** GitLab's compare of two commits; throws `CommitNotFound` when one does not exist. */
  compare(from: string, to: string, straight: boolean): Promise<GitLabCompare>;
}

export function createGitLabProject(options: GitLabGitHostOptions): GitLabProject {
  const api = createGitLabApi(options);
  const { project } = options;
  const base = projectPath(project);
  const place = (detail: string): string => `GitLab project ${project} (${options.url}), ${detail}`;
  const projectMissing = (error: unknown): GitHostError =>
    new GitHostError('RepositoryNotFound', place('the project does not exist or the token cannot see it'), {
      cause: error,
    });
  const rethrow = (error: unknown): never => {
    if (isNotFound(error, 'Project')) throw projectMissing(error);
    throw error;
  };

  return {
    api,
    base,
    description: `gitlab:${project}`,
    place,
    projectMissing,
    rethrow,
    wait: options.sleep ?? ((ms: number) => sleep(ms)),

    async branchHead(branch) {
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
    },

    async compare(from, to, straight) {
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
    },
  };
}
