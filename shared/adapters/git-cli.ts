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

/** Run git without a shell; resolves with the exit code instead of throwing. */
export function runGit(args: string[], options: GitOptions = {}): Promise<GitRun> {
  const prefix: string[] = [];
  if (options.cwd) prefix.push('-C', options.cwd);
  if (options.gitDir) prefix.push('--git-dir', options.gitDir);
  return new Promise((resolve, reject) => {
    const child = spawn('git', [...prefix, ...args], {
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', ...options.env },
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
