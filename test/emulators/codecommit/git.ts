import { execFile, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { cp, mkdtemp } from 'node:fs/promises';
import { devNull, tmpdir } from 'node:os';
import { join } from 'node:path';
import { OBJECT_ID } from './objects.ts';

/** A git invocation that exited non-zero; `stderr` is kept for diagnosis. */
export class GitCommandError extends Error {
  override name = 'GitCommandError';
  readonly exitCode: number | null;
  readonly stderr: string;
  constructor(args: readonly string[], exitCode: number | null, stderr: string) {
    super(`git ${args.join(' ')} exited with ${exitCode}: ${stderr.trim()}`);
    this.exitCode = exitCode;
    this.stderr = stderr;
  }
}

export interface GitOptions {
  /** Bytes written to the command's standard input. */
  input?: Buffer | string;
  /** Extra environment (GIT_INDEX_FILE, author identity, …). */
  env?: Record<string, string>;
}

/** Blobs may reach the 6 MB service limit and listings can be long. */
const MAX_OUTPUT_BYTES = 256 * 1024 * 1024;

/**
 * Runs `git --git-dir=<gitDir> <args>` without a shell. User configuration is ignored so a
 * developer's signing or hook settings never change what the emulator writes.
 */
export function git(gitDir: string, args: readonly string[], options: GitOptions = {}): Promise<Buffer> {
  const fullArgs = ['--git-dir', gitDir, '--literal-pathspecs', ...args];
  return runGit(fullArgs, options);
}

const gitEnvironment = (extra?: Record<string, string>): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: devNull,
  GIT_TERMINAL_PROMPT: '0',
  LC_ALL: 'C',
  ...extra,
});

/** Like `git` but for commands that take no repository (`init`, `check-ref-format`). */
export function runGit(args: readonly string[], options: GitOptions = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      args,
      { encoding: 'buffer', maxBuffer: MAX_OUTPUT_BYTES, env: gitEnvironment(options.env) },
      (error, stdout, stderr) => {
        if (error) {
          const code = typeof error.code === 'number' ? error.code : null;
          reject(new GitCommandError(args, code, stderr.toString('utf8')));
          return;
        }
        resolve(stdout);
      },
    );
    child.stdin?.on('error', () => {
      // The exit status reports the failure; an early-closed stdin must not crash the process.
    });
    child.stdin?.end(options.input ?? '');
  });
}

type RepositoryKind = 'bare' | 'work-tree';

/** The git directory `git init` wrote once per process for each kind, copied for every new repository. */
const skeletons = new Map<RepositoryKind, Promise<string>>();

function skeleton(kind: RepositoryKind): Promise<string> {
  const known = skeletons.get(kind);
  if (known) return known;
  const made = (async () => {
    const root = await mkdtemp(join(tmpdir(), 'flowkeeper-git-skeleton-'));
    process.once('exit', () => rmSync(root, { recursive: true, force: true }));
    if (kind === 'bare') {
      await runGit(['init', '--bare', '--quiet', join(root, 'skeleton.git')]);
      return join(root, 'skeleton.git');
    }
    await runGit(['init', '--quiet', '--initial-branch=main', root]);
    return join(root, '.git');
  })();
  skeletons.set(kind, made);
  made.catch(() => skeletons.delete(kind));
  return made;
}

/**
 * `git init --bare --quiet <gitDir>`, as a copy of what git wrote for an earlier call: the same
 * files byte for byte (HEAD, config, hooks, info), without a process per repository. A file that
 * already exists under `gitDir` is an error, never overwritten.
 */
export async function initBare(gitDir: string): Promise<void> {
  await cp(await skeleton('bare'), gitDir, { recursive: true, errorOnExist: true, force: false });
}

/** `git init --quiet --initial-branch=main <path>` for a work tree, copied the same way into `<path>/.git`. */
export async function initWorkTree(path: string): Promise<void> {
  await cp(await skeleton('work-tree'), join(path, '.git'), {
    recursive: true,
    errorOnExist: true,
    force: false,
  });
}

/** Settled answers of commands about objects, per repository and arguments. */
const answers = new Map<string, Promise<Buffer>>();
/** Enough for a test run's repositories; a long-lived emulator starts over past it. */
const MAX_ANSWERS = 50_000;

/**
 * `git(gitDir, args)` for a command whose answer depends only on `revisions` (`merge-base a b`,
 * `rev-list -1 <commit> -- <path>`). When each is a full object id the answer cannot change, since
 * objects never do: it is kept, and the next ask costs no process. A ref name or an abbreviated id
 * is asked every time. A failure is kept only when its exit code is in `settledExitCodes`
 * (`merge-base --is-ancestor` exits 1 for "no"); any other failure is asked again next time,
 * since a missing object may yet be written.
 */
export function gitOnObjects(
  gitDir: string,
  revisions: readonly string[],
  args: readonly string[],
  settledExitCodes: readonly number[] = [],
): Promise<Buffer> {
  if (!revisions.every((revision) => OBJECT_ID.test(revision))) return git(gitDir, args);
  const key = `${gitDir}\0${args.join('\0')}`;
  const known = answers.get(key);
  if (known) return known;
  if (answers.size >= MAX_ANSWERS) answers.clear();
  const asked = git(gitDir, args);
  answers.set(key, asked);
  asked.catch((error: unknown) => {
    const settled = error instanceof GitCommandError && settledExitCodes.includes(error.exitCode ?? -1);
    if (!settled && answers.get(key) === asked) answers.delete(key);
  });
  return asked;
}

/** `gitOnObjects` as trimmed text, for commands that print one value. */
export async function gitTextOnObjects(
  gitDir: string,
  revisions: readonly string[],
  args: readonly string[],
  settledExitCodes: readonly number[] = [],
): Promise<string> {
  return (await gitOnObjects(gitDir, revisions, args, settledExitCodes)).toString('utf8').trim();
}

/** Trimmed text output, for commands that print one value. */
export async function gitText(
  gitDir: string,
  args: readonly string[],
  options?: GitOptions,
): Promise<string> {
  return (await git(gitDir, args, options)).toString('utf8').trim();
}

export interface StoredObject {
  type: string;
  size: number;
  /** Present when the object is at most the `contentLimit` asked for. */
  content?: Buffer;
}

/**
 * One object through `git cat-file --batch`, in one process: its type and size, and its content
 * when it is at most `contentLimit` bytes; undefined when the repository lacks it. A larger object
 * is not read: the process is stopped once its header is in.
 */
export function catFileObject(
  gitDir: string,
  objectId: string,
  contentLimit: number,
): Promise<StoredObject | undefined> {
  const args = ['--git-dir', gitDir, 'cat-file', '--batch'];
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { env: gitEnvironment(), stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    const errors: Buffer[] = [];
    let received = 0;
    let header: { type: string; size: number; start: number } | undefined;
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      outcome();
      child.kill();
    };
    child.stdout.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
      if (header === undefined) {
        // The header line: `<id> <type> <size>`, or `<id> missing`.
        const start = Buffer.concat(chunks);
        chunks.splice(0, chunks.length, start);
        const end = start.indexOf(0x0a);
        if (end < 0) return;
        const [, type = '', size = ''] = start.subarray(0, end).toString('latin1').split(' ');
        if (size === '') return settle(() => resolve(undefined));
        header = { type, size: Number(size), start: end + 1 };
        if (header.size > contentLimit) return settle(() => resolve({ type, size: Number(size) }));
      }
      if (received >= header.start + header.size) {
        const { type, size, start } = header;
        const content = Buffer.concat(chunks).subarray(start, start + size);
        settle(() => resolve({ type, size, content }));
      }
    });
    child.stderr.on('data', (chunk: Buffer) => errors.push(chunk));
    child.on('error', (error) => settle(() => reject(error)));
    child.on('close', (code) =>
      settle(() => reject(new GitCommandError(args, code, Buffer.concat(errors).toString('utf8')))),
    );
    child.stdin.on('error', () => {
      // The exit status reports the failure; an early-closed stdin must not crash the process.
    });
    child.stdin.end(`${objectId}\n`);
  });
}
