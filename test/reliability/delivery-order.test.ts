import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { actionsOf, commitActions, createCommitStats, invokeSpread, resultOf } from './support/deliver.ts';
import { exampleManifests, releaseTags, releaseTargets, sampleEvent } from './support/example.ts';
import { commitsSince, fileAt, headOf } from './support/git.ts';
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
