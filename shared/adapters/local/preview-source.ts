import type { PreviewSource, PreviewSourceRef } from '#app/ports/preview-source.ts';
import { runGit } from './git-cli.ts';

/**
 * A repository on disk as the source of previews (the embedded default): it has no pull requests,
 * so one named by an event counts as open until a close event says otherwise, and comments are
 * not posted (`skipped`; the function's result lists what happened). A branch is open while it exists.
 */
export function createLocalPreviewSource(path: string): PreviewSource {
  return {
    description: `local:${path}`,
    async isOpen(ref: PreviewSourceRef): Promise<boolean> {
      if (ref.pullRequest !== undefined) return true;
      if (ref.branch.startsWith('-') || ref.branch.includes('\n')) return false;
      const run = await runGit(['rev-parse', '--verify', '--quiet', `refs/heads/${ref.branch}`], {
        cwd: path,
      });
      return run.code === 0;
    },
    comment: async () => 'skipped',
  };
}
