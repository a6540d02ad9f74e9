/**
 * The preview source port: what previews need from the repository whose pull requests (CodeCommit)
 * or merge requests (GitLab) get them. Adapters: CodeCommit, GitLab, and the local repository of
 * the embedded default.
 */
export interface PreviewSourceRef {
  branch: string;
  /** Pull-request id (CodeCommit) or merge-request iid (GitLab); absent for a branch preview. */
  pullRequest?: string;
}

export interface PreviewSource {
  readonly description: string;
  /** Whether the pull or merge request is still open; for a branch preview, whether the branch exists. */
  isOpen(ref: PreviewSourceRef): Promise<boolean>;
  /**
   * One comment (note) on the pull or merge request carrying `marker`: posted unless one already
   * carries it. A branch preview has nowhere to comment: `skipped`.
   */
  comment(ref: PreviewSourceRef, body: string, marker: string): Promise<'created' | 'unchanged' | 'skipped'>;
}
