import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCodeCommitGitHost } from '#adapters/codecommit/git-host.ts';
import { createGitLabGitHost } from '#adapters/gitlab/git-host.ts';
import { createLocalGitHost } from '#adapters/local/git-host.ts';
import { type GitHost, GitHostError } from '#app/ports/git-host.ts';
import { createTestRepo, type TestRepo } from '#test/git-repo.ts';
import { rejectionOf } from '#test/rejection.ts';
import { emulatorClient } from '../emulators/codecommit/client.ts';
import { type CodeCommitEmulator, startCodeCommitEmulator } from '../emulators/codecommit/server.ts';
import { type GitLabEmulator, startGitLabEmulator } from '../emulators/gitlab/server.ts';

/** The same contract for the three git hosts: listing a folder, and deleting files in a commit. */
const FILES: Record<string, string> = {
  'README.md': '# manifests\n',
  'previews/_template/values.yaml': 'image: app:1\n',
  'previews/pr-1/values.yaml': 'image: app:2\n',
  'previews/pr-1/chart/Chart.yaml': 'name: app\n',
  'previews/pr-1/chart/templates/deployment.yaml': 'kind: Deployment\n',
  'previews-other/x.yaml': 'x: 1\n',
};
const AUTHOR = { name: 'Flowkeeper', email: 'flowkeeper@example.com' };
const TOKEN = 'glpat-list-files-0123456789';

let codecommit: CodeCommitEmulator;
let gitlab: GitLabEmulator;
const repos: TestRepo[] = [];
let count = 0;

beforeAll(async () => {
  [codecommit, gitlab] = await Promise.all([startCodeCommitEmulator(), startGitLabEmulator()]);
  gitlab.addToken(TOKEN);
});
afterAll(async () => {
  await Promise.all([codecommit.stop(), gitlab.stop(), ...repos.map((repo) => repo.cleanup())]);
});

const hosts: Record<string, () => Promise<GitHost>> = {
  local: async () => {
    const repo = await createTestRepo(FILES);
    repos.push(repo);
    return createLocalGitHost(repo.path);
  },
  codecommit: async () => {
    const repositoryName = `list-${++count}`;
    await codecommit.createRepository(repositoryName, { main: FILES });
    return createCodeCommitGitHost({ repositoryName, client: emulatorClient(codecommit) });
  },
  gitlab: async () => {
    const project = `platform/list-${++count}`;
    await gitlab.createProject(project, { main: FILES });
    return createGitLabGitHost({ url: gitlab.url, project, token: async () => TOKEN });
  },
};

describe.each(Object.keys(hosts))('%s git host: listFiles and deletions', (name) => {
  const open = hosts[name] as () => Promise<GitHost>;

  it('lists every file under a folder recursively, sorted, at the branch head', async () => {
    const host = await open();
    const head = (await host.readFile('main', 'README.md')).commitId;
    expect(await host.listFiles('main', 'previews/pr-1')).toEqual({
      commitId: head,
      files: [
        'previews/pr-1/chart/Chart.yaml',
        'previews/pr-1/chart/templates/deployment.yaml',
        'previews/pr-1/values.yaml',
      ],
    });
    // A trailing slash names the same folder; a sibling sharing the prefix is not inside it.
    expect((await host.listFiles('main', 'previews/')).files).toHaveLength(4);
    expect((await host.listFiles('main', '')).files).toEqual(Object.keys(FILES).sort());
  });

  it('lists no files for a folder that does not exist, and refuses a missing branch', async () => {
    const host = await open();
    const head = (await host.readFile('main', 'README.md')).commitId;
    expect(await host.listFiles('main', 'previews/pr-404')).toEqual({ commitId: head, files: [] });
    const error = await rejectionOf(host.listFiles('gone', 'previews'), GitHostError);
    expect(error.code).toBe('BranchNotFound');
  });

  it('deletes files and writes others in one compare-and-swap commit, then lists at either commit', async () => {
    const host = await open();
    const before = await host.listFiles('main', 'previews');
    const result = await host.commit({
      branch: 'main',
      parentCommitId: before.commitId,
      changes: [
        { path: 'previews/pr-1/values.yaml', delete: true },
        { path: 'previews/pr-1/chart/Chart.yaml', delete: true },
        { path: 'previews/pr-1/chart/templates/deployment.yaml', delete: true },
        { path: 'previews/pr-2/values.yaml', content: 'image: app:3\n' },
      ],
      message: 'Close preview pr-1, open pr-2',
      author: AUTHOR,
    });
    if (result.status !== 'committed') throw new Error(`expected a commit, got ${result.status}`);
    expect(await host.listFiles('main', 'previews')).toEqual({
      commitId: result.commitId,
      files: ['previews/_template/values.yaml', 'previews/pr-2/values.yaml'],
    });
    expect((await host.listFiles('main', 'previews/pr-1', before.commitId)).files).toHaveLength(3);
    const gone = await rejectionOf(host.readFile('main', 'previews/pr-1/values.yaml'), GitHostError);
    expect(gone.code).toBe('FileNotFound');
    // The parent moved and the file with it: deleting it again from the old parent is a conflict.
    const again = await host.commit({
      branch: 'main',
      parentCommitId: before.commitId,
      changes: [{ path: 'previews/pr-1/values.yaml', delete: true }],
      message: 'stale',
      author: AUTHOR,
    });
    expect(again.status).toBe('conflict');
  });
});
