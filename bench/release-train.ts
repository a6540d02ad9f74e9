/**
 * The release train: fifty images pushed at once onto one branch, as Lambda runs it, over the wire
 * (CodeCommit emulator with a fixed latency per call, moto for SSM and SQS). Both designs run in
 * the same process, on the same emulator, with the template's exact environment and the default
 * configuration (commit.maxAttempts as the schema defaults it):
 *
 * - per event: every event its own invocation, all fifty in flight at once; an invocation that
 *   throws is retried as Lambda retries an asynchronous invocation (after 1 and 2 minutes, scaled
 *   down by RETRY_SCALE), then goes to the failure queue;
 * - queued (as deployed): EventBridge puts the events on the FIFO image event queue and Lambda's
 *   event source hands one batch of up to ten at a time to a warm container.
 *
 * Then one push alone through the queue (event → commit), and a 100-file bump on one branch.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SQSClient } from '@aws-sdk/client-sqs';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { startEmulators } from '../test/support/emulators.ts';
import { ecrPushEvent } from '../test/support/events.ts';
import { createFifoEventSource } from '../test/support/fifo-event-source.ts';
import { buildBundle, invokeBundle, type Outcome } from '../test/support/function-process/index.ts';
import { startWarmContainer } from '../test/support/function-process/warm.ts';
import { listFunctions, loadTemplate } from '../tooling/sam-template.ts';
import { deployedEnvironment } from './cold-start.ts';
import { median, ms } from './stats.ts';

const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 30);
const IMAGES = 50;
const WIDE_FILES = 100;
const SINGLE_RUNS = Number(process.env.BENCH_SINGLE_RUNS ?? 10);
/** Lambda retries a failed asynchronous invocation after about 1 and then 2 minutes. */
const ASYNC_RETRY_DELAYS_MS = [60_000, 120_000];
const RETRY_SCALE = 60;

const pad = (n: number) => String(n).padStart(2, '0');

/** ImageBumpFunction's environment as the template deploys it (NODE_OPTIONS included). */
function templateEnvironment(): Record<string, string> {
  const template = loadTemplate();
  const fn = listFunctions(template).find((candidate) => candidate.logicalId === 'ImageBumpFunction');
  if (!fn) throw new Error('template.yaml has no ImageBumpFunction');
  return deployedEnvironment(template, fn);
}

export async function releaseTrainBench(): Promise<void> {
  const dist = await mkdtemp(join(tmpdir(), 'flowkeeper-bench-train-'));
  const emulators = await startEmulators();
  try {
    const bundle = await buildBundle('ImageBumpFunction', dist);
    const { codecommit, env } = emulators;
    const client = {
      endpoint: emulators.moto.endpoint,
      region: env.AWS_REGION,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    };
    const ssm = new SSMClient(client);
    const sqs = new SQSClient(client);
    const deployedEnv: Record<string, string> = {
      ...templateEnvironment(),
      ...env,
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    };
    let variant = 0;

    const burstRepository = async () => {
      variant += 1;
      const name = `train-${variant}`;
      const file = `apps/kustomization.yaml`;
      const images = Array.from({ length: IMAGES }, (_, i) => `img-${pad(i + 1)}`);
      await codecommit.createRepository(name, {
        main: {
          [file]: `images:\n${images.map((image) => `  - name: ${image}\n    newTag: 1.0.0\n`).join('')}`,
        },
      });
      const config = `repositories: { m: { provider: codecommit, name: ${name} } }\nimages:\n${images
        .map(
          (image) =>
            `  - ecr: ${image}\n    update: [{ repository: m, branch: main, file: ${file}, kind: kustomize, image: ${image} }]`,
        )
        .join('\n')}\n`;
      await ssm.send(
        new PutParameterCommand({ Name: `/bench/${name}`, Value: config, Type: 'String', Overwrite: true }),
      );
      const events = images.map((image) => ecrPushEvent({ 'repository-name': image, 'image-tag': '2.0.0' }));
      return { env: { ...deployedEnv, FLOWKEEPER_CONFIG_PARAMETER: `/bench/${name}` }, events };
    };
    const stats = (from: number) => {
      const calls = codecommit.calls.slice(from);
      const attempts = calls.filter((c) => c.operation === 'CreateCommit').length;
      const commits = calls.filter((c) => c.operation === 'CreateCommit' && c.status === 200).length;
      return { calls: calls.length, attempts, commits };
    };

    codecommit.faults.setLatency(LATENCY_MS);
    console.log(
      `\nRelease train: ${IMAGES} images pushed at once onto one branch (${LATENCY_MS} ms per CodeCommit call, template environment NODE_OPTIONS="${deployedEnv.NODE_OPTIONS ?? ''}", default maxAttempts)`,
    );

    // Per event, the design before the queue: fifty invocations in flight at once.
    {
      const { env: runEnv, events } = await burstRepository();
      const from = codecommit.calls.length;
      const started = performance.now();
      let pending = events;
      let firstTry = 0;
      for (let delivery = 0; delivery <= ASYNC_RETRY_DELAYS_MS.length && pending.length > 0; delivery++) {
        if (delivery > 0) await sleep((ASYNC_RETRY_DELAYS_MS[delivery - 1] ?? 0) / RETRY_SCALE);
        const outcomes: Outcome[] = await invokeBundle(bundle, pending, {
          env: runEnv,
          concurrency: pending.length,
        });
        if (delivery === 0) firstTry = outcomes.filter((outcome) => outcome.ok).length;
        pending = pending.filter((_, i) => !outcomes[i]?.ok);
      }
      const wall = performance.now() - started;
      const s = stats(from);
      console.log(
        `  per event (before)   wall ${ms(wall)} (retries after 1 and 2 min scaled 1/${RETRY_SCALE}), ${s.commits} commits, ` +
          `${s.attempts} CreateCommit attempts, ${s.calls} API calls, ${firstTry}/${IMAGES} landed on the first try, ` +
          `${pending.length} to the failure queue`,
      );
    }

    // Queued, as deployed.
    {
      const { env: runEnv, events } = await burstRepository();
      const container = await startWarmContainer(bundle, runEnv);
      try {
        const source = await createFifoEventSource({
          sqs,
          name: `bench-train-${variant}`,
          retryDelayMs: 6000,
        });
        const from = codecommit.calls.length;
        const started = performance.now();
        await source.send(events);
        const report = await source.drain((event) => container.invoke(event));
        const wall = performance.now() - started;
        const s = stats(from);
        const failedFirst = new Set(report.invocations.flatMap((invocation) => invocation.failed));
        console.log(
          `  queued (deployed)    wall ${ms(wall)} (FIFO queue, batches of 10, no batching window; queue send included), ` +
            `${report.invocations.length} batches, ${s.commits} commits, ${s.attempts} CreateCommit attempts, ${s.calls} API calls, ` +
            `${IMAGES - failedFirst.size}/${IMAGES} landed on the first try, ${report.deadLettered.length} to the dead-letter queue`,
        );

        // One push alone, through the queue: from the send to the function's answer (the commit landed).
        const single: number[] = [];
        for (let i = 0; i < SINGLE_RUNS; i++) {
          const event = ecrPushEvent({ 'repository-name': 'img-01', 'image-tag': `3.0.${i}` });
          const t = performance.now();
          await source.send([event]);
          await source.drain((batch) => container.invoke(batch));
          single.push(performance.now() - t);
        }
        console.log(
          `  one push alone       event → commit median ${ms(median(single))} over ${SINGLE_RUNS} pushes (queue hop on moto included, warm container)`,
        );
      } finally {
        await container.stop();
      }
    }

    // A hundred files of one image on one branch.
    {
      variant += 1;
      const name = `wide-${variant}`;
      const files = Object.fromEntries(
        Array.from({ length: WIDE_FILES }, (_, i) => [
          `apps/s${pad(i + 1)}/kustomization.yaml`,
          'images:\n  - name: wide\n    newTag: 1.0.0\n',
        ]),
      );
      await codecommit.createRepository(name, { main: files });
      const config = `repositories: { m: { provider: codecommit, name: ${name} } }\nimages:\n  - ecr: wide\n    update:\n${Object.keys(
        files,
      )
        .map((file) => `      - { repository: m, branch: main, file: ${file}, kind: kustomize, image: wide }`)
        .join('\n')}\n`;
      await ssm.send(
        new PutParameterCommand({ Name: `/bench/${name}`, Value: config, Type: 'String', Overwrite: true }),
      );
      const runEnv = { ...deployedEnv, FLOWKEEPER_CONFIG_PARAMETER: `/bench/${name}` };
      const container = await startWarmContainer(bundle, runEnv);
      try {
        await container.invoke(ecrPushEvent({ 'repository-name': 'unconfigured', 'image-tag': '1.0.0' }));
        const from = codecommit.calls.length;
        const outcome = await container.invoke(
          ecrPushEvent({ 'repository-name': 'wide', 'image-tag': '2.0.0' }),
        );
        if (!outcome.ok) throw new Error(`the 100-file bump failed: ${outcome.error.message}`);
        const s = stats(from);
        console.log(
          `  ${WIDE_FILES} files, one branch   ${ms(outcome.ms)} for one bump (${s.calls} API calls: reads after the first 10 at a time, ${s.commits} commit)`,
        );
      } finally {
        await container.stop();
      }
    }
    codecommit.faults.reset();
    ssm.destroy();
    sqs.destroy();
  } finally {
    await emulators.stop();
    await rm(dist, { recursive: true, force: true });
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

if (import.meta.url === `file://${process.argv[1]}`) await releaseTrainBench();
