import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ecrPushEvent } from '#test/events.ts';
import { createCommitStats } from './support/deliver.ts';
import { commitsSince, headOf, yamlAt } from './support/git.ts';
import { deliverQueued, eventResults } from './support/queued.ts';
import { type Stack, startStack } from './support/stack.ts';

// Fifty ECR repositories receive a push at the same moment (a monorepo release), and every one of
// them is deployed from the same branch. As deployed, the events wait in the FIFO image event
// queue and reach the function in batches of ten; each batch lands in one commit. The default
// configuration is used (commit.maxAttempts 5), as in production.

const IMAGES = Array.from({ length: 50 }, (_, i) => `img-${String(i + 1).padStart(2, '0')}`);

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
  const report = await deliverQueued(stack, env, events);
  const wallMs = performance.now() - started;

  const stats = createCommitStats(stack.codecommit.calls);
  const commits = await commitsSince(gitDir, seed, 'main');
  console.log(
    `burst (${variant}): ${IMAGES.length} events through the FIFO queue: ${report.invocations.length} batches, ` +
      `${commits.length} commits, ${stats.attempts} CreateCommit attempts (${stats.conflicts} ParentCommitIdOutdated), ` +
      `${report.redelivered} events redelivered, ${Math.round(wallMs)} ms wall time`,
  );

  // Nothing lost, nothing retried, nothing dead-lettered.
  expect(report.deadLettered).toStrictEqual([]);
  expect(report.redelivered).toBe(0);
  expect(report.invocations.every((invocation) => invocation.failed.length === 0)).toBe(true);
  const results = eventResults(report);
  expect([...results.keys()].sort()).toStrictEqual(events.map((event) => event.id).sort());
  // One commit per batch, each on the head it read: a linear history from the seed.
  expect(commits).toHaveLength(report.invocations.length);
  expect(commits.length).toBeLessThanOrEqual(10);
  expect(stats.attempts).toBeLessThanOrEqual(commits.length * 2);
  commits.forEach((commit, i) => {
    expect(commit.parents).toStrictEqual([i === 0 ? seed : commits[i - 1]?.id]);
  });
  const parentOf = new Map(commits.map((commit) => [commit.id, commit.parents]));
  for (const result of results.values()) {
    const commit = result.actions.find((action) => action.type === 'commit');
    expect(commit, `${result.eventId} landed in a commit`).toBeDefined();
    if (commit?.type === 'commit')
      expect(parentOf.get(commit.commitId)).toStrictEqual([commit.parentCommitId]);
  }
  // Every image and every event is named in the history.
  const messages = await Promise.all(commits.map((commit) => commitMessageOf(gitDir, commit.id)));
  for (const image of IMAGES)
    expect(messages.some((message) => message.includes(`ECR repository: ${image}\n`))).toBe(true);
  for (const event of events)
    expect(messages.some((message) => message.includes(`Event: ${event.id}\n`))).toBe(true);
  return { gitDir, commits };
}

describe('a burst of pushes to one branch', () => {
  it('lands all fifty values in one kustomization, one commit per batch', {
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

  it('lands all fifty values in fifty files of one branch, one commit per batch', {
    timeout: 120_000,
  }, async () => {
    const fileOf = (image: string) => `apps/${image}/kustomization.yaml`;
    const files = Object.fromEntries(IMAGES.map((image) => [fileOf(image), kustomization([image])]));
    const { gitDir, commits } = await burst('burst-many-files', files, fileOf);

    // A batch's commit touches exactly the files of its images.
    expect(commits.flatMap((commit) => commit.paths).sort()).toStrictEqual(IMAGES.map(fileOf).sort());
    for (const image of IMAGES) {
      const doc = (await yamlAt(gitDir, 'main', fileOf(image))) as KustomizationDoc;
      expect(doc.images).toMatchObject([{ name: image, newTag: '1.0.1' }]);
    }
  });
});

async function commitMessageOf(gitDir: string, commit: string): Promise<string> {
  const { execFile } = await import('node:child_process');
  const { promisify } = await import('node:util');
  const { stdout } = await promisify(execFile)('git', [
    '--git-dir',
    gitDir,
    'log',
    '-1',
    '--format=%B',
    commit,
  ]);
  return stdout;
}
