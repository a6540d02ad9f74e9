import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ecrPushEvent } from '#test/events.ts';
import {
  actionsOf,
  actionsOnBranch,
  commitActions,
  createCommitStats,
  deliverUntilHandled,
  invokeSpread,
  lastOutcome,
  resultOf,
} from './support/deliver.ts';
import { commitsSince, eventIdOf, headOf, yamlAt } from './support/git.ts';
import { type Stack, startStack } from './support/stack.ts';

// CodeCommit throttles and fails now and then. The SDK retries a call a few times, Lambda retries
// an invocation that threw; between them every push must end applied, and a commit must never
// carry half of an event or land twice.

const SERVICES = ['svc-a', 'svc-b', 'svc-c'];
const BRANCHES = ['main', 'stg'];
const VERSIONS = ['1.0.1', '1.0.2', '1.0.3', '1.0.4', '1.0.5', '1.0.6', '1.0.7'];
const filesOf = (service: string) => [`${service}/kustomization.yaml`, `${service}/values.yaml`];
/** Lambda retries twice; a few more deliveries keep an unlucky draw of the fault generator from failing the test. */
const MAX_DELIVERIES = 5;

let stack: Stack;

beforeAll(async () => {
  stack = await startStack(['ImageBumpFunction']);
});
afterAll(() => stack?.stop());
beforeEach(() => {
  stack.codecommit.calls.length = 0;
});
afterEach(() => {
  stack.codecommit.faults.reset();
});

function manifestsAt(tag: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const service of SERVICES) {
    const [kustomization = '', values = ''] = filesOf(service);
    files[kustomization] = stringify({ images: [{ name: service, newTag: tag }] });
    files[values] = stringify({ image: { repository: `registry.example.com/${service}`, tag } });
  }
  return files;
}

async function setUp(name: string) {
  const { gitDir } = await stack.codecommit.createRepository(
    name,
    Object.fromEntries(BRANCHES.map((branch) => [branch, manifestsAt('1.0.0')])),
  );
  const parameter = `/reliability/${name}/config`;
  await stack.putConfig(parameter, {
    repositories: { manifests: { provider: 'codecommit', name } },
    images: SERVICES.map((service) => ({
      ecr: service,
      tags: { semver: '>=1.0.0' },
      update: BRANCHES.flatMap((branch) => {
        const [kustomization, values] = filesOf(service);
        return [
          { repository: 'manifests', branch, file: kustomization, kind: 'kustomize', image: service },
          { repository: 'manifests', branch, file: values, kind: 'helm', path: 'image' },
        ];
      }),
    })),
  });
  const seeds = Object.fromEntries(
    await Promise.all(BRANCHES.map(async (branch) => [branch, await headOf(gitDir, branch)] as const)),
  );
  return { gitDir, env: stack.envFor(parameter), seeds };
}

/** A fixed shuffle (seeded), so pushes of one image arrive out of order too. */
function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

describe('CodeCommit throttling and failing 20% of calls', () => {
  it('applies every push exactly once, each commit holding one whole event on one branch', {
    timeout: 120_000,
  }, async () => {
    const { gitDir, env, seeds } = await setUp('faults-random');
    const pushes = shuffled(
      SERVICES.flatMap((service) => VERSIONS.map((tag) => ({ service, tag }))),
      7,
    );
    const events = pushes.map(({ service, tag }) =>
      ecrPushEvent({ 'repository-name': service, 'image-tag': tag }, `push-${service}-${tag}`),
    );
    // Two rules drawn one after the other: 10% throttled, then 1/9 of the rest answered with 500.
    // One container takes the pushes in sequence, so the calls, and the faults they meet, come in
    // the same order on every run; with these seeds the SDK gives up twice and Lambda's retry is
    // what applies those pushes.
    stack.codecommit.faults.failRandomly({ kind: 'throttling', probability: 0.1, seed: 3 });
    stack.codecommit.faults.failRandomly({ kind: 'internalFailure', probability: 1 / 9, seed: 103 });

    const deliveries = await deliverUntilHandled(stack.bundles.ImageBumpFunction!, events, {
      env,
      maxDeliveries: MAX_DELIVERIES,
    });

    const calls = stack.codecommit.calls;
    const stats = createCommitStats(calls);
    const failedInvocations = deliveries.reduce((sum, d) => sum + d.outcomes.filter((o) => !o.ok).length, 0);
    console.log(
      `faults: ${events.length} pushes, ${calls.length} CodeCommit calls of which ${calls.filter((c) => c.fault).length} ` +
        `faulted (${calls.filter((c) => c.fault === 'throttling').length} throttled, ` +
        `${calls.filter((c) => c.fault === 'internalFailure').length} answered 500); ` +
        `${stats.attempts} CreateCommit attempts, ${stats.successes} commits; ` +
        `${failedInvocations} invocations threw and were delivered again ` +
        `(most deliveries of one event: ${Math.max(...deliveries.map((d) => d.outcomes.length))})`,
    );

    // Every event ends handled, and a fault is never mistaken for bad input.
    deliveries.forEach((delivery, i) => {
      const outcome = lastOutcome(delivery);
      expect(outcome?.ok, `push ${pushes[i]?.service}:${pushes[i]?.tag} is applied`).toBe(true);
      expect(resultOf(outcome)).not.toHaveProperty('error');
    });

    // No commit is half an event, and no event commits twice on a branch.
    const pushById = new Map(events.map((event, i) => [event.id, pushes[i]]));
    for (const branch of BRANCHES) {
      const commits = await commitsSince(gitDir, seeds[branch]!, branch);
      const ids = commits.map(eventIdOf);
      expect(new Set(ids).size).toBe(ids.length);
      for (const commit of commits) {
        const push = pushById.get(eventIdOf(commit) ?? '');
        expect(push, `commit ${commit.id} names a delivered event`).toBeDefined();
        expect(commit.subject).toMatch(new RegExp(`^${push?.service} .*→ ${push?.tag} \\(${branch}\\)$`));
        expect(commit.paths).toStrictEqual(filesOf(push?.service ?? ''));
        expect(commit.parents).toHaveLength(1);
      }
      // An invocation may land one branch and throw on the next; its redelivery then skips the
      // first branch. So the history may hold commits no returned result reports, never the reverse.
      const landed = new Set(commits.map((commit) => commit.id));
      for (const delivery of deliveries) {
        for (const outcome of delivery.outcomes.filter((o) => o.ok)) {
          for (const action of commitActions(actionsOf(outcome)).filter((a) => a.branch === branch)) {
            expect(landed).toContain(action.commitId);
          }
        }
      }

      // The newest tag wins everywhere, whatever order the pushes and retries came in.
      for (const service of SERVICES) {
        const [kustomization = '', values = ''] = filesOf(service);
        expect(await yamlAt(gitDir, branch, kustomization)).toStrictEqual({
          images: [{ name: service, newTag: '1.0.7' }],
        });
        expect(await yamlAt(gitDir, branch, values)).toMatchObject({ image: { tag: '1.0.7' } });
      }
    }
  });
});

describe('a commit whose response is lost', () => {
  it('ends as a no-op skip when the SDK retries the CreateCommit that had landed', async () => {
    const { gitDir, env, seeds } = await setUp('lost-response-sdk');
    stack.codecommit.faults.failSequence(['lostResponse'], 'CreateCommit');
    const event = ecrPushEvent({ 'repository-name': 'svc-a', 'image-tag': '1.0.1' }, 'push-lost-sdk');

    const [outcome] = await invokeSpread(stack.bundles.ImageBumpFunction!, [event], { env });

    const creates = stack.codecommit.calls.filter((call) => call.operation === 'CreateCommit');
    expect(creates[0]).toMatchObject({ fault: 'lostResponse', status: 500 });
    // The branch whose commit response was lost reports skips, never a second commit.
    expect(creates[0]?.input?.branchName).toBe('main');
    const actions = actionsOf(outcome);
    expect(actionsOnBranch(actions, 'main')).toStrictEqual([
      expect.objectContaining({ type: 'skip', reason: 'already at 1.0.1' }),
      expect.objectContaining({ type: 'skip', reason: 'already at 1.0.1' }),
    ]);
    expect(commitActions(actions).map((action) => action.branch)).toStrictEqual(['stg']);
    for (const branch of BRANCHES) {
      expect(await commitsSince(gitDir, seeds[branch]!, branch)).toHaveLength(1);
    }
  });

  it('ends as a no-op skip when Lambda redelivers the event after the invocation threw', async () => {
    const { gitDir, env, seeds } = await setUp('lost-response-lambda');
    // The commit lands but its response is lost, and every later CreateCommit fails: the SDK gives
    // up and the invocation throws, as the service would have it on a bad day.
    stack.codecommit.faults.failSequence(['lostResponse'], 'CreateCommit');
    stack.codecommit.faults.failRandomly({
      kind: 'internalFailure',
      probability: 1,
      seed: 1,
      operation: 'CreateCommit',
    });
    const event = ecrPushEvent({ 'repository-name': 'svc-b', 'image-tag': '1.0.1' }, 'push-lost-lambda');

    const [first] = await invokeSpread(stack.bundles.ImageBumpFunction!, [event], { env });
    expect(first?.ok).toBe(false);
    const landed = await commitsSince(gitDir, seeds.main!, 'main');
    expect(landed).toHaveLength(1);

    stack.codecommit.faults.reset();
    const [retry] = await invokeSpread(stack.bundles.ImageBumpFunction!, [event], { env });

    const actions = actionsOf(retry);
    expect(actionsOnBranch(actions, 'main')).toStrictEqual([
      expect.objectContaining({ type: 'skip', reason: 'already at 1.0.1' }),
      expect.objectContaining({ type: 'skip', reason: 'already at 1.0.1' }),
    ]);
    expect(commitActions(actions).map((action) => action.branch)).toStrictEqual(['stg']);
    expect(await commitsSince(gitDir, seeds.main!, 'main')).toStrictEqual(landed);
    expect(await commitsSince(gitDir, seeds.stg!, 'stg')).toHaveLength(1);
  });
});
