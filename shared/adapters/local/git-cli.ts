import { spawn } from 'node:child_process';

export interface GitRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface GitOptions {
  /** Passed as `--git-dir`; commands run without a shell. */
  gitDir?: string;
  /** Passed as `-C` (for worktree commands). */
  cwd?: string;
  input?: string;
  env?: Record<string, string>;
}

const gitEnv = (extra?: Record<string, string>): NodeJS.ProcessEnv => ({
  ...process.env,
  GIT_TERMINAL_PROMPT: '0',
  LC_ALL: 'C',
  ...extra,
});

/** Run git without a shell; resolves with the exit code instead of throwing. */
export function runGit(args: string[], options: GitOptions = {}): Promise<GitRun> {
  const prefix: string[] = [];
  if (options.cwd) prefix.push('-C', options.cwd);
  if (options.gitDir) prefix.push('--git-dir', options.gitDir);
  return new Promise((resolve, reject) => {
    const child = spawn('git', [...prefix, ...args], {
      env: gitEnv(options.env),
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        code: code ?? 1,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
    if (child.stdin) {
      // git may exit before reading all of its input (an error it reports on stderr): not our failure.
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.input);
    }
  });
}

/** Run git and return trimmed stdout; throws with git's own message on failure. */
export async function git(args: string[], options: GitOptions = {}): Promise<string> {
  const run = await runGit(args, options);
  if (run.code !== 0) {
    throw new Error(`git ${args[0]} failed: ${run.stderr.trim() || `exit ${run.code}`}`);
  }
  return run.stdout.replace(/\n$/, '');
}

/** An object `git cat-file --batch` printed. */
export interface BatchObject {
  oid: string;
  type: string;
  content: Buffer;
}

/** One `git cat-file --batch` process, asked one object name (a line) at a time. */
export interface CatFileBatch {
  /** The object `name` resolves to, or undefined when it resolves to none. */
  get(name: string): Promise<BatchObject | undefined>;
  /** Ends the input and waits for git to exit. */
  close(): Promise<void>;
}

interface Waiter {
  resolve(object: BatchObject | undefined): void;
  reject(error: Error): void;
}

/**
 * Starts `git cat-file --batch`. Answers come back in the order of the questions and git flushes
 * each one, so a caller may wait for an answer before asking the next (a branch head, then files
 * at that head, from one process and one reading of the ref).
 */
export function openCatFileBatch(gitDir: string): CatFileBatch {
  const child = spawn('git', ['--git-dir', gitDir, 'cat-file', '--batch'], {
    env: gitEnv(),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const waiters: Waiter[] = [];
  let output: Buffer = Buffer.alloc(0);
  let stderr = '';
  let failure: Error | undefined;
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));

  const fail = (error: Error): void => {
    failure ??= error;
    for (const waiter of waiters.splice(0)) waiter.reject(failure);
  };
  child.stdout.on('data', (chunk: Buffer) => {
    output = output.length === 0 ? chunk : Buffer.concat([output, chunk]);
    output = answerWaiters(output, waiters);
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  child.on('error', fail);
  child.on('close', (code) => fail(new Error(`git cat-file failed: ${stderr.trim() || `exit ${code}`}`)));
  child.stdin.on('error', () => undefined);

  return {
    get(name) {
      if (name.includes('\n')) return Promise.reject(new Error('an object name cannot hold a line break'));
      return new Promise((resolve, reject) => {
        if (failure) return reject(failure);
        waiters.push({ resolve, reject });
        child.stdin.write(`${name}\n`);
      });
    },
    async close() {
      child.stdin.end();
      await exited;
    },
  };
}

/** Hands each complete answer in `output` to the next waiter; returns what is left. */
function answerWaiters(output: Buffer, waiters: Waiter[]): Buffer {
  let rest = output;
  for (;;) {
    const waiter = waiters[0];
    const lineEnd = rest.indexOf(0x0a);
    if (waiter === undefined || lineEnd < 0) return rest;
    // `<oid> <type> <size>`, then the content and LF; anything else is `<name> missing` (or ambiguous).
    const found = /^([0-9a-f]{40,64}) (\S+) (\d+)$/.exec(rest.subarray(0, lineEnd).toString('utf8'));
    if (!found) {
      waiters.shift();
      waiter.resolve(undefined);
      rest = rest.subarray(lineEnd + 1);
      continue;
    }
    const [, oid = '', type = '', size = ''] = found;
    const end = lineEnd + 1 + Number(size);
    if (rest.length < end + 1) return rest;
    waiters.shift();
    waiter.resolve({ oid, type, content: Buffer.from(rest.subarray(lineEnd + 1, end)) });
    rest = rest.subarray(end + 1);
  }
}
