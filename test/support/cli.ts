import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runCli as runCliWith } from '../../cli/run.ts';
import { withEnvironment } from './environment.ts';

const BIN = fileURLToPath(new URL('../../bin/flowkeeper.mjs', import.meta.url));

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** No configuration source unless a test names one. */
const NO_CONFIGURATION = { FLOWKEEPER_CONFIG_FILE: '', FLOWKEEPER_CONFIG_PARAMETER: '' };

/**
 * Run the operator CLI as a user does: `bin/flowkeeper.mjs` in a fresh Node process (the pinned
 * Node running the tests), with its exit code and streams.
 */
export function runCliProcess(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, ...NO_CONFIGURATION, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/**
 * Run the CLI in this process: the same commands the entry runs (cli/run.ts), with `env` in place
 * for the run and the environment restored after it, and each `invoke` on a cold handler, so a run
 * sees only its own configuration as a process of its own would. Runs in one process take turns.
 */
export async function runCli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await withEnvironment({ ...NO_CONFIGURATION, ...env }, () =>
    runCliWith(args, {
      out: (text) => {
        stdout += text;
      },
      err: (text) => {
        stderr += text;
      },
      coldHandlers: true,
    }),
  );
  return { code, stdout, stderr };
}
