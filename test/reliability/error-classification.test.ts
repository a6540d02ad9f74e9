import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ecrPushEvent } from '#test/events.ts';
import { invokeSpread, resultOf } from './support/deliver.ts';
import { exampleManifests } from './support/example.ts';
import { git } from './support/git.ts';
import { type Stack, startStack } from './support/stack.ts';

// A permanent error (bad input) is reported once and not retried: the invocation returns. A
// transient one (the service failing) is thrown so Lambda retries and finally dead-letters the
// event; it is no reason to page anyone yet.

let stack: Stack;
let env: Record<string, string>;
let gitDir: string;

beforeAll(async () => {
  stack = await startStack(['ImageBumpFunction']);
  ({ gitDir } = await stack.codecommit.createRepository('classification', { stg: await exampleManifests() }));
  const parameter = '/reliability/classification/config';
  await stack.putConfig(parameter, {
    repositories: { manifests: { provider: 'codecommit', name: 'classification' } },
    images: [
      {
        ecr: 'my-app',
        update: [
          {
            repository: 'manifests',
            branch: 'stg',
            file: 'base/kustomization.yaml',
            kind: 'kustomize',
            image: 'my-app',
          },
        ],
      },
      {
        // The kustomization has no entry for this image.
        ecr: 'billing',
        update: [
          {
            repository: 'manifests',
            branch: 'stg',
            file: 'base/kustomization.yaml',
            kind: 'kustomize',
            image: 'billing',
          },
        ],
      },
    ],
  });
  env = stack.envFor(parameter);
  await stack.drainAlerts(0);
});
afterAll(() => stack?.stop());
beforeEach(() => {
  stack.codecommit.calls.length = 0;
  stack.codecommit.faults.reset();
});

const refs = () => git(gitDir, 'for-each-ref', '--format=%(refname) %(objectname)');

describe('error classification', () => {
  it('returns a permanent error and alerts once, naming the function, the error, the file and the event', async () => {
    const before = await refs();
    const event = ecrPushEvent({ 'repository-name': 'billing', 'image-tag': '2.0.0' }, 'push-billing-2.0.0');

    const [outcome] = await invokeSpread(stack.bundles.ImageBumpFunction!, [event], { env });

    expect(outcome?.ok, 'the invocation returns, so Lambda does not retry it').toBe(true);
    expect(resultOf(outcome)).toStrictEqual({
      eventId: 'push-billing-2.0.0',
      actions: [],
      error: {
        type: 'ManifestError',
        message: expect.stringContaining('no `images` entry has name `billing`'),
      },
    });
    const alerts = await stack.drainAlerts(2);
    expect(alerts).toStrictEqual([
      {
        subject: 'ImageBumpFunction: ManifestError',
        message: expect.stringContaining('base/kustomization.yaml at images[name=billing]'),
        eventId: 'push-billing-2.0.0',
      },
    ]);
    expect(stack.codecommit.calls.filter((call) => call.operation === 'CreateCommit')).toStrictEqual([]);
    expect(await refs()).toBe(before);
  });

  it('throws on every delivery while CodeCommit answers 500, and alerts nobody', async () => {
    const before = await refs();
    stack.codecommit.faults.failRandomly({ kind: 'internalFailure', probability: 1, seed: 1 });
    const event = ecrPushEvent({ 'image-tag': '1.4.2' }, 'push-my-app-1.4.2');

    // The first delivery and Lambda's two retries, each in a fresh container.
    const outcomes = [];
    for (let delivery = 0; delivery < 3; delivery++) {
      outcomes.push(...(await invokeSpread(stack.bundles.ImageBumpFunction!, [event], { env })));
    }

    for (const outcome of outcomes) {
      expect(outcome.ok, 'the invocation throws, so Lambda retries it').toBe(false);
    }
    expect(stack.codecommit.calls.length).toBeGreaterThanOrEqual(3);
    for (const call of stack.codecommit.calls)
      expect(call).toMatchObject({ status: 500, fault: 'internalFailure' });
    expect(await stack.drainAlerts(2)).toStrictEqual([]);
    expect(await refs()).toBe(before);
  });
});
