import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { branchHead } from '../../emulators/codecommit/repositories.ts';

const exec = promisify(execFile);

/** `git -C <gitDir> <args>` on a bare repository of the CodeCommit emulator; trimmed stdout. */
export async function git(gitDir: string, ...args: string[]): Promise<string> {
  const { stdout } = await exec('git', ['-C', gitDir, ...args], { maxBuffer: 64 * 1024 * 1024 });
  return stdout.trim();
}

/** The commit a branch holds (read from the ref files, as the emulators read it). */
export async function headOf(gitDir: string, branch: string): Promise<string> {
  const head = await branchHead(gitDir, branch);
  if (head === undefined) throw new Error(`no branch ${branch} in ${gitDir}`);
  return head;
}

export const fileAt = (gitDir: string, ref: string, path: string): Promise<string> =>
  git(gitDir, 'show', `${ref}:${path}`);

export const yamlAt = async (gitDir: string, ref: string, path: string): Promise<unknown> =>
  parse(await fileAt(gitDir, ref, path));

export interface CommitInfo {
  id: string;
  parents: string[];
  subject: string;
  body: string;
  /** Paths the commit changed relative to its first parent. */
  paths: string[];
}

const COMMIT_START = '\x1e';
const NAMES_START = '\x1f';

/**
 * Commits reachable from `branch` but not from `since`, oldest first, read by one `git log`. Paths
 * are what `diff-tree -r` lists against the first parent (no rename detection; none for a merge).
 */
export async function commitsSince(gitDir: string, since: string, branch: string): Promise<CommitInfo[]> {
  const listing = await git(
    gitDir,
    'log',
    '--reverse',
    '--no-renames',
    '--name-only',
    `--format=${COMMIT_START}%H %P%n%B${NAMES_START}`,
    `${since}..refs/heads/${branch}`,
  );
  return listing
    .split(COMMIT_START)
    .filter((record) => record !== '')
    .map((record) => {
      const [head = '', names = ''] = record.split(NAMES_START);
      const newline = head.indexOf('\n');
      const [id = '', ...parents] = head
        .slice(0, newline)
        .trim()
        .split(' ')
        .filter((part) => part !== '');
      const [subject = '', ...rest] = head
        .slice(newline + 1)
        .trim()
        .split('\n');
      const paths = names.split('\n').filter((path) => path !== '');
      return { id, parents, subject, body: rest.join('\n'), paths: paths.sort() };
    });
}

/** The event id a Flowkeeper commit message names (`Event: <id>` line). */
export function eventIdOf(commit: CommitInfo): string | undefined {
  return /^Event: (.+)$/m.exec(commit.body)?.[1];
}
