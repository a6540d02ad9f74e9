import type { PreviewSource, PreviewSourceRef } from '#app/ports/preview-source.ts';
import { notFoundSubject } from './api.ts';
import { createGitLabBuildFeedback } from './build-feedback.ts';
import { createGitLabProject, type GitLabGitHostOptions } from './project.ts';

/**
 * A GitLab project as the source of previews: a merge request is open while its state is `opened`,
 * a branch while it exists; the note with a marker is posted once (and never as a quick action).
 */
export function createGitLabPreviewSource(options: GitLabGitHostOptions): PreviewSource {
  const project = createGitLabProject(options);
  const { api, base, rethrow, branchHead } = project;
  const notes = createGitLabBuildFeedback(project);

  return {
    description: project.description,

    async isOpen(ref: PreviewSourceRef): Promise<boolean> {
      if (ref.pullRequest === undefined) return (await branchHead(ref.branch)) !== undefined;
      try {
        const { body } = await api.request<{ state: string }>(
          `${base}/merge_requests/${encodeURIComponent(ref.pullRequest)}`,
        );
        return body.state === 'opened';
      } catch (error) {
        if (notFoundSubject(error) !== undefined && notFoundSubject(error)?.toLowerCase() !== 'project')
          return false;
        return rethrow(error);
      }
    },

    async comment(ref, body, marker) {
      if (ref.pullRequest === undefined) return 'skipped';
      return notes.noteOnMergeRequest(Number(ref.pullRequest), `${body}\n\n${marker}`, marker);
    },
  };
}
