import { afterEach, describe, expect, it } from 'vitest';
import { createLocalGitHost } from '#adapters/local/git-host.ts';
import { bumpImage } from '#app/image-bump/bump-image.ts';
import type { GitHost } from '#app/ports/git-host.ts';
import type { Config, ImageRule } from '#config/types.ts';
import { ManifestError } from '#domain/errors.ts';
import type { Target } from '#domain/targets.ts';
import { parseEcrImageAction } from '#parsers/ecr-image-action.ts';
import { ecrPushEvent } from '#test/events.ts';
import { createTestRepo, type TestRepo } from '#test/git-repo.ts';

const KUSTOMIZATION = `images:
  - name: my-app # the app
    newTag: 1.4.1
`;
const VALUES = `image:
  repository: 111122223333.dkr.ecr.eu-west-1.amazonaws.com/my-app
  tag: "1.4.1"
`;
const IMAGEDEFS = `[
  { "name": "web", "imageUri": "111122223333.dkr.ecr.eu-west-1.amazonaws.com/my-app:1.4.1" }
]
`;

const target = (fields: Partial<Target> & Pick<Target, 'kind'>): Target =>
  ({ repository: 'manifests', branch: 'stg', setName: false, ...fields }) as Target;

const rule = (update: Target[], extra: Partial<ImageRule> = {}): ImageRule => ({
  ecr: 'my-app',
  tags: { ordering: { kind: 'semver', range: '>=1.0.0', prerelease: false }, include: [], exclude: [] },
  digest: 'ignore',
  update,
  ...extra,
});

const config = (images: ImageRule[], maxAttempts = 5): Config => ({
  repositories: { manifests: { provider: 'local', path: repo.path } },
  commit: { author: { name: 'Flowkeeper', email: 'fk@example.com' }, maxAttempts },
  images,
  flow: {},
  mirrors: [],
});

const stgTargets = () => [
  target({ kind: 'kustomize', file: 'base/kustomization.yaml', image: 'my-app' }),
  target({
    kind: 'helm',
    file: 'values.yaml',
    path: 'image',
    tagKey: 'tag',
    repositoryKey: 'repository',
    digestKey: 'digest',
  }),
  target({ kind: 'imagedefinitions', file: 'imagedefinitions.json', container: 'web' }),
];

let repo: TestRepo;
afterEach(() => repo?.cleanup());

const files = {
  'base/kustomization.yaml': KUSTOMIZATION,
  'values.yaml': VALUES,
  'imagedefinitions.json': IMAGEDEFS,
};

function run(cfg: Config, detail: Record<string, unknown> = {}, host?: GitHost, id?: string) {
  const hostFor = () => host ?? createLocalGitHost(repo.path);
  return bumpImage(parseEcrImageAction(ecrPushEvent(detail, id)), { config: cfg, hostFor });
}

describe('bumpImage on a local repository', () => {
  it('updates every target of a branch in one commit that changes only the values', async () => {
    repo = await createTestRepo(files, ['stg']);
    const before = await repo.git('rev-parse', 'stg');
    const result = await run(config([rule(stgTargets())]), {}, undefined, 'event-1');

    expect(result.actions).toHaveLength(1);
    const [action] = result.actions;
    expect(action).toMatchObject({
      type: 'commit',
      repository: 'manifests',
      branch: 'stg',
      parentCommitId: before,
      attempts: 1,
    });
    expect(action?.type === 'commit' && action.changes).toEqual([
      { file: 'base/kustomization.yaml', target: expect.any(String), from: '1.4.1', to: '1.4.2' },
      { file: 'values.yaml', target: expect.any(String), from: '1.4.1', to: '1.4.2' },
      { file: 'imagedefinitions.json', target: expect.any(String), from: '1.4.1', to: '1.4.2' },
    ]);
    expect(await repo.git('rev-list', '--count', `${before}..stg`)).toBe('1');
    expect(await repo.git('show', 'stg:base/kustomization.yaml')).toBe(
      KUSTOMIZATION.replace('1.4.1', '1.4.2').trimEnd(),
    );
    expect(await repo.git('show', 'stg:values.yaml')).toBe(VALUES.replace('"1.4.1"', '"1.4.2"').trimEnd());
    expect(await repo.git('show', 'stg:imagedefinitions.json')).toBe(
      IMAGEDEFS.replace(':1.4.1', ':1.4.2').trimEnd(),
    );
    const message = await repo.git('log', '-1', '--format=%B', 'stg');
    expect(message).toMatch(/^my-app 1\.4\.1 → 1\.4\.2 \(stg\)\n\n/);
    expect(message).toContain('Event: event-1');
    expect(message).toContain(`Digest: sha256:${'4'.repeat(64)}`);
    expect(await repo.git('log', '-1', '--format=%an <%ae>', 'stg')).toBe('Flowkeeper <fk@example.com>');
  });

  it('changes nothing when the same event is replayed', async () => {
    repo = await createTestRepo(files, ['stg']);
    const cfg = config([rule(stgTargets())]);
    await run(cfg, {}, undefined, 'same');
    const after = await repo.refs();
    const replay = await run(cfg, {}, undefined, 'same');
    expect(replay.actions.every((a) => a.type === 'skip')).toBe(true);
    expect(replay.actions.map((a) => a.type === 'skip' && a.reason)).toEqual([
      'already at 1.4.2',
      'already at 1.4.2',
      'already at 1.4.2',
    ]);
    expect(await repo.refs()).toBe(after);
  });

  it('skips an older tag arriving late, with the reason', async () => {
    repo = await createTestRepo(files, ['stg']);
    const cfg = config([rule(stgTargets())]);
    await run(cfg, { 'image-tag': '1.4.3' });
    const after = await repo.refs();
    const late = await run(cfg, { 'image-tag': '1.4.2' });
    expect(late.actions[0]).toMatchObject({ type: 'skip', reason: '1.4.2 is older than the current 1.4.3' });
    expect(await repo.refs()).toBe(after);
  });

  it('makes one commit per branch', async () => {
    repo = await createTestRepo(files, ['stg', 'prod']);
    const targets = [
      target({ kind: 'kustomize', file: 'base/kustomization.yaml', image: 'my-app' }),
      target({ kind: 'kustomize', file: 'base/kustomization.yaml', image: 'my-app', branch: 'prod' }),
    ];
    const result = await run(config([rule(targets)]));
    expect(result.actions.map((a) => a.type === 'commit' && a.branch)).toEqual(['stg', 'prod']);
  });

  it('pins the digest next to the tag when the rule asks for it', async () => {
    repo = await createTestRepo(files, ['stg']);
    const targets = [target({ kind: 'imagedefinitions', file: 'imagedefinitions.json', container: 'web' })];
    await run(config([rule(targets, { digest: 'pin' })]));
    expect(await repo.git('show', 'stg:imagedefinitions.json')).toContain(
      `my-app:1.4.2@sha256:${'4'.repeat(64)}`,
    );
  });

  it('re-reads and re-plans when the branch moves between read and commit', async () => {
    repo = await createTestRepo(files, ['stg']);
    const local = createLocalGitHost(repo.path);
    let moves = 2;
    const racing: GitHost = {
      description: 'racing',
      readFile: (branch, path, at) => local.readFile(branch, path, at),
      changedFiles: (from, to) => local.changedFiles(from, to),
      listFiles: (branch, folder, at) => local.listFiles(branch, folder, at),
      async commit(request) {
        if (moves-- > 0) await repo.commitFiles('stg', { [`unrelated-${moves}.txt`]: 'x\n' });
        return local.commit(request);
      },
    };
    const result = await run(config([rule(stgTargets())]), {}, racing);
    expect(result.actions[0]).toMatchObject({ type: 'commit', attempts: 3 });
    expect(await repo.git('show', 'stg:unrelated-0.txt')).toBe('x');
    expect(await repo.git('show', 'stg:values.yaml')).toContain('"1.4.2"');
  });

  it('gives up with a transient error after maxAttempts', async () => {
    repo = await createTestRepo(files, ['stg']);
    const local = createLocalGitHost(repo.path);
    const alwaysMoving: GitHost = {
      description: 'busy',
      readFile: (branch, path, at) => local.readFile(branch, path, at),
      changedFiles: (from, to) => local.changedFiles(from, to),
      listFiles: (branch, folder, at) => local.listFiles(branch, folder, at),
      commit: async () => ({ status: 'conflict' }),
    };
    await expect(run(config([rule(stgTargets())], 2), {}, alwaysMoving)).rejects.toMatchObject({
      name: 'TransientError',
      message: 'branch stg of busy kept moving: gave up after 2 compare-and-swap attempts',
    });
  });

  it('writes nothing when one target of the branch is missing', async () => {
    repo = await createTestRepo(files, ['stg']);
    const before = await repo.refs();
    const targets = [
      ...stgTargets(),
      target({ kind: 'imagedefinitions', file: 'imagedefinitions.json', container: 'worker' }),
    ];
    await expect(run(config([rule(targets)]))).rejects.toThrow(ManifestError);
    expect(await repo.refs()).toBe(before);
  });

  it.each([
    [{ 'action-type': 'DELETE' }, 'action-type DELETE is not a push'],
    [{ result: 'FAILURE' }, 'push result is FAILURE, not SUCCESS'],
    [{ 'image-tag': undefined }, 'carries no tag (digest-only push)'],
    [{ 'repository-name': 'other' }, 'ECR repository other is not configured'],
    [{ 'image-tag': '0.9.0' }, 'tag 0.9.0 is outside the range >=1.0.0'],
    [{ 'image-tag': 'latest' }, 'tag latest is not a semantic version'],
  ])('skips %j with a reason and writes nothing', async (detail, reason) => {
    repo = await createTestRepo(files, ['stg']);
    const before = await repo.refs();
    const result = await run(config([rule(stgTargets())]), detail);
    expect(result.actions).toEqual([{ type: 'skip', reason: expect.stringContaining(reason) }]);
    expect(await repo.refs()).toBe(before);
  });
});
