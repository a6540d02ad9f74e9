import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ecrPushEvent } from '#test/events.ts';
import {
  actionsOf,
  commitActions,
  createCommitStats,
  deliverUntilHandled,
  lastOutcome,
} from './support/deliver.ts';
import { commitsSince, headOf, yamlAt } from './support/git.ts';
import { type Stack, startStack } from './support/stack.ts';

// Fifty ECR repositories receive a push at the same moment (a monorepo release), and every one of
// them is deployed from the same branch: the pushes race for one branch head.

const IMAGES = Array.from({ length: 50 }, (_, i) => `img-${String(i + 1).padStart(2, '0')}`);
// Ten containers at once, each taking five events back to back as a warm Lambda container does.
// Five invocations in flight per process instead (fifty writers at once) also ends correct, but
// against the emulator, where every call costs CPU the writers share, it takes several hundred
// CreateCommit conflicts, minutes of wall time and first invocations that hit the 60 s timeout.
const PROCESSES = 10;
const CONCURRENCY = 1;
/** Lambda retries a failed asynchronous invocation twice: three deliveries in all. */
const MAX_DELIVERIES = 3;

let stack: Stack;

beforeAll(async () => {
  stack = await startStack(['ImageBumpFunction']);
});
afterAll(() => stack?.stop());
beforeEach(() => {
  stack.codecommit.calls.length = 0;
});

const kustomization = (images: string[]) =>
  stringify({
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    images: images.map((name) => ({
      name,
      newName: `111122223333.dkr.ecr.eu-west-1.amazonaws.com/${name}`,
      newTag: '1.0.0',
    })),
  });

interface KustomizationDoc {
  images: { name: string; newTag: string }[];
}

/**
 * The configuration split over several SSM parameters under one path: fifty image rules do not
 * fit in one standard-tier parameter (4 KB).
 */
async function putBurstConfig(path: string, repositoryName: string, fileOf: (image: string) => string) {
  await stack.putConfig(`${path}base`, {
    repositories: { manifests: { provider: 'codecommit', name: repositoryName } },
    // Writers racing for one head: each compare-and-swap round lets exactly one through, so a
    // writer can lose as many rounds in a row as there are writers ahead of it (ten here, up to
    // fifty when Lambda scales out). 20, the schema's maximum, keeps nearly every event inside its
    // first invocation; Lambda's retries cover the rest.
    commit: { maxAttempts: 20 },
  });
  for (let part = 0; part < IMAGES.length / 10; part++) {
    await stack.putConfig(`${path}images-${part}`, {
      images: IMAGES.slice(part * 10, part * 10 + 10).map((ecr) => ({
        ecr,
        tags: { semver: '>=1.0.0' },
        update: [
          { repository: 'manifests', branch: 'main', file: fileOf(ecr), kind: 'kustomize', image: ecr },
        ],
      })),
    });
  }
  return stack.envFor(path);
}

async function burst(variant: string, files: Record<string, string>, fileOf: (image: string) => string) {
  const { gitDir } = await stack.codecommit.createRepository(variant, { main: files });
  const seed = await headOf(gitDir, 'main');
  const env = await putBurstConfig(`/reliability/${variant}/`, variant, fileOf);
  const events = IMAGES.map((image) =>
    ecrPushEvent({ 'repository-name': image, 'image-tag': '1.0.1' }, `push-${variant}-${image}`),
  );

  const started = performance.now();
  const deliveries = await deliverUntilHandled(stack.bundles.ImageBumpFunction!, events, {
    env,
    processes: PROCESSES,
    concurrency: CONCURRENCY,
    maxDeliveries: MAX_DELIVERIES,
  });
  const wallMs = performance.now() - started;

  const stats = createCommitStats(stack.codecommit.calls);
  const commits = await commitsSince(gitDir, seed, 'main');
  const redelivered = deliveries.filter((delivery) => delivery.outcomes.length > 1).length;
  console.log(
    `burst (${variant}): ${IMAGES.length} events over ${PROCESSES} processes x ${CONCURRENCY}: ` +
      `${commits.length} commits, ${stats.attempts} CreateCommit attempts ` +
      `(${stats.conflicts} ParentCommitIdOutdated), ${redelivered} events redelivered, ` +
      `${Math.round(wallMs)} ms wall time`,
  );

  const unhandled = deliveries
    .map((delivery, i) => ({ image: IMAGES[i], outcome: lastOutcome(delivery) }))
    .filter(({ outcome }) => outcome?.ok !== true);
  expect(unhandled, 'every event is handled within Lambda’s three deliveries').toStrictEqual([]);
  // An invocation that timed out may still have landed its commit; its redelivery is then a no-op.
  const committed = deliveries.flatMap((delivery) => {
    const actions = actionsOf(lastOutcome(delivery));
    const commits = commitActions(actions);
    if (commits.length === 0) {
      expect(delivery.outcomes.length).toBeGreaterThan(1);
      expect(actions).toMatchObject([{ type: 'skip', reason: 'already at 1.0.1' }]);
    }
    return commits;
  });

  // Nothing lost: one commit per image, in one linear history starting at the seed.
  expect(commits).toHaveLength(IMAGES.length);
  commits.forEach((commit, i) => {
    expect(commit.parents).toStrictEqual([i === 0 ? seed : commits[i - 1]?.id]);
  });
  // Each reported commit sits on the head its invocation read: the compare-and-swap held.
  const parentOf = new Map(commits.map((commit) => [commit.id, commit.parents]));
  for (const action of committed)
    expect(parentOf.get(action.commitId)).toStrictEqual([action.parentCommitId]);
  const subjects = commits.map((commit) => commit.subject.split(' ')[0]).sort();
  expect(subjects).toStrictEqual(IMAGES);
  return { gitDir, commits };
}

describe('a burst of pushes to one branch', () => {
  it('lands all fifty values in one kustomization, one linear commit each', {
    timeout: 120_000,
  }, async () => {
    const file = 'apps/kustomization.yaml';
    const { gitDir, commits } = await burst('burst-one-file', { [file]: kustomization(IMAGES) }, () => file);

    for (const commit of commits) expect(commit.paths).toStrictEqual([file]);
    const final = (await yamlAt(gitDir, 'main', file)) as KustomizationDoc;
    expect(final.images.map((image) => [image.name, image.newTag])).toStrictEqual(
      IMAGES.map((image) => [image, '1.0.1']),
    );
  });

  it('lands all fifty values in fifty files of one branch, one linear commit each', {
    timeout: 120_000,
  }, async () => {
    const fileOf = (image: string) => `apps/${image}/kustomization.yaml`;
    const files = Object.fromEntries(IMAGES.map((image) => [fileOf(image), kustomization([image])]));
    const { gitDir, commits } = await burst('burst-many-files', files, fileOf);

    for (const commit of commits)
      expect(commit.paths).toStrictEqual([fileOf(commit.subject.split(' ')[0] ?? '')]);
    for (const image of IMAGES) {
      const doc = (await yamlAt(gitDir, 'main', fileOf(image))) as KustomizationDoc;
      expect(doc.images).toMatchObject([{ name: image, newTag: '1.0.1' }]);
    }
  });
});
