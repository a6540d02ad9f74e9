import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { parse } from 'yaml';

const exec = promisify(execFile);

/** `git -C <gitDir> <args>` on a bare repository of the CodeCommit emulator; trimmed stdout. */
export async function git(gitDir: string, ...args: string[]): Promise<string> {
  const { stdout } = await exec('git', ['-C', gitDir, ...args], { maxBuffer: 64 * 1024 * 1024 });
  return stdout.trim();
}

export const headOf = (gitDir: string, branch: string): Promise<string> =>
  git(gitDir, 'rev-parse', `refs/heads/${branch}`);

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

/** Commits reachable from `branch` but not from `since`, oldest first. */
export async function commitsSince(gitDir: string, since: string, branch: string): Promise<CommitInfo[]> {
  const listing = await git(gitDir, 'rev-list', '--reverse', '--parents', `${since}..refs/heads/${branch}`);
  if (listing === '') return [];
  const commits: CommitInfo[] = [];
  for (const line of listing.split('\n')) {
    const [id = '', ...parents] = line.split(' ');
    const [subject = '', ...rest] = (await git(gitDir, 'log', '-1', '--format=%B', id)).split('\n');
    const paths = await git(gitDir, 'diff-tree', '--no-commit-id', '--name-only', '-r', id);
    commits.push({
      id,
      parents,
      subject,
      body: rest.join('\n'),
      paths: paths === '' ? [] : paths.split('\n').sort(),
    });
  }
  return commits;
}

/** The event id a Flowkeeper commit message names (`Event: <id>` line). */
export function eventIdOf(commit: CommitInfo): string | undefined {
  return /^Event: (.+)$/m.exec(commit.body)?.[1];
}
