/**
 * `node bench/cold-start.ts [--packages] [LogicalId...]`: what each function costs to start as
 * deployed. Builds with the template's settings (tooling/build.ts, as `sam build` does), then, in
 * fresh Node processes run with the NODE_OPTIONS the deployed function gets, times
 *
 *   - import: loading handler.mjs, what Lambda's Init phase does;
 *   - first event: the import plus the chunks the container loads for a typical first event (the
 *     configuration loader and the hosts; see FIRST_EVENT), which the first invocation pays.
 *
 * Wall time is what Lambda bills and reports, but it moves with whatever else the machine runs;
 * the CPU time of the process (all its threads) moves less, so both are printed. `--packages`
 * adds the largest packages in the handler bundle (esbuild's metafile). Figures are printed, never
 * asserted. BENCH_COLD_RUNS sets the number of processes (default 21).
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Metafile } from 'esbuild';
import { buildFunction, type FunctionBuild } from '../tooling/build.ts';
import {
  isObject,
  listFunctions,
  loadTemplate,
  PROJECT_ROOT,
  type SamFunction,
  type SamTemplate,
} from '../tooling/sam-template.ts';
import { median, ms, percentile } from './stats.ts';

const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 21);

/**
 * Modules each function imports on its first typical event (shared/runtime/container.ts): every
 * function reads the configuration and builds its git hosts; the branch flow and build reports add
 * the pull-request hosts, mirror-sync its metrics, reconcile the ECR registry. On Lambda the SDK
 * finds its credentials in the environment, so that provider loads with the first call.
 */
export const FIRST_EVENT: Record<string, string[]> = {
  ImageBumpFunction: ['shared/adapters/aws/ssm-config-loader.ts', 'shared/adapters/git-hosts.ts'],
  ReconcileFunction: [
    'shared/adapters/aws/ssm-config-loader.ts',
    'shared/adapters/git-hosts.ts',
    'shared/adapters/aws/ecr-registry.ts',
  ],
  BranchFlowFunction: [
    'shared/adapters/aws/ssm-config-loader.ts',
    'shared/adapters/git-hosts.ts',
    'shared/adapters/pull-request-hosts.ts',
  ],
  BuildReportFunction: [
    'shared/adapters/aws/ssm-config-loader.ts',
    'shared/adapters/git-hosts.ts',
    'shared/adapters/pull-request-hosts.ts',
  ],
  MirrorSyncFunction: [
    'shared/adapters/aws/ssm-config-loader.ts',
    'shared/adapters/git-hosts.ts',
    'shared/adapters/aws/powertools-metrics.ts',
  ],
};
const CREDENTIALS_FROM_ENV = 'node_modules/@aws-sdk/credential-provider-env/dist-es/index.js';

/**
 * The NODE_OPTIONS a deployed function runs with: its own variable, else the Globals one, and, as
 * `sam build` does for an esbuild function whose Sourcemap is set, `--enable-source-maps` added when
 * missing.
 */
export function deployedNodeOptions(template: SamTemplate, fn: SamFunction): string {
  const own = environmentOf(template.Resources[fn.logicalId]?.Properties);
  const global = environmentOf(template.Globals?.Function);
  const value = own?.NODE_OPTIONS ?? global?.NODE_OPTIONS ?? '';
  if (typeof value !== 'string') throw new Error(`${fn.logicalId}: NODE_OPTIONS is not a literal string`);
  const sourcemap = fn.buildProperties.Sourcemap;
  const samAddsFlag = sourcemap !== undefined && sourcemap !== false && sourcemap !== 'false';
  if (samAddsFlag && !value.split(/\s+/).includes('--enable-source-maps')) {
    return `${value} --enable-source-maps`.trim();
  }
  return value;
}

function environmentOf(properties: unknown): Record<string, unknown> | undefined {
  if (!isObject(properties) || !isObject(properties.Environment)) return undefined;
  return isObject(properties.Environment.Variables) ? properties.Environment.Variables : undefined;
}

/**
 * The environment a deployed function gets where the template writes it literally (Globals, then
 * the function's own), with NODE_OPTIONS as deployed; values set by intrinsics are left out.
 */
export function deployedEnvironment(template: SamTemplate, fn: SamFunction): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const source of [template.Globals?.Function, template.Resources[fn.logicalId]?.Properties]) {
    for (const [name, value] of Object.entries(environmentOf(source) ?? {})) {
      if (typeof value === 'string') variables[name] = value;
    }
  }
  return { ...variables, NODE_OPTIONS: deployedNodeOptions(template, fn) };
}

/** The output files (absolute paths) of the chunks that `modules` (paths relative to CodeUri) start. */
export function chunksOf(result: FunctionBuild, modules: string[]): string[] {
  const outputs = Object.entries(result.metafile?.outputs ?? {});
  return modules.flatMap((module) => {
    const output = outputs.find(([, meta]) => meta.entryPoint === module);
    return output ? [resolve(PROJECT_ROOT, output[0])] : [];
  });
}

export interface ColdStart {
  importMs: number[];
  importCpuMs: number[];
  firstEventMs: number[];
  firstEventCpuMs: number[];
}

/** `runs` fresh processes: each imports `handler`, then each of `chunks` in turn. */
export function coldStart(
  handler: string,
  chunks: string[],
  nodeOptions: string,
  runs = COLD_RUNS,
): ColdStart {
  const urls = [handler, ...chunks].map((file) => pathToFileURL(file).href);
  const script = [
    'const t = performance.now(); const c = process.cpuUsage();',
    'const cpu = () => { const u = process.cpuUsage(c); return (u.user + u.system) / 1000; };',
    `const [h, ...rest] = ${JSON.stringify(urls)};`,
    'await import(h); const a = [performance.now() - t, cpu()];',
    'for (const u of rest) await import(u);',
    'process.stdout.write(JSON.stringify([...a, performance.now() - t, cpu()]));',
  ].join('\n');
  const env = { ...process.env, NODE_OPTIONS: nodeOptions };
  const result: ColdStart = { importMs: [], importCpuMs: [], firstEventMs: [], firstEventCpuMs: [] };
  for (let i = 0; i < runs; i++) {
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env });
    if (run.status !== 0) throw new Error(`loading ${handler} failed: ${run.stderr}`);
    const [importMs, importCpuMs, firstEventMs, firstEventCpuMs] = JSON.parse(run.stdout) as number[];
    result.importMs.push(importMs ?? Number.NaN);
    result.importCpuMs.push(importCpuMs ?? Number.NaN);
    result.firstEventMs.push(firstEventMs ?? Number.NaN);
    result.firstEventCpuMs.push(firstEventCpuMs ?? Number.NaN);
  }
  return result;
}

/** Bytes of each package (or the project's own folder) in one output of the metafile. */
export function packagesIn(metafile: Metafile, outputFile: string): [string, number][] {
  const output = Object.entries(metafile.outputs).find(
    ([path]) => resolve(PROJECT_ROOT, path) === outputFile,
  )?.[1];
  const sizes = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    const name =
      /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? input.split('/').slice(0, 2).join('/');
    sizes.set(name, (sizes.get(name) ?? 0) + bytesInOutput);
  }
  return [...sizes].sort((a, b) => b[1] - a[1]);
}

/** Code files (no maps) the handler loads at import: itself and the chunks it imports statically. */
export function staticClosure(result: FunctionBuild, from: string[] = [result.handlerFile]): string[] {
  const outputs = result.metafile?.outputs ?? {};
  const byPath = new Map(Object.entries(outputs).map(([path, meta]) => [resolve(PROJECT_ROOT, path), meta]));
  const seen = new Set<string>();
  const queue = [...from];
  while (queue.length > 0) {
    const file = queue.shift() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const imported of byPath.get(file)?.imports ?? []) {
      if (imported.kind === 'import-statement' && !imported.external) {
        queue.push(resolve(PROJECT_ROOT, imported.path));
      }
    }
  }
  return [...seen];
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

async function main(args: string[]): Promise<void> {
  const showPackages = args.includes('--packages');
  const only = args.filter((arg) => !arg.startsWith('--'));
  const template = loadTemplate();
  const functions = listFunctions(template).filter((fn) => only.length === 0 || only.includes(fn.logicalId));
  console.log(`Node ${process.versions.node}, ${COLD_RUNS} fresh processes per function\n`);
  const rows = [
    '| function | handler.mjs | loaded at import | loaded by the first event | all code | import: wall (CPU) | first event: wall (CPU) |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const fn of functions) {
    const result = await buildFunction(fn);
    const sizeOf = new Map(result.files.map((file) => [file.path, file.bytes]));
    const bytes = (files: string[]) => files.reduce((sum, file) => sum + (sizeOf.get(file) ?? 0), 0);
    const code = result.files.filter((file) => !file.path.endsWith('.map')).map((file) => file.path);
    const maps = result.files.filter((file) => file.path.endsWith('.map')).map((file) => file.path);
    const firstChunks = chunksOf(result, [...(FIRST_EVENT[fn.logicalId] ?? []), CREDENTIALS_FROM_ENV]);
    const atImport = staticClosure(result);
    const atFirstEvent = staticClosure(result, [result.handlerFile, ...firstChunks]);
    const nodeOptions = deployedNodeOptions(template, fn);
    const cold = coldStart(result.handlerFile, firstChunks, nodeOptions);
    const figure = (wall: number[], cpu: number[]) => `${ms(median(wall))} (${ms(median(cpu))})`;
    console.log(`${fn.logicalId}  NODE_OPTIONS=${JSON.stringify(nodeOptions)}`);
    console.log(
      `  handler.mjs ${kib(bytes([result.handlerFile]))}; at import ${kib(bytes(atImport))} in ${atImport.length} files; first event ${kib(bytes(atFirstEvent))}; all code ${kib(bytes(code))} in ${code.length} files; maps ${kib(bytes(maps))}`,
    );
    console.log(
      `  import       median ${figure(cold.importMs, cold.importCpuMs)}, p90 ${ms(percentile(cold.importMs, 90))}`,
    );
    console.log(
      `  first event  median ${figure(cold.firstEventMs, cold.firstEventCpuMs)}, p90 ${ms(percentile(cold.firstEventMs, 90))}`,
    );
    if (showPackages && result.metafile) {
      for (const [name, size] of packagesIn(result.metafile, result.handlerFile).slice(0, 12)) {
        console.log(`    ${name.padEnd(44)} ${kib(size)}`);
      }
    }
    rows.push(
      `| ${fn.logicalId} | ${kib(bytes([result.handlerFile]))} | ${kib(bytes(atImport))} | ${kib(bytes(atFirstEvent))} | ${kib(bytes(code))} | ${figure(cold.importMs, cold.importCpuMs)} | ${figure(cold.firstEventMs, cold.firstEventCpuMs)} |`,
    );
  }
  console.log(`\n${rows.join('\n')}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main(process.argv.slice(2));
}
