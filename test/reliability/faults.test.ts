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
import { type CommitInfo, commitsSince, eventIdOf, headOf, yamlAt } from './support/git.ts';
import { deliverQueued, eventResults } from './support/queued.ts';
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

/**
 * The branch of the one CreateCommit that landed but answered 500: an event's branches are
 * committed at the same time, so either may be the one whose response is lost.
 */
function lostResponseBranch(): string {
  const lost = stack.codecommit.calls.filter(
    (call) => call.operation === 'CreateCommit' && call.fault === 'lostResponse',
  );
  expect(lost).toMatchObject([{ status: 500 }]);
  return String(lost[0]?.input?.branchName);
}

const otherBranch = (branch: string): string => BRANCHES.find((b) => b !== branch) ?? '';

describe('a commit whose response is lost', () => {
  it('ends as a no-op skip when the SDK retries the CreateCommit that had landed', async () => {
    const { gitDir, env, seeds } = await setUp('lost-response-sdk');
    stack.codecommit.faults.failSequence(['lostResponse'], 'CreateCommit');
    const event = ecrPushEvent({ 'repository-name': 'svc-a', 'image-tag': '1.0.1' }, 'push-lost-sdk');

    const [outcome] = await invokeSpread(stack.bundles.ImageBumpFunction!, [event], { env });

    // The branch whose commit response was lost reports skips, never a second commit.
    const lost = lostResponseBranch();
    const actions = actionsOf(outcome);
    expect(actionsOnBranch(actions, lost)).toStrictEqual([
      expect.objectContaining({ type: 'skip', reason: 'already at 1.0.1' }),
      expect.objectContaining({ type: 'skip', reason: 'already at 1.0.1' }),
    ]);
    expect(commitActions(actions).map((action) => action.branch)).toStrictEqual([otherBranch(lost)]);
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
    const lost = lostResponseBranch();
    const other = otherBranch(lost);
    const landed = await commitsSince(gitDir, seeds[lost]!, lost);
    expect(landed).toHaveLength(1);

    stack.codecommit.faults.reset();
    const [retry] = await invokeSpread(stack.bundles.ImageBumpFunction!, [event], { env });

    const actions = actionsOf(retry);
    expect(actionsOnBranch(actions, lost)).toStrictEqual([
      expect.objectContaining({ type: 'skip', reason: 'already at 1.0.1' }),
      expect.objectContaining({ type: 'skip', reason: 'already at 1.0.1' }),
    ]);
    expect(commitActions(actions).map((action) => action.branch)).toStrictEqual([other]);
    expect(await commitsSince(gitDir, seeds[lost]!, lost)).toStrictEqual(landed);
    expect(await commitsSince(gitDir, seeds[other]!, other)).toHaveLength(1);
  });
});

// As deployed, the pushes reach the function through the FIFO image event queue, in batches of up
// to ten: a batch that meets a fault the SDK cannot retry away answers the messages to redeliver,
// and the queue hands them out again after the visibility timeout.

/** The event ids a commit message names (one `Event:` line per image of the commit). */
const eventIdsOf = (commit: CommitInfo): string[] =>
  [...commit.body.matchAll(/^Event: (.+)$/gm)].map((match) => match[1] ?? '');

describe('CodeCommit throttling and failing 20% of calls, through the image event queue', () => {
  it('applies every push exactly once, each commit holding whole events of one batch', {
    timeout: 120_000,
  }, async () => {
    const { gitDir, env, seeds } = await setUp('queued-faults-random');
    const pushes = shuffled(
      SERVICES.flatMap((service) => VERSIONS.map((tag) => ({ service, tag }))),
      7,
    );
    const events = pushes.map(({ service, tag }) =>
      ecrPushEvent({ 'repository-name': service, 'image-tag': tag }, `push-${service}-${tag}`),
    );
    // The branches of a batch are committed at the same time, so which call meets which random
    // fault varies between runs. The first five CreateCommit calls fail whatever the order: one of
    // the first batch's branches exhausts the SDK's three attempts, and the queue redelivers.
    stack.codecommit.faults.failSequence(Array(5).fill('internalFailure'), 'CreateCommit');
    stack.codecommit.faults.failRandomly({ kind: 'throttling', probability: 0.1, seed: 3 });
    stack.codecommit.faults.failRandomly({ kind: 'internalFailure', probability: 1 / 9, seed: 103 });

    const report = await deliverQueued(stack, env, events, { retryDelayMs: 1000 });

    const calls = stack.codecommit.calls;
    const stats = createCommitStats(calls);
    console.log(
      `queued faults: ${events.length} pushes in ${report.invocations.length} batches ` +
        `(${report.invocations.filter((i) => i.failed.length > 0).length} answered failures), ` +
        `${report.redelivered} messages redelivered; ${calls.length} CodeCommit calls of which ` +
        `${calls.filter((c) => c.fault).length} faulted; ${stats.attempts} CreateCommit attempts, ` +
        `${stats.successes} commits`,
    );

    // Every event ends handled, nothing is dead-lettered, and a fault is never mistaken for bad input.
    expect(report.deadLettered).toStrictEqual([]);
    expect(report.redelivered).toBeGreaterThan(0);
    expect(report.invocations.every((invocation) => invocation.outcome.ok)).toBe(true);
    const results = eventResults(report);
    expect([...results.keys()].sort()).toStrictEqual(events.map((event) => event.id).sort());
    for (const result of results.values()) expect(result).not.toHaveProperty('error');

    // No event commits twice on a branch, and a commit holds only whole events of one batch.
    const batchIds = report.batches.map(
      (batch) => new Set(batch.map((event) => (event as { id: string }).id)),
    );
    const pushById = new Map(events.map((event, i) => [event.id, pushes[i]]));
    for (const branch of BRANCHES) {
      const commits = await commitsSince(gitDir, seeds[branch]!, branch);
      const ids = commits.flatMap(eventIdsOf);
      expect(new Set(ids).size).toBe(ids.length);
      for (const commit of commits) {
        const named = eventIdsOf(commit);
        expect(named.length, `commit ${commit.id} names its events`).toBeGreaterThan(0);
        expect(
          batchIds.some((batch) => named.every((id) => batch.has(id))),
          `the events of commit ${commit.id} were handed to the function in one batch`,
        ).toBe(true);
        const services = [...new Set(named.map((id) => pushById.get(id)?.service ?? ''))];
        expect(commit.paths).toStrictEqual(services.flatMap(filesOf).sort());
        expect(commit.parents).toHaveLength(1);
      }
      // A batch may land one branch and fail on the other; its redelivery then skips the first
      // branch. So the history may hold commits no result reports, never the reverse.
      const landed = new Set(commits.map((commit) => commit.id));
      for (const result of results.values()) {
        for (const action of commitActions(result.actions).filter((a) => a.branch === branch)) {
          expect(landed).toContain(action.commitId);
        }
      }

      // The newest tag wins everywhere, whatever order the batches and redeliveries came in.
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

describe('a commit whose response is lost, through the image event queue', () => {
  it('ends as a no-op skip when the SDK retries the CreateCommit that had landed', async () => {
    const { gitDir, env, seeds } = await setUp('queued-lost-response-sdk');
    stack.codecommit.faults.failSequence(['lostResponse'], 'CreateCommit');
    const event = ecrPushEvent({ 'repository-name': 'svc-a', 'image-tag': '1.0.1' }, 'push-queued-lost-sdk');

    const report = await deliverQueued(stack, env, [event]);

    expect(report.invocations.map((invocation) => invocation.failed)).toStrictEqual([[]]);
    // The branches commit at the same time: either may be the one whose response is lost.
    const lost = lostResponseBranch();
    // The branch whose commit response was lost reports skips, never a second commit.
    const actions = eventResults(report).get(event.id)?.actions ?? [];
    expect(actionsOnBranch(actions, lost)).toStrictEqual([
      expect.objectContaining({ type: 'skip', reason: 'already at 1.0.1' }),
      expect.objectContaining({ type: 'skip', reason: 'already at 1.0.1' }),
    ]);
    expect(commitActions(actions).map((action) => action.branch)).toStrictEqual([otherBranch(lost)]);
    for (const branch of BRANCHES) {
      expect(await commitsSince(gitDir, seeds[branch]!, branch)).toHaveLength(1);
    }
  });

  it('ends as a no-op skip when the queue redelivers the message the batch failed on', async () => {
    const { gitDir, env, seeds } = await setUp('queued-lost-response-redelivery');
    // The first commit lands but its response is lost, and the next five CreateCommit calls fail:
    // both branches exhaust the SDK's three attempts, whichever order their calls come in, and the
    // batch answers the message as failed.
    stack.codecommit.faults.failSequence(
      ['lostResponse', ...Array(5).fill('internalFailure')],
      'CreateCommit',
    );
    const event = ecrPushEvent(
      { 'repository-name': 'svc-b', 'image-tag': '1.0.1' },
      'push-queued-lost-redelivery',
    );

    const report = await deliverQueued(stack, env, [event], { retryDelayMs: 1000 });

    const [first, retry, ...more] = report.invocations;
    expect(more).toStrictEqual([]);
    expect(first?.failed).toStrictEqual(first?.messageIds);
    expect(retry?.failed).toStrictEqual([]);
    expect(report.redelivered).toBe(1);
    expect(report.deadLettered).toStrictEqual([]);
    const lost = lostResponseBranch();

    // The redelivery finds the lost commit in place: skips there, the one commit on the other branch.
    const actions = eventResults(report).get(event.id)?.actions ?? [];
    expect(actionsOnBranch(actions, lost)).toStrictEqual([
      expect.objectContaining({ type: 'skip', reason: 'already at 1.0.1' }),
      expect.objectContaining({ type: 'skip', reason: 'already at 1.0.1' }),
    ]);
    expect(commitActions(actions).map((action) => action.branch)).toStrictEqual([otherBranch(lost)]);
    for (const branch of BRANCHES) {
      expect(await commitsSince(gitDir, seeds[branch]!, branch)).toHaveLength(1);
    }
  });
});
