import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type FunctionBundle, type Outcome, testRunCompileCache } from './index.ts';

const CHILD = fileURLToPath(new URL('./warm-child.mjs', import.meta.url));

/** A function process kept alive between invocations, as a warm Lambda container is. */
export interface WarmContainer {
  invoke(event: unknown): Promise<Outcome>;
  stop(): Promise<void>;
}

/** Start a container for `bundle`; resolves once the bundle is loaded (its cold start is behind it). */
export function startWarmContainer(
  bundle: FunctionBundle,
  env: Record<string, string>,
): Promise<WarmContainer> {
  const child: ChildProcess = fork(CHILD, [bundle.build.handlerFile, bundle.exportName], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      ...testRunCompileCache(),
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    // Node as Lambda starts it: not the test runner's own flags (`--require`, `--conditions`), which
    // fork() would pass on by default.
    execArgv: [],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-8000);
  });
  const pending = new Map<number, (outcome: Outcome) => void>();
  let next = 0;
  const container: WarmContainer = {
    invoke(event) {
      const id = ++next;
      return new Promise<Outcome>((resolve) => {
        pending.set(id, resolve);
        child.send({ id, event });
      });
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.disconnect();
      await exited;
    },
  };
  return new Promise((resolve, reject) => {
    child.on('message', (message: { ready?: true; id?: number; outcome?: Outcome }) => {
      if (message.ready) resolve(container);
      else if (message.id !== undefined && message.outcome) {
        pending.get(message.id)?.(message.outcome);
        pending.delete(message.id);
      }
    });
    child.once('exit', (code) => {
      const failure = new Error(`the function container exited (${code}): ${stderr}`);
      reject(failure);
      for (const resolvePending of pending.values()) {
        resolvePending({ ok: false, error: { name: 'ContainerExited', message: failure.message }, ms: 0 });
      }
    });
  });
}
