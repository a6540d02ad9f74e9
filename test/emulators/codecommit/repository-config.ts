import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What `git init --bare` writes to a repository's `config` on Linux. The in-process writer of refs
 * stands for git only in a repository configured exactly so, and the writer of commits only there
 * or in one `git init` made for a work tree: any other setting (a commit encoding,
 * `core.logAllRefUpdates`, `core.sharedRepository`, an include, another ref storage) could change
 * what git writes, and then git is asked.
 */
const INITIAL_CONFIG = '[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = true\n';

/**
 * What `git init` writes for a work tree (`.git/config`): not bare, and with reflogs, which change
 * how refs are written but not a byte of any object.
 */
const INITIAL_WORK_TREE_CONFIG =
  '[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = false\n\tlogallrefupdates = true\n';

const configOf = (gitDir: string): string | undefined => {
  try {
    return readFileSync(join(gitDir, 'config'), 'utf8');
  } catch {
    return undefined;
  }
};

/** Whether the repository's config is the one `git init --bare` wrote. */
export function hasInitialBareConfig(gitDir: string): boolean {
  return configOf(gitDir) === INITIAL_CONFIG;
}

/** Whether the repository's config is one `git init` wrote, bare or for a work tree: objects are git's defaults. */
export function hasInitialObjectConfig(gitDir: string): boolean {
  const config = configOf(gitDir);
  return config === INITIAL_CONFIG || config === INITIAL_WORK_TREE_CONFIG;
}
