import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BumpResult } from '#app/image-bump/result.ts';
import { actionsOf, commitActions, createCommitStats, invokeSpread, resultOf } from './support/deliver.ts';
import { exampleManifests, releaseTags, releaseTargets, sampleEvent } from './support/example.ts';
import { commitsSince, fileAt, headOf } from './support/git.ts';
import { batchAnswers, deliverQueued, eventResults, openImageEventQueue } from './support/queued.ts';
import { type Stack, startStack } from './support/stack.ts';

// EventBridge delivers at least once and in no guaranteed order: the same event can arrive
// several times, at once in different containers, and an older push can arrive after a newer one.

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

/** A CodeCommit repository holding the example manifests on `branches`, and a configuration for it. */
async function setUp(name: string, branches: string[]) {
  const { gitDir } = await stack.codecommit.createRepository(
    name,
    Object.fromEntries(branches.map((branch) => [branch, manifests])),
  );
  const parameter = `/reliability/${name}/config`;
  await stack.putConfig(parameter, {
    repositories: { manifests: { provider: 'codecommit', name } },
    images: [
      { ecr: 'my-app', tags: { semver: '>=1.0.0' }, update: branches.flatMap((b) => releaseTargets(b)) },
    ],
  });
  const seeds = Object.fromEntries(
    await Promise.all(branches.map(async (branch) => [branch, await headOf(gitDir, branch)] as const)),
  );
  return { gitDir, env: stack.envFor(parameter), seeds };
}

const pushOf = async (tag: string, id: string) => {
  const event = await sampleEvent('ecr-push-semver.json');
  return { ...event, id, detail: { ...(event.detail as object), 'image-tag': tag } };
};

describe('a push delivered more than once', () => {
  it('commits once and answers the later deliveries with skips, delivered one after another', async () => {
    const { gitDir, env, seeds } = await setUp('duplicates-sequential', ['stg']);
    const event = await sampleEvent('ecr-push-semver.json');

    const outcomes = await invokeSpread(stack.bundles.ImageBumpFunction!, [event, event, event], { env });

    const [first, ...later] = outcomes.map(actionsOf);
    expect(commitActions(first ?? [])).toHaveLength(1);
    for (const actions of later) {
      expect(actions.length).toBeGreaterThan(0);
      for (const action of actions) {
        expect(action).toMatchObject({ type: 'skip', reason: expect.stringContaining('already at 1.4.2') });
      }
    }
    expect(await commitsSince(gitDir, seeds.stg!, 'stg')).toHaveLength(1);
    expect(createCommitStats(stack.codecommit.calls).successes).toBe(1);
    expect(await releaseTags((path) => fileAt(gitDir, 'stg', path))).toStrictEqual(Array(4).fill('1.4.2'));
  });

  it('commits once when three copies run at the same time in three containers', async () => {
    const { gitDir, env, seeds } = await setUp('duplicates-concurrent', ['stg']);
    const event = await sampleEvent('ecr-push-semver.json');

    const outcomes = await invokeSpread(stack.bundles.ImageBumpFunction!, [event, event, event], {
      env,
      processes: 3,
    });

    const results = outcomes.map(actionsOf);
    const committed = results.filter((actions) => commitActions(actions).length > 0);
    expect(committed).toHaveLength(1);
    for (const actions of results.filter((a) => commitActions(a).length === 0)) {
      expect(actions.length).toBeGreaterThan(0);
      for (const action of actions) expect(action.type).toBe('skip');
    }
    expect(await commitsSince(gitDir, seeds.stg!, 'stg')).toHaveLength(1);
    const stats = createCommitStats(stack.codecommit.calls);
    console.log(
      `concurrent duplicates: ${stats.attempts} CreateCommit attempts, ${stats.conflicts} conflicts`,
    );
    expect(stats.successes).toBe(1);
    expect(await releaseTags((path) => fileAt(gitDir, 'stg', path))).toStrictEqual(Array(4).fill('1.4.2'));
  });
});

describe('pushes delivered out of order', () => {
  it('keeps the newer tag when the older push arrives last, and says the older one is older', async () => {
    const { gitDir, env, seeds } = await setUp('reordered', ['stg', 'main']);
    const newer = await pushOf('1.4.3', 'event-1.4.3');
    const older = await pushOf('1.4.2', 'event-1.4.2');

    const [newerOutcome] = await invokeSpread(stack.bundles.ImageBumpFunction!, [newer], { env });
    const [olderOutcome] = await invokeSpread(stack.bundles.ImageBumpFunction!, [older], { env });

    expect(commitActions(actionsOf(newerOutcome))).toHaveLength(2);
    expect(resultOf(olderOutcome)).not.toHaveProperty('error');
    const skips = actionsOf(olderOutcome);
    expect(skips).toHaveLength(8);
    for (const action of skips) {
      expect(action).toMatchObject({ type: 'skip', reason: '1.4.2 is older than the current 1.4.3' });
    }
    for (const branch of ['stg', 'main']) {
      expect(await releaseTags((path) => fileAt(gitDir, branch, path))).toStrictEqual(Array(4).fill('1.4.3'));
      expect(await commitsSince(gitDir, seeds[branch]!, branch)).toHaveLength(1);
    }
    expect(createCommitStats(stack.codecommit.calls).successes).toBe(2);
  });
});

// As deployed, the events reach the function through the FIFO image event queue, in batches.
// Content-based deduplication drops a copy sent within five minutes; a copy redelivered later (or
// redriven from the dead-letter queue) is a message of its own, and may share a batch with the
// original.

describe('a push delivered more than once, through the image event queue', () => {
  it('commits once when three copies arrive in one batch, and answers two of them with skips', async () => {
    const { gitDir, env, seeds } = await setUp('queued-duplicates-batch', ['stg']);
    const event = await sampleEvent('ecr-push-semver.json');

    const report = await deliverQueued(stack, env, [event, event, event], { deduplication: 'unique' });

    expect(report.invocations.map((invocation) => invocation.messageIds.length)).toStrictEqual([3]);
    const [answer] = batchAnswers(report);
    expect(answer?.batchItemFailures).toStrictEqual([]);
    const results = answer?.results ?? [];
    expect(results.map((result) => result.eventId)).toStrictEqual([event.id, event.id, event.id]);
    const committed = results.filter((result) => commitActions(result.actions).length > 0);
    expect(committed).toHaveLength(1);
    expect(commitActions(committed[0]?.actions ?? [])).toMatchObject([
      { branch: 'stg', changes: Array(4).fill(expect.objectContaining({ to: '1.4.2' })) },
    ]);
    for (const result of results.filter((r) => r !== committed[0])) {
      expect(result).not.toHaveProperty('error');
      expect(result.actions).toHaveLength(4);
      for (const action of result.actions) {
        expect(action).toMatchObject({ type: 'skip', reason: 'already at 1.4.2' });
      }
    }
    expect(await commitsSince(gitDir, seeds.stg!, 'stg')).toHaveLength(1);
    expect(createCommitStats(stack.codecommit.calls).successes).toBe(1);
    expect(await releaseTags((path) => fileAt(gitDir, 'stg', path))).toStrictEqual(Array(4).fill('1.4.2'));
  });

  it('commits once when the copies arrive in separate sends, and answers the later ones with skips', async () => {
    const { gitDir, env, seeds } = await setUp('queued-duplicates-sends', ['stg']);
    const event = await sampleEvent('ecr-push-semver.json');
    const id = String(event.id);
    const queue = await openImageEventQueue(stack, env);
    try {
      const first = await queue.deliver([event]);
      expect(commitActions(eventResults(first).get(id)?.actions ?? [])).toHaveLength(1);

      // A copy within five minutes is dropped by the queue (content-based deduplication); one
      // redelivered later is a message of its own, in a batch of its own.
      for (let copy = 0; copy < 2; copy++) {
        const later = await queue.deliver([event], { deduplication: 'unique' });
        expect(later.invocations).toHaveLength(1);
        expect(later.invocations[0]?.failed).toStrictEqual([]);
        const actions = eventResults(later).get(id)?.actions ?? [];
        expect(actions).toHaveLength(4);
        for (const action of actions) {
          expect(action).toMatchObject({ type: 'skip', reason: 'already at 1.4.2' });
        }
      }
    } finally {
      await queue.stop();
    }
    expect(await commitsSince(gitDir, seeds.stg!, 'stg')).toHaveLength(1);
    expect(createCommitStats(stack.codecommit.calls).successes).toBe(1);
    expect(await releaseTags((path) => fileAt(gitDir, 'stg', path))).toStrictEqual(Array(4).fill('1.4.2'));
  });
});

describe('pushes out of order, through the image event queue', () => {
  /** The newer push committed on both branches; the older one answered with eight "older" skips. */
  async function expectNewerKept(
    gitDir: string,
    seeds: Record<string, string>,
    results: Map<string, BumpResult>,
  ) {
    // The branches are committed at the same time: their actions come in either order.
    const newer = commitActions(results.get('event-1.4.3')?.actions ?? []);
    expect(newer.map((action) => action.branch).sort()).toStrictEqual(['main', 'stg']);
    const older = results.get('event-1.4.2');
    expect(older).toBeDefined();
    expect(older).not.toHaveProperty('error');
    expect(older?.actions).toHaveLength(8);
    for (const action of older?.actions ?? []) {
      expect(action).toMatchObject({ type: 'skip', reason: '1.4.2 is older than the current 1.4.3' });
    }
    for (const branch of ['stg', 'main']) {
      expect(await releaseTags((path) => fileAt(gitDir, branch, path))).toStrictEqual(Array(4).fill('1.4.3'));
      expect(await commitsSince(gitDir, seeds[branch]!, branch)).toHaveLength(1);
    }
    expect(createCommitStats(stack.codecommit.calls).successes).toBe(2);
  }

  it('keeps the newer tag when the older push comes after it in the same batch', async () => {
    const { gitDir, env, seeds } = await setUp('queued-reordered-batch', ['stg', 'main']);
    const events = [await pushOf('1.4.3', 'event-1.4.3'), await pushOf('1.4.2', 'event-1.4.2')];

    const report = await deliverQueued(stack, env, events);

    expect(report.invocations.map((invocation) => invocation.messageIds.length)).toStrictEqual([2]);
    expect(report.invocations[0]?.failed).toStrictEqual([]);
    await expectNewerKept(gitDir, seeds, eventResults(report));
  });

  it('keeps the newer tag when the older push comes in a later batch', async () => {
    const { gitDir, env, seeds } = await setUp('queued-reordered-batches', ['stg', 'main']);
    const queue = await openImageEventQueue(stack, env);
    const results = new Map<string, BumpResult>();
    try {
      for (const event of [await pushOf('1.4.3', 'event-1.4.3'), await pushOf('1.4.2', 'event-1.4.2')]) {
        const report = await queue.deliver([event]);
        expect(report.invocations).toHaveLength(1);
        expect(report.invocations[0]?.failed).toStrictEqual([]);
        for (const [id, result] of eventResults(report)) results.set(id, result);
      }
    } finally {
      await queue.stop();
    }
    await expectNewerKept(gitDir, seeds, results);
  });
});
