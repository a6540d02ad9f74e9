import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildFunction, type FunctionBuild } from '../../../tooling/build.ts';
import {
  handlerExport,
  listFunctions,
  loadTemplate,
  type SamFunction,
} from '../../../tooling/sam-template.ts';

const CHILD = fileURLToPath(new URL('./child.mjs', import.meta.url));

export type Outcome =
  | { ok: true; result: unknown; ms: number }
  | { ok: false; error: { name: string; message: string }; ms: number };

export interface FunctionBundle {
  logicalId: string;
  build: FunctionBuild;
  exportName: string;
}

/**
 * Set by the test run's global setup: the directory where each function is bundled once per run,
 * by the first test file that asks for it; the others wait for that build and reuse it.
 */
export const SHARED_BUNDLES_ENV = 'FLOWKEEPER_TEST_BUNDLES_DIR';

const SHARED_BUILD_TIMEOUT_MS = 120_000;

/**
 * Build a template function with its own esbuild settings into `distDir`, or, in a test run, into
 * the run's shared bundle directory once for every file.
 */
export async function buildBundle(logicalId: string, distDir: string): Promise<FunctionBundle> {
  const fn = listFunctions(loadTemplate()).find((candidate) => candidate.logicalId === logicalId);
  if (!fn) throw new Error(`no function ${logicalId} in template.yaml`);
  const shared = process.env[SHARED_BUNDLES_ENV];
  const build = shared ? await sharedBuild(fn, shared) : await buildFunction(fn, { distDir });
  return { logicalId, build, exportName: handlerExport(fn.handler) };
}

/** The run's one build of `fn`: made here when no other file started it, else awaited. */
async function sharedBuild(fn: SamFunction, root: string): Promise<FunctionBuild> {
  const lock = join(root, `${fn.logicalId}.building`);
  const done = join(root, `${fn.logicalId}.json`);
  const deadline = Date.now() + SHARED_BUILD_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const finished = await readFile(done, 'utf8').catch(() => undefined);
    if (finished !== undefined) return JSON.parse(finished) as FunctionBuild;
    const claimed = await mkdir(lock).then(
      () => true,
      () => false,
    );
    if (claimed) {
      try {
        const build = await buildFunction(fn, { distDir: root });
        await writeFile(`${done}.tmp`, JSON.stringify(build));
        await rename(`${done}.tmp`, done);
        return build;
      } catch (error) {
        // Let a waiting file try again rather than wait for a build that will never come.
        await rm(lock, { recursive: true, force: true });
        throw error;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(
    `the shared build of ${fn.logicalId} did not finish within ${SHARED_BUILD_TIMEOUT_MS / 1000} s`,
  );
}

export interface InvokeOptions {
  /** Environment of the process (endpoints, credentials, configuration); POWERTOOLS logs are silenced. */
  env: Record<string, string>;
  /** Invocations in flight at once inside the process (a Lambda container has one; bursts use several processes). */
  concurrency?: number;
  /**
   * One cold container per event, in turn, each with its own environment on top of `env`: what
   * one process per event would do (a container reads its configuration once), in one process.
   */
  coldEnvs?: Record<string, string>[];
}

/** Invoke the bundle on `events` in one fresh Node process; resolves with one outcome per event. */
export async function invokeBundle(
  bundle: FunctionBundle,
  events: unknown[],
  options: InvokeOptions,
): Promise<Outcome[]> {
  return (await invokeBundleWithOutput(bundle, events, options)).outcomes;
}

/** `invokeBundle`, also answering what the process printed (EMF metrics and logs on stdout). */
export async function invokeBundleWithOutput(
  bundle: FunctionBundle,
  events: unknown[],
  options: InvokeOptions,
): Promise<{ outcomes: Outcome[]; stdout: string; stderr: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'flowkeeper-invoke-'));
  try {
    const request = join(dir, 'request.json');
    const results = join(dir, 'results.json');
    await writeFile(
      request,
      JSON.stringify({
        bundle: bundle.build.handlerFile,
        exportName: bundle.exportName,
        events,
        concurrency: options.concurrency ?? 1,
        ...(options.coldEnvs ? { coldEnvs: options.coldEnvs } : {}),
      }),
    );
    const { stderr, stdout } = await run(process.execPath, [CHILD, request, results], {
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      ...options.env,
    });
    try {
      return { outcomes: JSON.parse(await readFile(results, 'utf8')) as Outcome[], stdout, stderr };
    } catch {
      throw new Error(`the function process wrote no results: ${stderr}`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * In a test run, function processes keep Node's compile cache beside the run's bundles: the tests
 * start hundreds of them, and none times its cold start. Benchmarks, which do, never set it.
 */
export function testRunCompileCache(): Record<string, string> {
  const shared = process.env[SHARED_BUNDLES_ENV];
  return shared ? { NODE_COMPILE_CACHE: join(shared, '.node-compile-cache') } : {};
}

function run(
  command: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ stderr: string; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...testRunCompileCache(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-8000);
    });
    child.stdout.on('data', (chunk: Buffer) => {
      stdout = (stdout + chunk.toString()).slice(-200_000);
    });
    child.on('error', reject);
    child.on('close', () => resolve({ stderr, stdout }));
  });
}
