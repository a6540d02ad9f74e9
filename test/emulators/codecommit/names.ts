import { fail } from './errors.ts';
import { GitCommandError, runGit } from './git.ts';

/** Model: 1–100 characters of `[\w.-]`; the user guide adds that a name cannot end in `.git`. */
const REPOSITORY_NAME = /^[\w.-]{1,100}$/;

export function requireRepositoryName(name: string | undefined): string {
  if (name === undefined || name === '') {
    return fail('RepositoryNameRequiredException', 'A repository name is required.');
  }
  if (!REPOSITORY_NAME.test(name) || name.toLowerCase().endsWith('.git')) {
    return fail('InvalidRepositoryNameException', `The repository name '${name}' is not valid.`);
  }
  return name;
}

export const FULL_COMMIT_ID = /^[0-9a-f]{40}$/;
const MAX_BRANCH_NAME = 256;

/**
 * Branch names follow git's ref rules (checked with `git check-ref-format`, not re-implemented), are
 * at most 256 characters, and may not look like a full commit id (user guide, quotas page).
 */
export async function requireBranchName(name: string | undefined): Promise<string> {
  if (name === undefined || name === '') {
    return fail('BranchNameRequiredException', 'A branch name is required.');
  }
  if (
    name.length > MAX_BRANCH_NAME ||
    FULL_COMMIT_ID.test(name) ||
    !(await isValidRefName(`refs/heads/${name}`))
  ) {
    return fail('InvalidBranchNameException', `The branch name '${name}' is not valid.`);
  }
  return name;
}

/** git's answer depends on the name alone, so each name is asked about once. */
const refNameVerdicts = new Map<string, boolean>();
const REF_NAME_VERDICTS_LIMIT = 10_000;

export async function isValidRefName(ref: string): Promise<boolean> {
  const known = refNameVerdicts.get(ref);
  if (known !== undefined) return known;
  let valid: boolean;
  try {
    await runGit(['check-ref-format', ref]);
    valid = true;
  } catch (error) {
    if (!(error instanceof GitCommandError)) throw error;
    valid = false;
  }
  if (refNameVerdicts.size >= REF_NAME_VERDICTS_LIMIT) refNameVerdicts.clear();
  refNameVerdicts.set(ref, valid);
  return valid;
}

/** Quotas page: a path is at most 4,096 characters and 20 directories deep. */
const MAX_PATH_LENGTH = 4096;
const MAX_DIRECTORY_DEPTH = 20;

/**
 * Returns the repository-relative path. The API documents paths with and without a leading `/`
 * (`/examples/file.md`), so one leading slash is dropped. Which malformed paths the service rejects
 * is not documented; rejecting what git itself cannot store (empty, `.` or `..` segments, `.git`,
 * NUL, trailing slash) is this emulator's assumption.
 */
export function requirePath(path: string | undefined): string {
  if (path === undefined || path === '' || path === '/') {
    return fail('PathRequiredException', 'A file path is required.');
  }
  const relative = path.startsWith('/') ? path.slice(1) : path;
  const segments = relative.split('/');
  const invalid =
    relative.length > MAX_PATH_LENGTH ||
    segments.length - 1 > MAX_DIRECTORY_DEPTH ||
    relative.includes('\0') ||
    segments.some(
      (segment) => segment === '' || segment === '.' || segment === '..' || segment.toLowerCase() === '.git',
    );
  if (invalid) return fail('InvalidPathException', `The path '${path}' is not valid.`);
  return relative;
}

/** `a/b/c` → `['a', 'a/b']`. */
export function parentDirectories(path: string): string[] {
  const segments = path.split('/');
  return segments.slice(0, -1).map((_, index) => segments.slice(0, index + 1).join('/'));
}
