import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gitText } from '../emulators/codecommit/git.ts';
import { gitlabApi, projectId } from '../emulators/gitlab/client.ts';
import { type GitLabEmulator, startGitLabEmulator } from '../emulators/gitlab/server.ts';

const TOKEN = 'glpat-tree';
let emulator: GitLabEmulator;
let gitDir: string;
const PROJECT = `/projects/${projectId('platform/previews')}`;
const api = () => gitlabApi(emulator, TOKEN);

beforeAll(async () => {
  emulator = await startGitLabEmulator();
  emulator.addToken(TOKEN);
  ({ gitDir } = await emulator.createProject('platform/previews', {
    main: {
      'README.md': 'readme\n',
      'previews/a/values.yaml': 'a: 1\n',
      'previews/a/chart/Chart.yaml': 'name: a\n',
      'previews/b.yaml': 'b: 1\n',
    },
  }));
});
afterAll(() => emulator.stop());

describe('GET /projects/:id/repository/tree', () => {
  it('lists one folder level with ids, names, types, paths and modes', async () => {
    const head = await gitText(gitDir, ['rev-parse', 'refs/heads/main']);
    const answer = await api()('GET', `${PROJECT}/repository/tree?path=previews&ref=main`);
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual([
      {
        id: await gitText(gitDir, ['rev-parse', `${head}:previews/a`]),
        name: 'a',
        type: 'tree',
        path: 'previews/a',
        mode: '040000',
      },
      {
        id: await gitText(gitDir, ['rev-parse', `${head}:previews/b.yaml`]),
        name: 'b.yaml',
        type: 'blob',
        path: 'previews/b.yaml',
        mode: '100644',
      },
    ]);
  });

  it('lists recursively, folders before their contents, and pages with X-Next-Page', async () => {
    const first = await api()(
      'GET',
      `${PROJECT}/repository/tree?path=previews&ref=main&recursive=true&per_page=3`,
    );
    expect(first.headers.get('x-next-page')).toBe('2');
    const second = await api()(
      'GET',
      `${PROJECT}/repository/tree?path=previews&ref=main&recursive=true&per_page=3&page=2`,
    );
    expect(second.headers.get('x-next-page')).toBe('');
    const paths = [...(first.json as { path: string }[]), ...(second.json as { path: string }[])].map(
      (item) => item.path,
    );
    expect(paths).toEqual([
      'previews/a',
      'previews/a/chart',
      'previews/a/chart/Chart.yaml',
      'previews/a/values.yaml',
      'previews/b.yaml',
    ]);
  });

  it('answers 404 Tree Not Found for a missing path or ref', async () => {
    for (const query of ['path=nowhere&ref=main', 'path=previews&ref=gone', 'path=README.md&ref=main']) {
      const answer = await api()('GET', `${PROJECT}/repository/tree?${query}`);
      expect(answer.status).toBe(404);
      expect(answer.json).toEqual({ message: '404 Tree Not Found' });
    }
  });
});
