import { afterEach, describe, expect, it } from 'vitest';
import { createLocalGitHost } from '#adapters/local/git-host.ts';
import { createLocalPreviewSource } from '#adapters/local/preview-source.ts';
import type { ImageDetail, ImageRegistry } from '#app/ports/image-registry.ts';
import type { PreviewDeps } from '#app/previews/deps.ts';
import { closePreview, openPreview, sweepPreviews, updatePreview } from '#app/previews/lifecycle.ts';
import { parseConfig } from '#config/schema.ts';
import type { PreviewSetConfig } from '#config/types.ts';
import { createTestRepo, type TestRepo } from '#test/git-repo.ts';

const TEMPLATE = {
  'previews/_template/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.1.0\n',
  'previews/_template/values.yaml': [
    '# preview values',
    'host: "{slug}.preview.example.com"',
    'branch: "{branch}"',
    'image:',
    '  repository: 111122223333.dkr.ecr.eu-west-1.amazonaws.com/my-app',
    '  tag: latest',
    '',
  ].join('\n'),
  'previews/_template/templates/deployment.yaml': 'kind: Deployment\nimage: {{ .Values.image.repository }}\n',
  'apps/main.yaml': 'kind: Keep\n',
};
const PLACE = { account: '111122223333', region: 'eu-west-1' };
const repos: TestRepo[] = [];
afterEach(async () => {
  await Promise.all(repos.splice(0).map((repo) => repo.cleanup()));
});

/** An in-memory registry: the images a test pushed. */
function registry(images: ImageDetail[] = []): ImageRegistry & { images: ImageDetail[] } {
  return {
    images,
    describeImage: async (_, ref) =>
      images.find((image) => ref.tag !== undefined && image.tags.includes(ref.tag)),
    listImages: async () => images,
    scanFindings: async () => undefined,
  };
}

async function setup(options: { maxOpen?: number; ttlHours?: number; images?: ImageDetail[] } = {}) {
  const manifests = await createTestRepo(TEMPLATE);
  const source = await createTestRepo({ 'README.md': 'app\n' }, [
    'feature/one',
    'feature/two',
    'feature/three',
  ]);
  repos.push(manifests, source);
  const config = parseConfig(
    {
      repositories: {
        manifests: { provider: 'local', path: manifests.path },
        app: { provider: 'local', path: source.path },
      },
      previews: [
        {
          name: 'web',
          repository: 'manifests',
          branch: 'main',
          template: 'previews/_template',
          path: 'previews/{slug}',
          source: { repository: 'app', branches: ['**'] },
          url: 'https://{slug}.preview.example.com',
          image: {
            ecr: 'my-app',
            tag: '^(?<branch>.+)-[0-9a-f]{7}$',
            target: { kind: 'helm', file: 'values.yaml', path: 'image' },
          },
          limits: { maxOpen: options.maxOpen ?? 5, ttlHours: options.ttlHours ?? 24 },
        },
      ],
    },
    'test',
  );
  let now = new Date('2026-03-10T09:00:00Z');
  const images = registry(options.images);
  const deps: PreviewDeps = {
    config,
    hostFor: (key) => createLocalGitHost(key === 'manifests' ? manifests.path : source.path),
    sourceFor: (key) => createLocalPreviewSource(key === 'app' ? source.path : manifests.path),
    registry: images,
    now: () => now,
  };
  const set = config.previews?.[0] as PreviewSetConfig;
  const files = async () =>
    (await manifests.git('ls-tree', '-r', '--name-only', 'main', 'previews')).split('\n');
  const commits = async () => Number(await manifests.git('rev-list', '--count', 'main'));
  const advance = (hours: number) => {
    now = new Date(now.getTime() + hours * 3_600_000);
  };
  return { manifests, source, deps, set, files, commits, advance, images };
}

const context = (eventId: string) => ({ eventId, place: PLACE });

describe('previews against a local git repository', () => {
  it('opens a preview in one commit, rendered from the template; opening again changes nothing', async () => {
    const { deps, set, files, commits, manifests } = await setup();
    const before = await commits();
    const action = await openPreview(deps, set, { branch: 'feature/one' }, context('e-1'));
    expect(action).toMatchObject({ type: 'open', detail: expect.stringMatching(/^https:\/\/feature-one-/) });
    const slug = action.slug as string;
    expect(slug).toMatch(/^feature-one-[0-9a-f]{8}$/);
    expect(await commits()).toBe(before + 1);
    expect(await files()).toEqual(
      expect.arrayContaining([
        `previews/${slug}/.flowkeeper-preview.json`,
        `previews/${slug}/Chart.yaml`,
        `previews/${slug}/templates/deployment.yaml`,
        `previews/${slug}/values.yaml`,
      ]),
    );
    const values = await manifests.git('show', `main:previews/${slug}/values.yaml`);
    // The test helper trims the final line break git prints.
    expect(`${values}\n`).toBe(
      TEMPLATE['previews/_template/values.yaml'].replace('{slug}', slug).replace('{branch}', 'feature/one'),
    );
    expect(await openPreview(deps, set, { branch: 'feature/one' }, context('e-1'))).toMatchObject({
      type: 'skip',
      reason: 'the preview is already open',
    });
    expect(await commits()).toBe(before + 1);
  });

  it('starts a preview on the newest image of its branch, and bumps only that preview on a push', async () => {
    const { deps, set, manifests, images, commits } = await setup({
      images: [
        {
          digest: `sha256:${'1'.repeat(64)}`,
          tags: ['feature/one-1111111'],
          pushedAt: new Date('2026-03-09T08:00:00Z'),
        },
        {
          digest: `sha256:${'2'.repeat(64)}`,
          tags: ['feature/one-2222222'],
          pushedAt: new Date('2026-03-09T09:00:00Z'),
        },
      ],
    });
    const one = await openPreview(deps, set, { branch: 'feature/one' }, context('e-1'));
    const two = await openPreview(deps, set, { branch: 'feature/two' }, context('e-2'));
    expect(await manifests.git('show', `main:previews/${one.slug}/values.yaml`)).toContain(
      'tag: 2222222'.replace('2222222', 'feature/one-2222222'),
    );
    images.images.push({
      digest: `sha256:${'3'.repeat(64)}`,
      tags: ['feature/one-3333333'],
      pushedAt: new Date('2026-03-10T09:30:00Z'),
    });
    const before = await commits();
    const update = await updatePreview(deps, set, { tag: 'feature/one-3333333' }, context('e-3'));
    expect(update).toMatchObject({ type: 'update', slug: one.slug });
    expect(await commits()).toBe(before + 1);
    expect(await manifests.git('show', `main:previews/${one.slug}/values.yaml`)).toContain(
      'tag: feature/one-3333333',
    );
    expect(await manifests.git('show', `main:previews/${two.slug}/values.yaml`)).toContain('tag: latest');
    // The same push again, an older one, and one for a preview that does not exist: skips, no commit.
    expect(await updatePreview(deps, set, { tag: 'feature/one-3333333' }, context('e-3'))).toMatchObject({
      type: 'skip',
    });
    expect(await updatePreview(deps, set, { tag: 'feature/one-2222222' }, context('e-4'))).toMatchObject({
      type: 'skip',
      reason: expect.stringContaining('was pushed before'),
    });
    expect(await updatePreview(deps, set, { tag: 'feature/none-4444444' }, context('e-5'))).toMatchObject({
      type: 'skip',
      reason: expect.stringContaining('no open preview'),
    });
    expect(await commits()).toBe(before + 1);
  });

  it('closes in one commit that removes the directory and nothing else; a second close is a skip', async () => {
    const { deps, set, files, commits } = await setup();
    const opened = await openPreview(deps, set, { branch: 'feature/one', pullRequest: '7' }, context('e-1'));
    const before = await commits();
    const closed = await closePreview(deps, set, { branch: 'feature/one', pullRequest: '7' }, context('e-2'));
    expect(closed).toEqual([expect.objectContaining({ type: 'close', slug: opened.slug })]);
    expect(await commits()).toBe(before + 1);
    expect((await files()).filter((file) => !file.startsWith('previews/_template/'))).toEqual([]);
    expect(
      await closePreview(deps, set, { branch: 'feature/one', pullRequest: '7' }, context('e-2')),
    ).toEqual([expect.objectContaining({ type: 'skip' })]);
    expect(await commits()).toBe(before + 1);
  });

  it('does not bring back a preview when its open arrives after the branch is gone', async () => {
    const { deps, set, source, files } = await setup();
    await source.git('branch', '-D', 'feature/one');
    expect(await closePreview(deps, set, { branch: 'feature/one' }, context('close'))).toEqual([
      expect.objectContaining({ type: 'skip' }),
    ]);
    expect(await openPreview(deps, set, { branch: 'feature/one' }, context('open'))).toMatchObject({
      type: 'skip',
    });
    expect((await files()).filter((file) => !file.startsWith('previews/_template/'))).toEqual([]);
  });

  it('lands two previews opened at once, each in its own commit', async () => {
    const { deps, set, files } = await setup();
    const [a, b] = await Promise.all([
      openPreview(deps, set, { branch: 'feature/one' }, context('a')),
      openPreview(deps, set, { branch: 'feature/two' }, context('b')),
    ]);
    expect([a.type, b.type]).toEqual(['open', 'open']);
    const listed = await files();
    expect(listed).toContain(`previews/${a.slug}/values.yaml`);
    expect(listed).toContain(`previews/${b.slug}/values.yaml`);
  });

  it('keeps a preview waiting above the limit, and opens the oldest waiting one when another closes', async () => {
    const { deps, set, files, manifests } = await setup({ maxOpen: 1 });
    const one = await openPreview(deps, set, { branch: 'feature/one' }, context('1'));
    const two = await openPreview(deps, set, { branch: 'feature/two' }, context('2'));
    const three = await openPreview(deps, set, { branch: 'feature/three' }, context('3'));
    expect([one.type, two.type, three.type]).toEqual(['open', 'wait', 'wait']);
    expect((await files()).some((file) => file.startsWith(`previews/${two.slug}/`))).toBe(false);
    const waiting = JSON.parse(await manifests.git('show', 'main:previews/.flowkeeper-waiting.json')) as {
      slug: string;
    }[];
    expect(waiting.map((entry) => entry.slug)).toEqual([two.slug, three.slug]);
    const closed = await closePreview(deps, set, { branch: 'feature/one' }, context('4'));
    expect(closed.map((action) => [action.type, action.slug])).toEqual([
      ['close', one.slug],
      ['open', two.slug],
    ]);
    expect(await files()).toContain(`previews/${two.slug}/values.yaml`);
  });

  it('sweeps previews whose branch is gone or whose time to live passed, however the close was lost', async () => {
    const { deps, set, files, source, advance } = await setup({ ttlHours: 48 });
    const one = await openPreview(deps, set, { branch: 'feature/one' }, context('1'));
    advance(30);
    const two = await openPreview(deps, set, { branch: 'feature/two' }, context('2'));
    await source.git('branch', '-D', 'feature/two');
    const swept = await sweepPreviews(deps, set, context('sweep-1'));
    expect(swept.map((action) => [action.type, action.slug])).toEqual([['close', two.slug]]);
    advance(20);
    expect(
      (await sweepPreviews(deps, set, context('sweep-2'))).map((action) => [action.type, action.slug]),
    ).toEqual([['close', one.slug]]);
    expect((await files()).filter((file) => !file.startsWith('previews/_template/'))).toEqual([]);
  });

  it('keeps hostile branch names inside the preview directory', async () => {
    const { deps, set, files } = await setup({ maxOpen: 10 });
    for (const branch of ['../x', 'a:b', 'x'.repeat(300), 'ブランチ', 'true', '1e3']) {
      const action = await openPreview(deps, set, { branch, pullRequest: '9' }, context(branch.slice(0, 20)));
      expect(action.type).toBe('open');
      expect(action.slug).toMatch(/^[a-z][a-z0-9-]{0,62}$/);
    }
    for (const file of await files())
      expect(file).toMatch(/^previews\/[a-z_][a-z0-9_-]*\/|^previews\/\.flowkeeper/);
  });
});
