import { GetParameterCommand, GetParameterHistoryCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ecrPushEvent } from '#test/events.ts';
import { actionsOf, invokeSpread } from './support/deliver.ts';
import { eventResults, openImageEventQueue } from './support/queued.ts';
import { REGISTRY, type Stack, startStack } from './support/stack.ts';

// ECS and CloudFormation consumers read the image from Parameter Store: the function writes the
// parameter, and a replayed event must not add a version (each one can trigger a deployment).

let stack: Stack;

beforeAll(async () => {
  stack = await startStack(['ImageBumpFunction']);
});
afterAll(() => stack?.stop());

describe('an SSM parameter target', () => {
  it('writes the image reference once and leaves the version alone on a replay', async () => {
    const target = '/my-app/stg/image';
    const configParameter = '/reliability/ssm-target/config';
    await stack.putConfig(configParameter, {
      repositories: { manifests: { provider: 'codecommit', name: 'unused-by-ssm-targets' } },
      images: [{ ecr: 'my-app', tags: { semver: '>=1.0.0' }, update: [{ kind: 'ssm', parameter: target }] }],
    });
    await stack.ssm.send(
      new PutParameterCommand({ Name: target, Value: `${REGISTRY}/my-app:1.4.1`, Type: 'String' }),
    );
    const env = stack.envFor(configParameter);
    const versions = async () =>
      (await stack.ssm.send(new GetParameterHistoryCommand({ Name: target }))).Parameters ?? [];
    const current = async () => (await stack.ssm.send(new GetParameterCommand({ Name: target }))).Parameter;

    const push = ecrPushEvent({ 'image-tag': '1.4.2' }, 'push-ssm-1.4.2');
    const [first] = await invokeSpread(stack.bundles.ImageBumpFunction!, [push], { env });
    expect(actionsOf(first)).toStrictEqual([
      {
        type: 'parameter',
        parameter: target,
        from: `${REGISTRY}/my-app:1.4.1`,
        to: `${REGISTRY}/my-app:1.4.2`,
        version: 2,
      },
    ]);
    expect(await current()).toMatchObject({ Value: `${REGISTRY}/my-app:1.4.2`, Version: 2 });

    const [replay, older] = await invokeSpread(
      stack.bundles.ImageBumpFunction!,
      [push, ecrPushEvent({ 'image-tag': '1.4.1' }, 'push-ssm-1.4.1')],
      { env },
    );
    expect(actionsOf(replay)).toStrictEqual([
      { type: 'skip', parameter: target, reason: 'already at 1.4.2' },
    ]);
    expect(actionsOf(older)).toStrictEqual([
      { type: 'skip', parameter: target, reason: '1.4.1 is older than the current 1.4.2' },
    ]);
    expect(await current()).toMatchObject({ Value: `${REGISTRY}/my-app:1.4.2`, Version: 2 });
    expect((await versions()).map((version) => version.Value)).toStrictEqual([
      `${REGISTRY}/my-app:1.4.1`,
      `${REGISTRY}/my-app:1.4.2`,
    ]);
  });
});

describe('an SSM parameter target, through the image event queue', () => {
  it('writes the image reference once and leaves the version alone on a replay', async () => {
    const target = '/my-app/queued/image';
    const configParameter = '/reliability/ssm-target-queued/config';
    await stack.putConfig(configParameter, {
      repositories: { manifests: { provider: 'codecommit', name: 'unused-by-ssm-targets' } },
      images: [{ ecr: 'my-app', tags: { semver: '>=1.0.0' }, update: [{ kind: 'ssm', parameter: target }] }],
    });
    await stack.ssm.send(
      new PutParameterCommand({ Name: target, Value: `${REGISTRY}/my-app:1.4.1`, Type: 'String' }),
    );
    const versions = async () =>
      (await stack.ssm.send(new GetParameterHistoryCommand({ Name: target }))).Parameters ?? [];
    const current = async () => (await stack.ssm.send(new GetParameterCommand({ Name: target }))).Parameter;
    const push = ecrPushEvent({ 'image-tag': '1.4.2' }, 'queued-push-ssm-1.4.2');
    const older = ecrPushEvent({ 'image-tag': '1.4.1' }, 'queued-push-ssm-1.4.1');

    const queue = await openImageEventQueue(stack, stack.envFor(configParameter));
    try {
      const first = await queue.deliver([push]);
      expect(first.invocations.map((invocation) => invocation.failed)).toStrictEqual([[]]);
      expect(eventResults(first).get(push.id)?.actions).toStrictEqual([
        {
          type: 'parameter',
          parameter: target,
          from: `${REGISTRY}/my-app:1.4.1`,
          to: `${REGISTRY}/my-app:1.4.2`,
          version: 2,
        },
      ]);
      expect(await current()).toMatchObject({ Value: `${REGISTRY}/my-app:1.4.2`, Version: 2 });

      // The push redelivered (after the queue's five-minute deduplication window) and an older push,
      // in one batch.
      const replay = await queue.deliver([push, older], { deduplication: 'unique' });
      expect(replay.invocations.map((invocation) => invocation.failed)).toStrictEqual([[]]);
      const results = eventResults(replay);
      expect(results.get(push.id)?.actions).toStrictEqual([
        { type: 'skip', parameter: target, reason: 'already at 1.4.2' },
      ]);
      expect(results.get(older.id)?.actions).toStrictEqual([
        { type: 'skip', parameter: target, reason: '1.4.1 is older than the current 1.4.2' },
      ]);
    } finally {
      await queue.stop();
    }
    expect(await current()).toMatchObject({ Value: `${REGISTRY}/my-app:1.4.2`, Version: 2 });
    expect((await versions()).map((version) => version.Value)).toStrictEqual([
      `${REGISTRY}/my-app:1.4.1`,
      `${REGISTRY}/my-app:1.4.2`,
    ]);
  });
});
