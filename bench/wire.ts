/**
 * Figures over the wire: the ImageBumpFunction bundle in fresh Node processes against moto (SSM)
 * and the CodeCommit emulator. API calls per event (CodeCommit calls from the emulator's log; the
 * configuration is one SSM call per container and TTL, not per event), latency with injected
 * per-call latency next to its floor. The burst of many images onto one branch is in
 * release-train.ts.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { startEmulators } from '../test/support/emulators.ts';
import { ecrPushEvent } from '../test/support/events.ts';
import { buildBundle, invokeBundle, type Outcome } from '../test/support/function-process/index.ts';
import { countedNames, median, ms, percentile } from './stats.ts';

const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 30);
const LATENCY_EVENTS = Number(process.env.BENCH_LATENCY_EVENTS ?? 100);

export async function wireBench(): Promise<void> {
  const dist = await mkdtemp(join(tmpdir(), 'flowkeeper-bench-dist-'));
  const emulators = await startEmulators();
  try {
    const bundle = await buildBundle('ImageBumpFunction', dist);
    const { codecommit, env } = emulators;
    const ssm = new SSMClient({
      endpoint: emulators.moto.endpoint,
      region: env.AWS_REGION,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const useConfig = async (name: string, yaml: string) => {
      await ssm.send(new PutParameterCommand({ Name: name, Value: yaml, Type: 'String', Overwrite: true }));
      return { ...env, FLOWKEEPER_CONFIG_PARAMETER: name };
    };
    const callsDuring = async (work: () => Promise<Outcome[]>) => {
      const before = codecommit.calls.length;
      const outcomes = await work();
      for (const outcome of outcomes)
        if (!outcome.ok) throw new Error(`invocation failed: ${outcome.error.message}`);
      return { outcomes, calls: codecommit.calls.slice(before) };
    };

    // One repository with a single-target image and a four-file image on one branch.
    await codecommit.createRepository('bench-manifests', {
      main: {
        'single/kustomization.yaml': 'images:\n  - name: single\n    newTag: 1.0.0\n',
        'multi/kustomization.yaml': 'images:\n  - name: multi\n    newTag: 1.0.0\n',
        'multi/values.yaml': 'image:\n  repository: multi\n  tag: "1.0.0"\n',
        'multi/imagedefinitions.json': '[{ "name": "web", "imageUri": "multi:1.0.0" }]\n',
        'multi/deployment.yaml':
          'spec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: multi:1.0.0\n',
      },
    });
    const config = `
repositories: { m: { provider: codecommit, name: bench-manifests } }
images:
  - ecr: single
    update: [{ repository: m, branch: main, file: single/kustomization.yaml, kind: kustomize, image: single }]
  - ecr: multi
    update:
      - { repository: m, branch: main, file: multi/kustomization.yaml, kind: kustomize, image: multi }
      - { repository: m, branch: main, file: multi/values.yaml, kind: helm, path: image }
      - { repository: m, branch: main, file: multi/imagedefinitions.json, kind: imagedefinitions, container: web }
      - { repository: m, branch: main, file: multi/deployment.yaml, kind: kubernetes, container: web }
`;
    const benchEnv = await useConfig('/bench/config', config);
    const push = (repository: string, tag: string) =>
      ecrPushEvent({ 'repository-name': repository, 'image-tag': tag });

    console.log(
      '\nImageBumpFunction over the wire (bundle in a fresh Node process, moto + CodeCommit emulator)',
    );
    // Warm the container's configuration cache so per-event counts are per event.
    const single = await callsDuring(() =>
      invokeBundle(bundle, [push('other', '1.0.0'), push('single', '1.1.0')], { env: benchEnv }),
    );
    const multi = await callsDuring(() => invokeBundle(bundle, [push('multi', '1.1.0')], { env: benchEnv }));
    const noop = await callsDuring(() => invokeBundle(bundle, [push('single', '1.1.0')], { env: benchEnv }));
    console.log(
      `  API calls, single-file bump   ${countedNames(single.calls.map((call) => call.operation))}`,
    );
    console.log(`  API calls, four-file bump     ${countedNames(multi.calls.map((call) => call.operation))}`);
    console.log(`  API calls, no-op replay       ${countedNames(noop.calls.map((call) => call.operation))}`);

    const baseline = await callsDuring(() =>
      invokeBundle(
        bundle,
        Array.from({ length: 20 }, (_, i) => push('single', `1.9.${i}`)),
        { env: benchEnv },
      ),
    );
    const baselineTimes = baseline.outcomes.slice(1).map((outcome) => outcome.ms);
    console.log(
      `  latency, emulator as is       median ${ms(median(baselineTimes))} (the emulator's own git work per bump)`,
    );
    codecommit.faults.setLatency(LATENCY_MS);
    const events = Array.from({ length: LATENCY_EVENTS }, (_, i) => push('single', `2.0.${i}`));
    const timed = await callsDuring(() => invokeBundle(bundle, events, { env: benchEnv }));
    const times = timed.outcomes.slice(1).map((outcome) => outcome.ms);
    const callsPerEvent = timed.calls.length / LATENCY_EVENTS;
    console.log(
      `  latency, ${LATENCY_MS} ms per API call   median ${ms(median(times))}, p99 ${ms(percentile(times, 99))} ` +
        `(${LATENCY_EVENTS} sequential bumps; floor ${callsPerEvent.toFixed(1)} calls × ${LATENCY_MS} ms = ${ms(callsPerEvent * LATENCY_MS)})`,
    );
    codecommit.faults.reset();
  } finally {
    await emulators.stop();
    await rm(dist, { recursive: true, force: true });
  }
}
