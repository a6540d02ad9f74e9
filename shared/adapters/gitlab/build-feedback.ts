import { GitHostError } from '#app/ports/git-host.ts';
import type { CommitStatus, MirrorPrimary } from '#app/ports/mirror-hosts.ts';
import { plainLine, withoutQuickActions } from '#domain/untrusted-text.ts';
import { GitLabApiError, isNotFound, notFoundSubject } from './api.ts';
import type { GitLabMergeRequestRef, GitLabNote, GitLabStatus } from './entities.ts';
import type { GitLabProject } from './project.ts';

const TERMINAL_STATES: ReadonlySet<string> = new Set(['success', 'failed', 'canceled']);
const STATUS_ATTEMPTS = 4;
const STATUS_RETRY_MS = 500;

export type GitLabBuildFeedback = Pick<
  MirrorPrimary,
  'setCommitStatus' | 'mergeRequestsAt' | 'noteOnMergeRequest'
>;

/**
 * What a build tells GitLab: commit statuses, and notes on the merge requests it built. The last
 * guard against text that acts: a status description goes out on one line, and no line of a note
 * starts with `/`, so none is a quick action run as the token's user.
 */
export function createGitLabBuildFeedback(project: GitLabProject): GitLabBuildFeedback {
  const { api, base, place, projectMissing, rethrow, wait } = project;

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

  return {
    async setCommitStatus(commitId, given) {
      const status =
        given.description === undefined ? given : { ...given, description: plainLine(given.description) };
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

    async mergeRequestsAt(commitId) {
      const related = await api
        .list<GitLabMergeRequestRef>(`${base}/repository/commits/${commitId}/merge_requests`)
        .catch(rethrow);
      return related
        .filter((mergeRequest) => mergeRequest.state === 'opened' && mergeRequest.sha === commitId)
        .map((mergeRequest) => ({ iid: mergeRequest.iid, webUrl: mergeRequest.web_url }));
    },

    async noteOnMergeRequest(iid, given, marker) {
      const body = withoutQuickActions(given);
      const notes = `${base}/merge_requests/${iid}/notes`;
      const marked = async () =>
        (await api.list<GitLabNote>(notes, { sort: 'desc' }).catch(rethrow)).some((note) =>
          note.body.includes(marker),
        );
      if (await marked()) return 'unchanged';
      try {
        // Not retried blindly: a note that failed with a 5xx may still have been added.
        await api.request(notes, { method: 'POST', body: { body }, retryServerErrors: false });
      } catch (error) {
        const mayHaveLanded = error instanceof GitLabApiError && (error.status === 0 || error.status >= 500);
        if (mayHaveLanded && (await marked())) return 'created';
        return rethrow(error);
      }
      return 'created';
    },
  };
}
