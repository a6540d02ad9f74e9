import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReconcileResult } from '#app/reconcile/reconcile.ts';
import { nextSecond, seedEcrImage } from '#test/ecr-seed.ts';
import { invokeSpread, resultOf } from './support/deliver.ts';
import { exampleManifests, releaseTags, releaseTargets, sampleEvent } from './support/example.ts';
import { commitsSince, fileAt, headOf, yamlAt } from './support/git.ts';
import { type Stack, startStack } from './support/stack.ts';

// A push event that never arrives (EventBridge gave up, a rule was disabled for a while) is healed
// by the scheduled reconciliation, which compares every target with what ECR holds now.

let stack: Stack;

beforeAll(async () => {
  stack = await startStack(['ReconcileFunction']);
});
afterAll(() => stack?.stop());

interface DevKustomization {
  images: { name: string; newName: string; newTag: string }[];
}

describe('the scheduled reconciliation', () => {
  it('brings every target to the image ECR holds, one commit per branch, and changes nothing on the next run', {
    timeout: 60_000,
  }, async () => {
    const manifests = await exampleManifests();
    const name = 'reconcile-manifests';
    const { gitDir } = await stack.codecommit.createRepository(name, {
      main: manifests,
      stg: manifests,
      dev: manifests,
    });
    const seeds = {
      main: await headOf(gitDir, 'main'),
      stg: await headOf(gitDir, 'stg'),
      dev: await headOf(gitDir, 'dev'),
    };
    const parameter = '/reliability/reconcile/config';
    await stack.putConfig(parameter, {
      repositories: { manifests: { provider: 'codecommit', name } },
      images: [
        {
          ecr: 'my-app',
          tags: { semver: '>=1.0.0' },
          update: [...releaseTargets('stg'), releaseTargets('main')[0]],
        },
        {
          // Builds of the main line carry a commit hash: no order in the tag, the last push wins.
          ecr: 'my-app-dev',
          tags: { pattern: '^main-[0-9a-f]{7}$', order: 'push-time' },
          update: [
            {
              repository: 'manifests',
              branch: 'dev',
              file: 'overlays/dev/kustomization.yaml',
              kind: 'kustomize',
              image: 'my-app',
            },
          ],
        },
      ],
    });
    // 1.4.2 is pushed but its event is lost; a prerelease pushed after it is not a candidate.
    await seedEcrImage(stack.ecr, 'my-app', '1.4.1');
    await seedEcrImage(stack.ecr, 'my-app', '1.4.2');
    await seedEcrImage(stack.ecr, 'my-app', '1.5.0-rc.1');
    // The hash of the last build sorts first; a later push of another kind of tag does not count.
    await seedEcrImage(stack.ecr, 'my-app-dev', 'main-f00d123');
    await nextSecond();
    await seedEcrImage(stack.ecr, 'my-app-dev', 'main-0abc999');
    await nextSecond();
    await seedEcrImage(stack.ecr, 'my-app-dev', 'pr-42');

    const schedule = await sampleEvent('scheduled-reconcile.json');
    const env = stack.envFor(parameter);
    stack.codecommit.calls.length = 0;
    const [first] = await invokeSpread(stack.bundles.ReconcileFunction!, [schedule], { env });

    const result = resultOf<ReconcileResult>(first);
    expect(result.images).toMatchObject([
      { ecr: 'my-app', tag: '1.4.2' },
      { ecr: 'my-app-dev', tag: 'main-0abc999' },
    ]);
    for (const image of result.images) expect(image).not.toHaveProperty('error');
    const stg = await commitsSince(gitDir, seeds.stg, 'stg');
    const main = await commitsSince(gitDir, seeds.main, 'main');
    const dev = await commitsSince(gitDir, seeds.dev, 'dev');
    expect(stg.map((commit) => commit.paths)).toStrictEqual([
      releaseTargets('stg')
        .map((t) => t.file)
        .sort(),
    ]);
    expect(main.map((commit) => commit.paths)).toStrictEqual([['base/kustomization.yaml']]);
    expect(dev.map((commit) => commit.paths)).toStrictEqual([['overlays/dev/kustomization.yaml']]);
    expect(await releaseTags((path) => fileAt(gitDir, 'stg', path))).toStrictEqual(Array(4).fill('1.4.2'));
    expect((await releaseTags((path) => fileAt(gitDir, 'main', path)))[0]).toBe('1.4.2');
    const overlay = (await yamlAt(gitDir, 'dev', 'overlays/dev/kustomization.yaml')) as DevKustomization;
    // Without setName the image name in the file stays as it was.
    expect(overlay.images).toStrictEqual([
      {
        name: 'my-app',
        newName: '111122223333.dkr.ecr.eu-west-1.amazonaws.com/my-app-dev',
        newTag: 'main-0abc999',
      },
    ]);

    stack.codecommit.calls.length = 0;
    const [second] = await invokeSpread(stack.bundles.ReconcileFunction!, [schedule], { env });

    const again = resultOf<ReconcileResult>(second);
    const actions = again.images.flatMap((image) => image.actions);
    expect(actions.length).toBeGreaterThan(0);
    for (const action of actions) expect(action.type).toBe('skip');
    expect(stack.codecommit.calls.filter((call) => call.operation === 'CreateCommit')).toStrictEqual([]);
    for (const branch of ['stg', 'main', 'dev'] as const) {
      expect(await commitsSince(gitDir, seeds[branch], branch)).toHaveLength(1);
    }
  });
});
