/**
 * What a discovery may cost. Each file a glob matches is read (one API call on CodeCommit and
 * GitLab) and parsed, so a glob that matches far more than intended is refused at once, with a
 * permanent error naming the limit, instead of exhausting the function's memory or timeout
 * (256 MB, 60 s; see manifest-limits.ts) and being retried. `bench/discovery.ts` measures a
 * 200-file tree.
 */

/** Most files one discover target may read on a branch. */
export const DISCOVERY_FILE_LIMIT = 500;
/** Most bytes of files read for the discovery of one event on one branch. */
export const DISCOVERY_BYTE_LIMIT = 8_000_000;

export function fileLimitProblem(globs: readonly string[], branch: string, count: number): string {
  return (
    `the globs ${globs.join(', ')} match ${count} files on branch ${branch}, more than the ` +
    `${DISCOVERY_FILE_LIMIT} files one discover target may read (the discovery file limit); narrow ` +
    'the globs or split the target into several'
  );
}

export function byteLimitProblem(branch: string, bytes: number): string {
  return (
    `the files to discover on branch ${branch} hold ${(bytes / 1e6).toFixed(1)} MB, more than the ` +
    `${(DISCOVERY_BYTE_LIMIT / 1e6).toFixed(1)} MB one event may read (the discovery byte limit); ` +
    'narrow the globs so they match only manifests'
  );
}
