/**
 * `npm run bench`: per function, the minified bundle size, cold init time (fresh Node processes
 * loading the bundle) and, for ImageBumpFunction, bump latency against a local repository; then
 * the figures over the wire (CodeCommit, and a GitLab primary with its CodeCommit mirror).
 * Figures are printed, never asserted.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createExampleRepository } from '../cli/example-repo.ts';
import { buildAll } from '../tooling/build.ts';
import { discoveryBench } from './discovery.ts';
import { gitlabBench } from './gitlab.ts';
import { releaseTrainBench } from './release-train.ts';
import { median, ms, percentile } from './stats.ts';
import { wireBench } from './wire.ts';

const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 21);
const BUMP_EVENTS = Number(process.env.BENCH_BUMP_EVENTS ?? 200);

type Handler = (event: unknown, context: unknown) => Promise<{ actions: { type: string }[] }>;

const builds = await buildAll();
console.log(`Node ${process.versions.node}, ${new Date().toISOString()}\n`);

for (const build of builds) {
  const bytes = statSync(build.handlerFile).size;
  console.log(`${build.logicalId}`);
  console.log(`  bundle (minified)     ${(bytes / 1024).toFixed(1)} KiB (${bytes} bytes)`);
  const cold = coldInit(build.handlerFile);
  console.log(
    `  cold init, import     median ${ms(median(cold.importMs))}, p90 ${ms(percentile(cold.importMs, 90))} (${COLD_RUNS} fresh processes)`,
  );
  console.log(`  cold init, process    median ${ms(median(cold.processMs))} (node start + import + exit)`);
  if (build.logicalId === 'ImageBumpFunction') await bumpLatency(build.handlerFile);
}

await wireBench();
await releaseTrainBench();
await gitlabBench();
await discoveryBench();

function coldInit(file: string) {
  const url = pathToFileURL(file).href;
  const script = `const t = performance.now(); await import(${JSON.stringify(url)}); process.stdout.write(String(performance.now() - t));`;
  const importMs: number[] = [];
  const processMs: number[] = [];
  for (let i = 0; i < COLD_RUNS; i++) {
    const started = performance.now();
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    processMs.push(performance.now() - started);
    if (run.status !== 0) throw new Error(`loading ${file} failed: ${run.stderr}`);
    importMs.push(Number(run.stdout));
  }
  return { importMs, processMs };
}

async function bumpLatency(file: string): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'flowkeeper-bench-'));
  try {
    const example = await createExampleRepository(dir);
    process.env.FLOWKEEPER_CONFIG_FILE = example.config;
    process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
    const { handler } = (await import(pathToFileURL(file).href)) as { handler: Handler };
    const template = JSON.parse(
      readFileSync(new URL('../events/ecr-push-semver.json', import.meta.url), 'utf8'),
    );
    const context = { functionName: 'bench', awsRequestId: 'bench', getRemainingTimeInMillis: () => 60_000 };
    const event = (tag: string) => ({
      ...template,
      id: randomUUID(),
      detail: { ...template.detail, 'image-tag': tag },
    });

    const commits: number[] = [];
    for (let i = 0; i < BUMP_EVENTS; i++) {
      const started = performance.now();
      const result = await handler(event(`1.5.${i}`), context);
      commits.push(performance.now() - started);
      if (result.actions[0]?.type !== 'commit')
        throw new Error(`event ${i} did not commit: ${JSON.stringify(result)}`);
    }
    const noops: number[] = [];
    for (let i = 0; i < BUMP_EVENTS; i++) {
      const started = performance.now();
      await handler(event(`1.5.${BUMP_EVENTS - 1}`), context);
      noops.push(performance.now() - started);
    }
    console.log(
      `  bump, local git       median ${ms(median(commits))}, p99 ${ms(percentile(commits, 99))} (${BUMP_EVENTS} events, 4 targets in one commit each)`,
    );
    console.log(
      `  no-op replay          median ${ms(median(noops))}, p99 ${ms(percentile(noops, 99))} (${BUMP_EVENTS} events)`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
