import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openCatFileBatch } from '#adapters/local/git-cli.ts';
import { createLocalGitHost } from '#adapters/local/git-host.ts';
import { bumpImage } from '#app/image-bump/bump-image.ts';
import type { GitHost } from '#app/ports/git-host.ts';
import type { Config, ImageRule } from '#config/types.ts';
import type { Target } from '#domain/targets.ts';
import { parseEcrImageAction } from '#parsers/ecr-image-action.ts';
import { discoveryTree, TREE_GLOBS, TREE_URI } from '#test/discovery-tree.ts';
import { ecrPushEvent } from '#test/events.ts';
import { createTestRepo, type TestRepo } from '#test/git-repo.ts';

let repo: TestRepo;
afterEach(() => repo?.cleanup());

const rule = (update: Target[]): ImageRule => ({
  ecr: 'my-app',
  tags: { ordering: { kind: 'semver', range: '>=1.0.0', prerelease: false }, include: [], exclude: [] },
  digest: 'ignore',
  update,
});

const config = (images: ImageRule[]): Config => ({
  repositories: { manifests: { provider: 'local', path: repo.path } },
  commit: { author: { name: 'Flowkeeper', email: 'fk@example.com' }, maxAttempts: 3 },
  images,
  flow: {},
  mirrors: [],
});

const discover = (files: string[], names: string[] = []): Target => ({
  kind: 'discover',
  repository: 'manifests',
  branch: 'main',
  files,
  names,
  setName: false,
});

/** A host that counts listings and reads. */
function counting(host: GitHost) {
  const calls = { list: 0, read: 0 };
  const counted: GitHost = {
    description: host.description,
    readFile: (...args) => {
      calls.read += 1;
      return host.readFile(...args);
    },
    listFiles: (...args) => {
      calls.list += 1;
      return host.listFiles(...args);
    },
    commit: (request) => host.commit(request),
    changedFiles: (a, b) => host.changedFiles(a, b),
  };
  return { counted, calls };
}

function run(cfg: Config, host: GitHost, dryRun = false) {
  return bumpImage(parseEcrImageAction(ecrPushEvent({}, 'event-1')), {
    config: cfg,
    hostFor: () => host,
    dryRun,
  });
}

describe('discover targets on a local repository', () => {
  it('moves every reference of a 200-file tree in one commit and touches no decoy', async () => {
    const tree = discoveryTree();
    expect(Object.keys(tree.files)).toHaveLength(200);
    repo = await createTestRepo(tree.files, []);
    const before = await repo.git('rev-parse', 'main');
    const { counted, calls } = counting(createLocalGitHost(repo.path));
    const result = await run(config([rule([discover(TREE_GLOBS)])]), counted);

    const commits = result.actions.filter((a) => a.type === 'commit');
    expect(commits).toHaveLength(1);
    const changes = commits[0]?.type === 'commit' ? commits[0].changes : [];
    expect(changes).toHaveLength(tree.references);
    expect(changes.every((c) => c.from === '1.4.1' && c.to === '1.4.2')).toBe(true);
    expect(await repo.git('rev-list', '--count', `${before}..main`)).toBe('1');

    // Every file at the new head, read through one git process.
    const reader = openCatFileBatch(join(repo.path, '.git'));
    const read = async (path: string) => (await reader.get(`main:${path}`))?.content.toString('utf8');
    const files = await Promise.all(
      Object.entries(tree.files).map(async ([path, content]) => ({ path, content, after: await read(path) })),
    );
    await reader.close();
    for (const { path, content, after } of files) {
      if (tree.decoys.includes(path)) expect(after).toBe(content);
      else {
        expect(after).not.toContain(`${TREE_URI}:1.4.1`);
        // Byte for byte everywhere but the tags: CRLF, quotes and comments kept.
        expect(after).toBe(
          content
            .replaceAll(`${TREE_URI}:1.4.1`, `${TREE_URI}:1.4.2`)
            .replace(/newTag: 1\.4\.1/, 'newTag: 1.4.2')
            .replace('tag: "1.4.1"', 'tag: "1.4.2"'),
        );
      }
    }
    // Three folders listed once each; every file read once.
    expect(calls).toEqual({ list: 3, read: 200 });

    const skips = result.actions.filter((a) => a.type === 'skip');
    const reasons = skips.map((a) => (a.type === 'skip' ? a.reason : ''));
    expect(reasons.some((r) => r.includes('another registry or account'))).toBe(true);
    expect(reasons.some((r) => r.includes('opted out by # flowkeeper: ignore'))).toBe(true);
    expect(reasons.some((r) => r.includes('under names'))).toBe(true);
  });

  it('counts an explicit target and a discovered reference to one value as one value', async () => {
    const tree = discoveryTree();
    repo = await createTestRepo({ 'apps/a/values.yaml': tree.files['apps/svc-0/values.yaml']! }, []);
    const explicit: Target = {
      kind: 'helm',
      repository: 'manifests',
      branch: 'main',
      file: 'apps/a/values.yaml',
      path: 'image',
      tagKey: 'tag',
      repositoryKey: 'repository',
      digestKey: 'digest',
      setName: false,
    };
    const result = await run(
      config([rule([explicit, discover(['apps/*/values.yaml'])])]),
      createLocalGitHost(repo.path),
    );
    const [commit] = result.actions.filter((a) => a.type === 'commit');
    expect(commit?.type === 'commit' && commit.changes).toEqual([
      { file: 'apps/a/values.yaml', target: 'image.tag', from: '1.4.1', to: '1.4.2' },
    ]);
    expect(result.actions.filter((a) => a.type === 'skip' && a.reason.includes('already'))).toEqual([]);
  });

  it('leaves a value to the image whose explicit target writes it', async () => {
    const tree = discoveryTree();
    repo = await createTestRepo({ 'apps/a/values.yaml': tree.files['apps/svc-0/values.yaml']! }, []);
    const before = await repo.refs();
    const other: ImageRule = {
      ...rule([
        {
          kind: 'helm',
          repository: 'manifests',
          branch: 'main',
          file: 'apps/a/values.yaml',
          path: 'image',
          tagKey: 'tag',
          repositoryKey: 'repository',
          digestKey: 'digest',
          setName: false,
        },
      ]),
      ecr: 'other-app',
    };
    const result = await run(
      config([rule([discover(['apps/*/values.yaml'])]), other]),
      createLocalGitHost(repo.path),
    );
    expect(result.actions).toContainEqual(
      expect.objectContaining({
        type: 'skip',
        file: 'apps/a/values.yaml',
        target: 'image.tag',
        reason: 'an explicit target of image other-app writes this value',
      }),
    );
    expect(result.actions.every((a) => a.type === 'skip')).toBe(true);
    expect(await repo.refs()).toBe(before);
  });

  it('matches a bare name only when the target lists it, and never downgrades', async () => {
    repo = await createTestRepo(
      { 'v/values.yaml': 'image:\n  repository: my-app\n  tag: "1.4.1"\nold:\n  image: my-app:9.0.0\n' },
      [],
    );
    const host = createLocalGitHost(repo.path);
    const without = await run(config([rule([discover(['v/*.yaml'])])]), host, true);
    expect(without.actions.some((a) => a.type === 'dry-run')).toBe(false);
    const withName = await run(config([rule([discover(['v/*.yaml'], ['my-app'])])]), host, true);
    const dry = withName.actions.find((a) => a.type === 'dry-run');
    expect(dry?.type === 'dry-run' && dry.changes.map((c) => c.target)).toEqual(['image.tag']);
    expect(dry?.type === 'dry-run' && dry.diff).toContain('+  tag: "1.4.2"');
    expect(
      withName.actions.some((a) => a.type === 'skip' && a.reason.includes('older than the current 9.0.0')),
    ).toBe(true);
  });
});

describe('discovery limits', () => {
  /** Bumps a repository of `files` with one `k8s/*.yaml` discover target: the refusal, and whether refs moved. */
  async function refusal(files: Record<string, string>) {
    repo = await createTestRepo(files, []);
    const before = await repo.refs();
    const outcome = await run(config([rule([discover(['k8s/*.yaml'])])]), createLocalGitHost(repo.path)).then(
      (result) => ({ result }),
      (error: unknown) => ({ error }),
    );
    return { outcome, refsMoved: (await repo.refs()) !== before };
  }

  it('refuses globs that match more files than a discover target may read, naming the limit', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 501; i++) files[`k8s/f-${i}.yaml`] = `x: ${i}\n`;
    const { outcome, refsMoved } = await refusal(files);
    expect(outcome).toEqual({
      error: expect.objectContaining({
        message: expect.stringContaining(
          'match 501 files on branch main, more than the 500 files one discover target may read (the discovery file limit)',
        ),
      }),
    });
    expect(refsMoved).toBe(false);
  });

  it('refuses files that hold more bytes than one event may read, naming the limit, writing nothing', async () => {
    const files: Record<string, string> = {};
    const padding = `# ${'x'.repeat(98)}\n`.repeat(10_000); // 1 MB of comment per file
    for (let i = 0; i < 9; i++) files[`k8s/f-${i}.yaml`] = `${padding}image: ${TREE_URI}:1.0.0\n`;
    const { outcome, refsMoved } = await refusal(files);
    expect(outcome).toEqual({
      error: expect.objectContaining({
        message: expect.stringContaining(
          'hold 9.1 MB, more than the 8.0 MB one event may read (the discovery byte limit); narrow the globs',
        ),
      }),
    });
    expect(refsMoved).toBe(false);
  });
});
