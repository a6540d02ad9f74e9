import { execFile } from 'node:child_process';
import { devNull } from 'node:os';

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

/** Like `git` but for commands that take no repository (`init`, `check-ref-format`). */
export function runGit(args: readonly string[], options: GitOptions = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      args,
      {
        encoding: 'buffer',
        maxBuffer: MAX_OUTPUT_BYTES,
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          GIT_CONFIG_NOSYSTEM: '1',
          GIT_CONFIG_GLOBAL: devNull,
          GIT_TERMINAL_PROMPT: '0',
          LC_ALL: 'C',
          ...options.env,
        },
      },
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

/** Trimmed text output, for commands that print one value. */
export async function gitText(
  gitDir: string,
  args: readonly string[],
  options?: GitOptions,
): Promise<string> {
  return (await git(gitDir, args, options)).toString('utf8').trim();
}
