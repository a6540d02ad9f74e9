import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What `git init --bare` writes to a repository's `config` on Linux. The in-process writers of
 * commits and refs stand for git only in a repository configured exactly so: any other setting
 * (a commit encoding, `core.logAllRefUpdates`, `core.sharedRepository`, an include, another ref
 * storage) could change what git writes, and then git is asked.
 */
const INITIAL_CONFIG = '[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = true\n';

/** Whether the repository's config is the one `git init --bare` wrote. */
export function hasInitialConfig(gitDir: string): boolean {
  try {
    return readFileSync(join(gitDir, 'config'), 'utf8') === INITIAL_CONFIG;
  } catch {
    return false;
  }
}
