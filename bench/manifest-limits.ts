/**
 * `node bench/manifest-limits.ts`: what one bump costs on large manifests of each shape (a list of
 * small maps, one flat map, JSON arrays and objects), at 100 KB, 1 MB and 5 MB: wall time and peak
 * memory of planning the bump (read the current value, decide, write, self-check), each case in a
 * fresh Node process whose old space is capped the way Lambda caps it, printed against the memory
 * and timeout ImageBumpFunction has in template.yaml. Figures are printed, never asserted.
 *
 * `BENCH_LIMIT_SIZES=100000,1000000` picks the sizes (default: 100 KB, 1 MB, 5 MB and just under
 * the YAML and JSON limits); `BENCH_LIMIT_TIMEOUT_S` caps each case (120).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ManifestError } from '../shared/domain/errors.ts';
import { currentTags, planBranch } from '../shared/domain/plan-branch.ts';
import type { TagPolicy } from '../shared/domain/tag-policy.ts';
import type { FileTarget } from '../shared/domain/targets.ts';
import { loadTemplate, type TemplateObject } from '../tooling/sam-template.ts';

const SHAPES = {
  'yaml: list of small maps': { file: 'values.yaml', build: yamlList },
  'yaml: one flat map': { file: 'values.yaml', build: yamlFlatMap },
  'json: imagedefinitions array': { file: 'imagedefinitions.json', build: jsonArray },
  'json: imageDetail object': { file: 'imageDetail.json', build: jsonObject },
} as const;
type Shape = keyof typeof SHAPES;

const POLICY: TagPolicy = {
  ordering: { kind: 'semver', range: '*', prerelease: false },
  include: [],
  exclude: [],
};
const IMAGE = { ecr: 'app', name: '111122223333.dkr.ecr.eu-west-1.amazonaws.com/app', tag: '1.4.2' };
const base = { repository: 'manifests', branch: 'main', setName: false } as const;

function targetFor(shape: Shape): FileTarget {
  const file = SHAPES[shape].file;
  if (shape === 'json: imagedefinitions array')
    return { ...base, file, kind: 'imagedefinitions', container: 'web' };
  if (shape === 'json: imageDetail object') return { ...base, file, kind: 'imagedetail' };
  return {
    ...base,
    file,
    kind: 'helm',
    path: 'image',
    tagKey: 'tag',
    repositoryKey: 'repository',
    digestKey: 'digest',
  };
}

/** `image:` first, then small maps of two keys until `bytes`. */
function yamlList(bytes: number): string {
  const parts = ['image:\n  repository: registry.example.com/app\n  tag: "1.4.1"\nitems:\n'];
  let size = parts[0]!.length;
  for (let i = 0; size < bytes; i++) {
    const item = `  - name: item-${i}\n    value: v${i}\n`;
    parts.push(item);
    size += item.length;
  }
  return parts.join('');
}

/** One mapping of short keys (a values file with thousands of settings), the image at its end. */
function yamlFlatMap(bytes: number): string {
  const parts: string[] = [];
  let size = 80;
  for (let i = 0; size < bytes; i++) {
    const line = `key${i}: value${i}\n`;
    parts.push(line);
    size += line.length;
  }
  parts.push('image:\n  repository: registry.example.com/app\n  tag: "1.4.1"\n');
  return parts.join('');
}

function jsonArray(bytes: number): string {
  const parts = ['[\n  { "name": "web", "imageUri": "registry.example.com/app:1.4.1" }'];
  let size = parts[0]!.length;
  for (let i = 0; size < bytes; i++) {
    const entry = `,\n  { "name": "c${i}", "imageUri": "registry.example.com/c${i}:1.0.0" }`;
    parts.push(entry);
    size += entry.length;
  }
  parts.push('\n]\n');
  return parts.join('');
}

function jsonObject(bytes: number): string {
  const parts = ['{\n  "ImageURI": "registry.example.com/app:1.4.1"'];
  let size = parts[0]!.length;
  for (let i = 0; size < bytes; i++) {
    const entry = `,\n  "key${i}": "value${i}"`;
    parts.push(entry);
    size += entry.length;
  }
  parts.push('\n}\n');
  return parts.join('');
}

interface Outcome {
  ms: number;
  /** CPU time (user + system): what Lambda's share of a vCPU stretches; wall time moves with the machine's load. */
  cpuMs: number;
  maxRssMb: number;
  baselineRssMb: number;
  result: string;
}

/** Child: build the manifest, then plan one bump on it as ImageBumpFunction does. */
function runCase(shape: Shape, bytes: number): Outcome {
  const text = SHAPES[shape].build(bytes);
  const target = targetFor(shape);
  const files = new Map([[target.file, text]]);
  const baselineRssMb = process.memoryUsage().rss / 2 ** 20;
  const started = performance.now();
  const cpu = process.cpuUsage();
  let result: string;
  try {
    currentTags([target], files);
    const plan = planBranch({ policy: POLICY, digest: 'ignore', targets: [target], files, image: IMAGE });
    const change = plan.changes[0];
    result = change ? `bumped ${change.from} → ${change.to}` : `skipped: ${plan.skips[0]?.reason}`;
  } catch (error) {
    if (!(error instanceof ManifestError)) throw error;
    result = `refused: ${error.message.slice(0, 140)}`;
  }
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000;
  return { ms, cpuMs, maxRssMb: process.resourceUsage().maxRSS / 1024, baselineRssMb, result };
}

function lambdaLimits(): { memoryMb: number; timeoutS: number } {
  const template = loadTemplate();
  const globals = (template.Globals?.Function ?? {}) as TemplateObject;
  const own = (template.Resources.ImageBumpFunction?.Properties ?? {}) as TemplateObject;
  return {
    memoryMb: Number(own.MemorySize ?? globals.MemorySize ?? 128),
    timeoutS: Number(own.Timeout ?? globals.Timeout ?? 3),
  };
}

const mb = (value: number) => `${value.toFixed(0)} MB`;
const seconds = (ms: number) => (ms < 1000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(1)} s`);

function main(): void {
  const [caseShape, caseBytes] = process.argv.slice(2);
  if (caseShape !== undefined) {
    process.stdout.write(JSON.stringify(runCase(caseShape as Shape, Number(caseBytes))));
    return;
  }
  const { memoryMb, timeoutS } = lambdaLimits();
  // Lambda gives a function CPU in proportion to its memory: one vCPU at 1,769 MB.
  const cpuShare = Math.min(1, memoryMb / 1769);
  // Heap sizes as a Lambda-sized Node: old space 90% of the memory, a 16 MB semi-space (Node's
  // own default on this machine sizes the young generation for a large host, not for 256 MB).
  const oldSpaceMb = Math.floor(memoryMb * 0.9);
  const nodeFlags = [`--max-old-space-size=${oldSpaceMb}`, '--max-semi-space-size=16'];
  // 100 KB, 1 MB and 5 MB of each shape, and each format just under its limit.
  const sizes = (process.env.BENCH_LIMIT_SIZES ?? '100000,740000,1000000,2990000,5000000')
    .split(',')
    .map(Number);
  const caseTimeoutS = Number(process.env.BENCH_LIMIT_TIMEOUT_S ?? 120);
  console.log(
    `Node ${process.versions.node}; ImageBumpFunction: ${memoryMb} MB, ${timeoutS} s timeout (template.yaml);` +
      ` each case in a fresh process (${nodeFlags.join(' ')}).` +
      ` "at ${memoryMb} MB" is the CPU time stretched by the share of a vCPU Lambda gives that memory (${(cpuShare * 100).toFixed(1)}%).\n`,
  );
  console.log(
    "| manifest | size | wall | CPU | CPU at Lambda's share | peak RSS (baseline) | fits | outcome |",
  );
  console.log('|---|---|---|---|---|---|---|---|');
  for (const shape of Object.keys(SHAPES) as Shape[]) {
    for (const bytes of sizes) {
      const child = spawnSync(
        process.execPath,
        [...nodeFlags, fileURLToPath(import.meta.url), shape, String(bytes)],
        { encoding: 'utf8', timeout: caseTimeoutS * 1000, maxBuffer: 2 ** 20 },
      );
      const size = bytes >= 1e6 ? `${bytes / 1e6} MB` : `${bytes / 1e3} KB`;
      if (child.status !== 0 || child.error) {
        const why = child.error
          ? `did not finish in ${caseTimeoutS} s`
          : /heap out of memory|Allocation failed/.test(child.stderr)
            ? 'ran out of heap'
            : `failed: ${child.stderr.trim().split('\n').at(-1)}`;
        console.log(`| ${shape} | ${size} | – | – | – | – | **no** | ${why} |`);
        continue;
      }
      const outcome = JSON.parse(child.stdout) as Outcome;
      const lambdaMs = outcome.cpuMs / cpuShare;
      const refused = outcome.result.startsWith('refused');
      const fits = refused
        ? 'refused at once'
        : outcome.maxRssMb < memoryMb && lambdaMs < timeoutS * 1000
          ? 'yes'
          : '**no**';
      console.log(
        `| ${shape} | ${size} | ${seconds(outcome.ms)} | ${seconds(outcome.cpuMs)} | ${seconds(lambdaMs)} | ${mb(outcome.maxRssMb)} (${mb(outcome.baselineRssMb)}) | ${fits} | ${outcome.result.replaceAll('|', '\\|')} |`,
      );
    }
  }
}

main();
