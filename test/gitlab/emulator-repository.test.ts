import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gitText } from '../emulators/codecommit/git.ts';
import { gitlabApi, projectId } from '../emulators/gitlab/client.ts';
import { type GitLabEmulator, startGitLabEmulator } from '../emulators/gitlab/server.ts';

const TOKEN = 'glpat-repository';
let emulator: GitLabEmulator;
let gitDir: string;
const PATH = 'platform/app-manifests';
const PROJECT = `/projects/${projectId(PATH)}`;
const api = () => gitlabApi(emulator, TOKEN);
const rev = (spec: string) => gitText(gitDir, ['rev-parse', spec]);
/** main: seed → c1 … c5 (each bumps app.yaml); dev and stg branch off the seed. */
const BUMPS = 5;

beforeAll(async () => {
  emulator = await startGitLabEmulator();
  emulator.addToken(TOKEN);
  ({ gitDir } = await emulator.createProject(PATH, {
    main: { 'k8s/app.yaml': 'image: app:1.0.0\n', 'k8s/old.yaml': 'old: true\n' },
    dev: { 'k8s/app.yaml': 'image: app:dev\n' },
    stg: { 'k8s/app.yaml': 'image: app:1.0.0\n', 'k8s/old.yaml': 'old: true\n' },
  }));
  for (let version = 1; version <= BUMPS; version++) {
    const answer = await api()('POST', `${PROJECT}/repository/commits`, {
      branch: 'main',
      commit_message: `Bump to 1.${version}.0`,
      actions: [{ action: 'update', file_path: 'k8s/app.yaml', content: `image: app:1.${version}.0\n` }],
    });
    expect(answer.status).toBe(201);
  }
});
afterAll(() => emulator.stop());

type Json = Record<string, unknown>;

describe('branches', () => {
  it('answers a branch with its head commit and flags', async () => {
    const answer = await api()('GET', `${PROJECT}/repository/branches/main`);
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({
      name: 'main',
      commit: { id: await rev('main'), title: `Bump to 1.${BUMPS}.0` },
      merged: false,
      protected: true,
      default: true,
      can_push: true,
      web_url: `${emulator.url}/${PATH}/-/tree/main`,
    });
    const stg = await api()('GET', `${PROJECT}/repository/branches/stg`);
    expect(stg.json).toMatchObject({ name: 'stg', protected: false, default: false, merged: false });
  });

  it('answers a branch with a slash in its name when it is URL-encoded', async () => {
    await api()('POST', `${PROJECT}/repository/commits`, {
      branch: 'feature/x',
      start_branch: 'main',
      commit_message: 'x',
      actions: [{ action: 'create', file_path: 'x.txt', content: 'x' }],
    });
    const answer = await api()('GET', `${PROJECT}/repository/branches/feature%2Fx`);
    expect(answer.json).toMatchObject({ name: 'feature/x', commit: { id: await rev('feature/x') } });
  });

  it('answers 404 Branch Not Found for a missing branch', async () => {
    const answer = await api()('GET', `${PROJECT}/repository/branches/nope`);
    expect(answer.status).toBe(404);
    expect(answer.json).toEqual({ message: '404 Branch Not Found' });
  });

  it('lists branches by name, a page at a time, with GitLab pagination headers', async () => {
    const first = await api()('GET', `${PROJECT}/repository/branches?per_page=2`);
    expect((first.json as Json[]).map((branch) => branch.name)).toEqual(['dev', 'feature/x']);
    const base = `${emulator.url}/api/v4${PROJECT}/repository/branches`;
    const link = (page: number) => `<${base}?id=${projectId(PATH)}&page=${page}&per_page=2>`;
    expect(
      Object.fromEntries(
        [...first.headers].filter(([name]) => name.startsWith('x-') && name !== 'x-request-id'),
      ),
    ).toEqual({
      'x-page': '1',
      'x-per-page': '2',
      'x-next-page': '2',
      'x-prev-page': '',
      'x-total': '4',
      'x-total-pages': '2',
    });
    expect(first.headers.get('link')).toBe(
      `${link(2)}; rel="next", ${link(1)}; rel="first", ${link(2)}; rel="last"`,
    );
    const second = await api()('GET', `${PROJECT}/repository/branches?per_page=2&page=2`);
    expect((second.json as Json[]).map((branch) => branch.name)).toEqual(['main', 'stg']);
    expect(second.headers.get('x-next-page')).toBe('');
    expect(second.headers.get('x-prev-page')).toBe('1');
    expect(second.headers.get('link')).toBe(
      `${link(1)}; rel="prev", ${link(1)}; rel="first", ${link(2)}; rel="last"`,
    );
    const beyond = await api()('GET', `${PROJECT}/repository/branches?per_page=2&page=5`);
    expect(beyond.json).toEqual([]);
    expect(beyond.headers.get('x-prev-page')).toBe('');
  });

  it('pages 20 by default and at most 100', async () => {
    const standard = await api()('GET', `${PROJECT}/repository/branches`);
    expect(standard.headers.get('x-per-page')).toBe('20');
    const capped = await api()('GET', `${PROJECT}/repository/branches?per_page=500`);
    expect(capped.headers.get('x-per-page')).toBe('100');
  });
});

describe('commits', () => {
  it('answers one commit by sha or branch name, with stats', async () => {
    const head = await rev('main');
    for (const sha of [head, 'main']) {
      const answer = await api()('GET', `${PROJECT}/repository/commits/${sha}`);
      expect(answer.json).toMatchObject({
        id: head,
        parent_ids: [await rev('main~1')],
        title: `Bump to 1.${BUMPS}.0`,
        stats: { additions: 1, deletions: 1, total: 2 },
        project_id: expect.any(Number),
      });
    }
  });

  it('answers 404 Commit Not Found for an unknown sha', async () => {
    const answer = await api()('GET', `${PROJECT}/repository/commits/${'a'.repeat(40)}`);
    expect(answer.status).toBe(404);
    expect(answer.json).toEqual({ message: '404 Commit Not Found' });
  });

  it('lists commits newest first, paged without totals as GitLab does', async () => {
    const first = await api()('GET', `${PROJECT}/repository/commits?ref_name=main&per_page=2`);
    expect((first.json as Json[]).map((commit) => commit.id)).toEqual([
      await rev('main'),
      await rev('main~1'),
    ]);
    expect(first.headers.get('x-next-page')).toBe('2');
    expect(first.headers.get('x-total')).toBeNull();
    expect(first.headers.get('x-total-pages')).toBeNull();
    expect(first.headers.get('link')).not.toContain('rel="last"');
    const last = await api()('GET', `${PROJECT}/repository/commits?ref_name=main&per_page=4&page=2`);
    expect((last.json as Json[]).map((commit) => commit.title)).toEqual(['Bump to 1.1.0', 'Seed main']);
    expect(last.headers.get('x-next-page')).toBe('');
    expect(last.headers.get('x-prev-page')).toBe('1');
  });

  it('lists the default branch without ref_name, and nothing for a ref that names nothing', async () => {
    const standard = await api()('GET', `${PROJECT}/repository/commits?per_page=1`);
    expect((standard.json as Json[])[0]?.id).toBe(await rev('main'));
    const unknown = await api()('GET', `${PROJECT}/repository/commits?ref_name=nope`);
    expect(unknown.status).toBe(200);
    expect(unknown.json).toEqual([]);
  });

  it('answers a commit diff against its parent', async () => {
    const answer = await api()('GET', `${PROJECT}/repository/commits/main/diff`);
    expect(answer.json).toEqual([
      {
        diff: `@@ -1 +1 @@\n-image: app:1.${BUMPS - 1}.0\n+image: app:1.${BUMPS}.0\n`,
        collapsed: false,
        too_large: false,
        new_path: 'k8s/app.yaml',
        old_path: 'k8s/app.yaml',
        a_mode: '100644',
        b_mode: '100644',
        new_file: false,
        renamed_file: false,
        deleted_file: false,
        generated_file: false,
      },
    ]);
    expect(answer.headers.get('x-total')).toBe('1');
  });

  it('reports added, deleted and renamed files in a diff', async () => {
    const answer = await api()('POST', `${PROJECT}/repository/commits`, {
      branch: 'stg',
      commit_message: 'Reshape',
      actions: [
        { action: 'move', previous_path: 'k8s/old.yaml', file_path: 'k8s/renamed.yaml' },
        { action: 'create', file_path: 'k8s/added.yaml', content: 'added: 1\n' },
        { action: 'delete', file_path: 'k8s/app.yaml' },
      ],
    });
    const diff = await api()('GET', `${PROJECT}/repository/commits/${(answer.json as Json).id}/diff`);
    const summary = (diff.json as Json[]).map(
      ({ old_path, new_path, new_file, renamed_file, deleted_file, a_mode, b_mode }) => ({
        old_path,
        new_path,
        new_file,
        renamed_file,
        deleted_file,
        a_mode,
        b_mode,
      }),
    );
    expect(summary).toEqual([
      {
        old_path: 'k8s/added.yaml',
        new_path: 'k8s/added.yaml',
        new_file: true,
        renamed_file: false,
        deleted_file: false,
        a_mode: '0',
        b_mode: '100644',
      },
      {
        old_path: 'k8s/app.yaml',
        new_path: 'k8s/app.yaml',
        new_file: false,
        renamed_file: false,
        deleted_file: true,
        a_mode: '100644',
        b_mode: '0',
      },
      {
        old_path: 'k8s/old.yaml',
        new_path: 'k8s/renamed.yaml',
        new_file: false,
        renamed_file: true,
        deleted_file: false,
        a_mode: '100644',
        b_mode: '100644',
      },
    ]);
    expect((diff.json as Json[])[0]?.diff).toBe('@@ -0,0 +1 @@\n+added: 1\n');
    expect((diff.json as Json[])[2]?.diff).toBe('');
  });
});

describe('compare', () => {
  it('answers the commits oldest first and the diff from the merge base', async () => {
    const answer = await api()('GET', `${PROJECT}/repository/compare?from=dev&to=main`);
    const body = answer.json as Json & { commits: Json[]; diffs: Json[] };
    expect(body.commits.map((commit) => commit.title)).toEqual(
      Array.from({ length: BUMPS }, (_, index) => `Bump to 1.${index + 1}.0`),
    );
    expect(body.commit).toMatchObject({ id: await rev('main') });
    expect(body.compare_same_ref).toBe(false);
    expect(body.compare_timeout).toBe(false);
    // From the merge base (the seed of main), only app.yaml changed.
    expect(body.diffs.map((diff) => diff.new_path)).toEqual(['k8s/app.yaml']);
    expect(body.diffs[0]?.diff).toBe(`@@ -1 +1 @@\n-image: app:1.0.0\n+image: app:1.${BUMPS}.0\n`);
  });

  it('diffs from `from` itself with straight=true', async () => {
    const answer = await api()('GET', `${PROJECT}/repository/compare?from=dev&to=main&straight=true`);
    const diffs = (answer.json as { diffs: Json[] }).diffs;
    expect(diffs.map((diff) => diff.new_path)).toEqual(['k8s/app.yaml', 'k8s/old.yaml']);
    expect(diffs[0]?.diff).toBe(`@@ -1 +1 @@\n-image: app:dev\n+image: app:1.${BUMPS}.0\n`);
  });

  it('answers an empty comparison for the same commit', async () => {
    const answer = await api()('GET', `${PROJECT}/repository/compare?from=main&to=${await rev('main')}`);
    expect(answer.json).toMatchObject({ commit: null, commits: [], diffs: [], compare_same_ref: true });
  });

  it('answers 404 Ref Not Found for an unknown ref and 400 without from', async () => {
    const unknown = await api()('GET', `${PROJECT}/repository/compare?from=nope&to=main`);
    expect(unknown.status).toBe(404);
    expect(unknown.json).toEqual({ message: '404 Ref Not Found' });
    const missing = await api()('GET', `${PROJECT}/repository/compare?to=main`);
    expect(missing.status).toBe(400);
    expect(missing.json).toEqual({ error: 'from is missing' });
  });
});
