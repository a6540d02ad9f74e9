import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { actionsOf, commitActions, invokeSpread } from './support/deliver.ts';
import { exampleManifests, releaseTags, sampleEvent } from './support/example.ts';
import { commitsSince, fileAt, headOf } from './support/git.ts';
import { deliverQueued, eventResults, openImageEventQueue } from './support/queued.ts';
import { type Stack, startStack } from './support/stack.ts';

// A target with a scan gate is not bumped by the push but by the scan result that follows it, and
// only when the scan found nothing at or above the gate's severity.

let stack: Stack;
let manifests: Record<string, string>;

beforeAll(async () => {
  stack = await startStack(['ImageBumpFunction']);
  manifests = await exampleManifests();
});
afterAll(() => stack?.stop());
beforeEach(() => {
  stack.codecommit.calls.length = 0;
});

/** Kustomize on stg follows pushes; the Helm values on stg wait for a clean scan. */
async function setUp(name: string) {
  const { gitDir } = await stack.codecommit.createRepository(name, { stg: manifests });
  const parameter = `/reliability/${name}/config`;
  await stack.putConfig(parameter, {
    repositories: { manifests: { provider: 'codecommit', name } },
    images: [
      {
        ecr: 'my-app',
        tags: { semver: '>=1.0.0' },
        update: [
          {
            repository: 'manifests',
            branch: 'stg',
            file: 'base/kustomization.yaml',
            kind: 'kustomize',
            image: 'my-app',
          },
          {
            repository: 'manifests',
            branch: 'stg',
            file: 'charts/my-app/values.yaml',
            kind: 'helm',
            path: 'image',
            scan: { severity: 'HIGH' },
          },
        ],
      },
    ],
  });
  const seed = await headOf(gitDir, 'stg');
  const env = stack.envFor(parameter);
  const deliver = async (event: unknown) => {
    const [outcome] = await invokeSpread(stack.bundles.ImageBumpFunction!, [event], { env });
    return actionsOf(outcome);
  };
  /** [kustomize tag, helm tag] on stg. */
  const tags = async () => (await releaseTags((path) => fileAt(gitDir, 'stg', path))).slice(0, 2);
  return { gitDir, seed, env, deliver, tags };
}

const withTag = async (name: string, tag: string, counts?: Record<string, number>) => {
  const event = await sampleEvent(name);
  const detail = event.detail as Record<string, unknown>;
  return {
    ...event,
    id: `${event.id}-${tag}`,
    detail: {
      ...detail,
      ...(detail['image-tag'] === undefined ? { 'image-tags': [tag] } : { 'image-tag': tag }),
      ...(counts ? { 'finding-severity-counts': counts } : {}),
    },
  };
};

describe('a target behind a scan gate', () => {
  it('waits for the ECR scan, takes a clean one, and refuses one with a critical finding', async () => {
    const { gitDir, seed, deliver, tags } = await setUp('scan-gate-basic');

    const push = await deliver(await sampleEvent('ecr-push-semver.json'));
    expect(commitActions(push)).toMatchObject([{ changes: [{ file: 'base/kustomization.yaml' }] }]);
    expect(push).toContainEqual(
      expect.objectContaining({
        type: 'skip',
        file: 'charts/my-app/values.yaml',
        reason: 'waits for the image scan (scan gate at HIGH)',
      }),
    );
    expect(await tags()).toStrictEqual(['1.4.2', '1.4.1']);

    // Basic scan of 1.4.2: 2 MEDIUM and 5 LOW findings, all below the gate.
    const clean = await deliver(await sampleEvent('ecr-image-scan.json'));
    expect(commitActions(clean)).toMatchObject([
      { changes: [{ file: 'charts/my-app/values.yaml', to: '1.4.2' }] },
    ]);
    expect(await tags()).toStrictEqual(['1.4.2', '1.4.2']);

    // 1.4.3 is pushed, then its scan reports a CRITICAL finding: only the ungated target moves.
    await deliver(await withTag('ecr-push-semver.json', '1.4.3'));
    const critical = await deliver(await sampleEvent('ecr-image-scan-critical.json'));
    expect(commitActions(critical)).toStrictEqual([]);
    expect(critical).toStrictEqual([
      expect.objectContaining({
        type: 'skip',
        file: 'charts/my-app/values.yaml',
        reason: expect.stringContaining('1 CRITICAL finding(s) at or above HIGH'),
      }),
    ]);
    expect(await tags()).toStrictEqual(['1.4.3', '1.4.2']);

    const history = await commitsSince(gitDir, seed, 'stg');
    expect(history.map((commit) => commit.paths)).toStrictEqual([
      ['base/kustomization.yaml'],
      ['charts/my-app/values.yaml'],
      ['base/kustomization.yaml'],
    ]);
  });

  it('reads Inspector scans, whose repository is an ARN, the same way', async () => {
    const { deliver, tags } = await setUp('scan-gate-inspector');

    const push = await deliver(await sampleEvent('ecr-push-semver.json'));
    expect(push).toContainEqual(
      expect.objectContaining({ reason: 'waits for the image scan (scan gate at HIGH)' }),
    );

    // Enhanced scan of 1.4.2: CRITICAL 0, HIGH 0, MEDIUM 2, and a TOTAL that is no severity.
    const clean = await deliver(await sampleEvent('inspector2-scan.json'));
    expect(commitActions(clean)).toMatchObject([
      { changes: [{ file: 'charts/my-app/values.yaml', to: '1.4.2' }] },
    ]);
    expect(await tags()).toStrictEqual(['1.4.2', '1.4.2']);

    const high = await deliver(
      await withTag('inspector2-scan.json', '1.4.3', { CRITICAL: 0, HIGH: 1, MEDIUM: 2, TOTAL: 3 }),
    );
    expect(high).toStrictEqual([
      expect.objectContaining({
        type: 'skip',
        reason: expect.stringContaining('1 HIGH finding(s) at or above HIGH'),
      }),
    ]);
    expect(await tags()).toStrictEqual(['1.4.2', '1.4.2']);
    expect(
      stack.codecommit.calls.filter((call) => call.operation === 'CreateCommit' && call.status === 200),
    ).toHaveLength(2);
  });
});

describe('a target behind a scan gate, through the image event queue', () => {
  it('waits for the ECR scan, takes a clean one, and refuses one with a critical finding', async () => {
    const { gitDir, seed, env, tags } = await setUp('queued-scan-gate');
    const queue = await openImageEventQueue(stack, env);
    /** Sends the events in one batch; the actions each one came to. */
    const deliver = async (...events: Record<string, unknown>[]) => {
      const report = await queue.deliver(events);
      expect(report.invocations.map((invocation) => invocation.failed)).toStrictEqual([[]]);
      const results = eventResults(report);
      return events.map((event) => {
        const result = results.get(String(event.id));
        expect(result).toBeDefined();
        expect(result).not.toHaveProperty('error');
        return result?.actions ?? [];
      });
    };
    try {
      const [push = []] = await deliver(await sampleEvent('ecr-push-semver.json'));
      expect(commitActions(push)).toMatchObject([{ changes: [{ file: 'base/kustomization.yaml' }] }]);
      expect(push).toContainEqual(
        expect.objectContaining({
          type: 'skip',
          file: 'charts/my-app/values.yaml',
          reason: 'waits for the image scan (scan gate at HIGH)',
        }),
      );
      expect(await tags()).toStrictEqual(['1.4.2', '1.4.1']);

      // Basic scan of 1.4.2: 2 MEDIUM and 5 LOW findings, all below the gate.
      const [clean = []] = await deliver(await sampleEvent('ecr-image-scan.json'));
      expect(commitActions(clean)).toMatchObject([
        { changes: [{ file: 'charts/my-app/values.yaml', to: '1.4.2' }] },
      ]);
      expect(await tags()).toStrictEqual(['1.4.2', '1.4.2']);

      // 1.4.3 is pushed and its scan, with a CRITICAL finding, follows in the same batch: only the
      // ungated target moves.
      const [newer = [], critical = []] = await deliver(
        await withTag('ecr-push-semver.json', '1.4.3'),
        await sampleEvent('ecr-image-scan-critical.json'),
      );
      expect(commitActions(newer)).toMatchObject([
        { changes: [{ file: 'base/kustomization.yaml', to: '1.4.3' }] },
      ]);
      expect(commitActions(critical)).toStrictEqual([]);
      expect(critical).toStrictEqual([
        expect.objectContaining({
          type: 'skip',
          file: 'charts/my-app/values.yaml',
          reason: expect.stringContaining('1 CRITICAL finding(s) at or above HIGH'),
        }),
      ]);
      expect(await tags()).toStrictEqual(['1.4.3', '1.4.2']);
    } finally {
      await queue.stop();
    }

    const history = await commitsSince(gitDir, seed, 'stg');
    expect(history.map((commit) => commit.paths)).toStrictEqual([
      ['base/kustomization.yaml'],
      ['charts/my-app/values.yaml'],
      ['base/kustomization.yaml'],
    ]);
  });

  it('lands a push and the clean scan that follows it in the same batch in one commit', async () => {
    const { gitDir, seed, env, tags } = await setUp('queued-scan-gate-one-batch');
    const push = await sampleEvent('ecr-push-semver.json');
    const scan = await sampleEvent('ecr-image-scan.json');

    const report = await deliverQueued(stack, env, [push, scan]);

    expect(report.invocations.map((invocation) => invocation.failed)).toStrictEqual([[]]);
    const results = eventResults(report);
    const pushed = results.get(String(push.id))?.actions ?? [];
    const scanned = results.get(String(scan.id))?.actions ?? [];
    expect(pushed).toContainEqual(
      expect.objectContaining({ type: 'skip', reason: 'waits for the image scan (scan gate at HIGH)' }),
    );
    expect(commitActions(pushed)).toMatchObject([{ changes: [{ file: 'base/kustomization.yaml' }] }]);
    expect(commitActions(scanned)).toMatchObject([
      { changes: [{ file: 'charts/my-app/values.yaml', to: '1.4.2' }] },
    ]);
    expect(commitActions(scanned)[0]?.commitId).toBe(commitActions(pushed)[0]?.commitId);
    expect(await tags()).toStrictEqual(['1.4.2', '1.4.2']);
    expect((await commitsSince(gitDir, seed, 'stg')).map((commit) => commit.paths)).toStrictEqual([
      ['base/kustomization.yaml', 'charts/my-app/values.yaml'],
    ]);
  });
});
