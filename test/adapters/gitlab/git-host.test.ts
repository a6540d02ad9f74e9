import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGitLabGitHost } from '#adapters/gitlab/git-host.ts';
import { type CommitRequest, GitHostError } from '#app/ports/git-host.ts';
import { rejectionOf as rejectionOfType } from '#test/rejection.ts';
import { gitText } from '../../emulators/codecommit/git.ts';
import { type GitLabEmulator, startGitLabEmulator } from '../../emulators/gitlab/server.ts';

const rejectionOf = (call: Promise<unknown>) => rejectionOfType(call, GitHostError);

const TOKEN = 'glpat-host-test-0123456789abcdef';
const AUTHOR = { name: 'Flowkeeper', email: 'flowkeeper@example.com' };
const COMMITS_ROUTE = 'POST /projects/:id/repository/commits';

let emulator: GitLabEmulator;
let projectCount = 0;

beforeAll(async () => {
  emulator = await startGitLabEmulator();
  emulator.addToken(TOKEN);
});
afterAll(() => emulator.stop());
beforeEach(() => emulator.faults.reset());

/** A project `group/manifests-<n>` with `main` holding two files, and a host on it. */
async function project(files: Record<string, string | Uint8Array> = {}) {
  const path = `platform/manifests-${++projectCount}`;
  const { gitDir, id } = await emulator.createProject(path, {
    main: { 'apps/api.yaml': 'image: api:1\n', 'README.md': '# manifests\n', ...files },
  });
  const host = createGitLabGitHost({ url: emulator.url, project: path, token: async () => TOKEN });
  const head = () => gitText(gitDir, ['rev-parse', 'refs/heads/main']);
  return { path, id, gitDir, host, head };
}

const request = (parentCommitId: string, changes: CommitRequest['changes']): CommitRequest => ({
  branch: 'main',
  parentCommitId,
  changes,
  message: 'Bump api to 2\n\nFlowkeeper-Event: e-1',
  author: AUTHOR,
});

const postedCommits = () => emulator.calls.filter((call) => call.route === COMMITS_ROUTE);

describe('GitLab git host: readFile', () => {
  it('reads a file at the head of a branch with the commit it was read at', async () => {
    const { host, head } = await project();
    expect(host.description).toMatch(/^gitlab:platform\/manifests-\d+$/);
    expect(await host.readFile('main', 'apps/api.yaml')).toEqual({
      content: 'image: api:1\n',
      commitId: await head(),
    });
  });

  it('reads a file at an older commit given by its id', async () => {
    const { host, head } = await project();
    const first = await head();
    await host.commit(request(first, [{ path: 'apps/api.yaml', content: 'image: api:2\n' }]));
    expect(await host.readFile('main', 'apps/api.yaml', first)).toEqual({
      content: 'image: api:1\n',
      commitId: first,
    });
    expect((await host.readFile('main', 'apps/api.yaml')).content).toBe('image: api:2\n');
  });

  it('reads a project addressed by its numeric id', async () => {
    const { id } = await project();
    const host = createGitLabGitHost({ url: emulator.url, project: String(id), token: async () => TOKEN });
    expect((await host.readFile('main', 'README.md')).content).toBe('# manifests\n');
  });

  it('throws FileNotFound, BranchNotFound and CommitNotFound for what does not exist', async () => {
    const { host } = await project();
    const file = await rejectionOf(host.readFile('main', 'apps/missing.yaml'));
    expect(file.code).toBe('FileNotFound');
    expect(file.message).toContain('apps/missing.yaml');
    expect((await rejectionOf(host.readFile('no-such-branch', 'README.md'))).code).toBe('BranchNotFound');
    expect((await rejectionOf(host.readFile('main', 'README.md', 'a'.repeat(40)))).code).toBe(
      'CommitNotFound',
    );
  });

  it('throws RepositoryNotFound for a project that does not exist or that the token cannot see', async () => {
    const missing = createGitLabGitHost({
      url: emulator.url,
      project: 'platform/nothing',
      token: async () => TOKEN,
    });
    const error = await rejectionOf(missing.readFile('main', 'README.md'));
    expect(error.code).toBe('RepositoryNotFound');
    expect(error.message).toContain('platform/nothing');

    const { path } = await project();
    emulator.addToken('glpat-other-project-only', { projects: ['platform/elsewhere'] });
    const blind = createGitLabGitHost({
      url: emulator.url,
      project: path,
      token: async () => 'glpat-other-project-only',
    });
    expect((await rejectionOf(blind.readFile('main', 'README.md'))).code).toBe('RepositoryNotFound');
  });

  it('throws NotText for a file that is not UTF-8', async () => {
    const { host } = await project({ 'logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xff, 0x00]) });
    expect((await rejectionOf(host.readFile('main', 'logo.png'))).code).toBe('NotText');
  });
});

describe('GitLab git host: commit', () => {
  it('commits updated and new files onto the parent with the given author and message', async () => {
    const { host, head, gitDir } = await project();
    const parent = await head();
    const result = await host.commit(
      request(parent, [
        { path: 'apps/api.yaml', content: 'image: api:2\n' },
        { path: 'apps/web.yaml', content: 'image: web:1\n' },
      ]),
    );
    expect(result).toEqual({ status: 'committed', commitId: await head() });
    const commitId = (result as { commitId: string }).commitId;
    expect(await gitText(gitDir, ['rev-parse', `${commitId}^`])).toBe(parent);
    expect(await gitText(gitDir, ['log', '-1', '--format=%an <%ae>%n%B', commitId])).toBe(
      'Flowkeeper <flowkeeper@example.com>\nBump api to 2\n\nFlowkeeper-Event: e-1',
    );
    expect((await host.readFile('main', 'apps/web.yaml')).content).toBe('image: web:1\n');
  });

  it('reuses the files a bump read at the parent, so a bump of n files costs n reads and one POST', async () => {
    const { host } = await project();
    emulator.calls.length = 0;
    const read = await host.readFile('main', 'apps/api.yaml');
    const readme = await host.readFile('main', 'README.md', read.commitId);
    const result = await host.commit(
      request(read.commitId, [
        { path: 'apps/api.yaml', content: 'image: api:2\n' },
        { path: 'README.md', content: '# bumped\n' },
      ]),
    );
    expect(result.status).toBe('committed');
    expect(emulator.calls.map((call) => call.route)).toEqual([
      'GET /projects/:id/repository/files/:file_path',
      'GET /projects/:id/repository/files/:file_path',
      COMMITS_ROUTE,
    ]);
    const posted = postedCommits()[0]?.input as { actions: { last_commit_id?: string }[] };
    expect(posted.actions.map((action) => action.last_commit_id)).toEqual([read.commitId, readme.commitId]);
  });

  it('answers unchanged without writing when every file already has the content', async () => {
    const { host, head } = await project();
    emulator.calls.length = 0;
    const result = await host.commit(
      request(await head(), [{ path: 'apps/api.yaml', content: 'image: api:1\n' }]),
    );
    expect(result).toEqual({ status: 'unchanged' });
    expect(postedCommits()).toHaveLength(0);
  });

  it('answers a conflict, not unchanged, when there is nothing to write but the branch moved', async () => {
    const { host, head } = await project();
    const parent = await head();
    await host.commit(request(parent, [{ path: 'README.md', content: '# moved\n' }]));
    const moved = await head();
    emulator.calls.length = 0;
    const result = await host.commit(request(parent, [{ path: 'apps/api.yaml', content: 'image: api:1\n' }]));
    expect(result).toEqual({ status: 'conflict', currentHead: moved });
    expect(postedCommits()).toHaveLength(0);
  });

  it('answers a conflict with the current head when a file of the commit changed since the parent was read', async () => {
    const { host, head } = await project();
    const parent = await head();
    await host.readFile('main', 'apps/api.yaml');
    await host.commit(request(parent, [{ path: 'apps/api.yaml', content: 'image: api:3\n' }]));
    const moved = await head();
    emulator.calls.length = 0;
    const result = await host.commit(request(parent, [{ path: 'apps/api.yaml', content: 'image: api:2\n' }]));
    expect(result).toEqual({ status: 'conflict', currentHead: moved });
    expect(postedCommits().map((call) => call.status)).toEqual([400]);
    expect(await head()).toBe(moved);
    expect((await host.readFile('main', 'apps/api.yaml')).content).toBe('image: api:3\n');
  });

  it('lands on top of a commit made since the parent was read that touched other files (the documented window)', async () => {
    const { host, head, gitDir } = await project();
    const parent = await head();
    await host.commit(request(parent, [{ path: 'README.md', content: '# moved\n' }]));
    const moved = await head();
    const result = await host.commit(request(parent, [{ path: 'apps/api.yaml', content: 'image: api:2\n' }]));
    expect(result.status).toBe('committed');
    expect(await gitText(gitDir, ['rev-parse', 'refs/heads/main^'])).toBe(moved);
    expect((await host.readFile('main', 'README.md')).content).toBe('# moved\n');
    expect((await host.readFile('main', 'apps/api.yaml')).content).toBe('image: api:2\n');
  });

  it('answers a conflict when another writer changes the same file just before the commit lands', async () => {
    const { path, host, head } = await project();
    const parent = await head();
    emulator.faults.moveBranchBeforeNextCommit({
      project: path,
      branch: 'main',
      path: 'apps/api.yaml',
      content: 'image: api:9\n',
    });
    const result = await host.commit(request(parent, [{ path: 'apps/api.yaml', content: 'image: api:2\n' }]));
    const current = await head();
    expect(current).not.toBe(parent);
    expect(result).toEqual({ status: 'conflict', currentHead: current });
    expect((await host.readFile('main', 'apps/api.yaml')).content).toBe('image: api:9\n');
  });

  it('answers a conflict when another writer creates a file the commit creates', async () => {
    const { path, host, head } = await project();
    emulator.faults.moveBranchBeforeNextCommit({
      project: path,
      branch: 'main',
      path: 'apps/new.yaml',
      content: 'theirs\n',
    });
    const result = await host.commit(request(await head(), [{ path: 'apps/new.yaml', content: 'ours\n' }]));
    expect(result.status).toBe('conflict');
    expect((await host.readFile('main', 'apps/new.yaml')).content).toBe('theirs\n');
  });

  it('lands on top of a concurrent commit that touched other files (the documented window)', async () => {
    const { path, host, head, gitDir } = await project();
    const parent = await head();
    emulator.faults.moveBranchBeforeNextCommit({
      project: path,
      branch: 'main',
      path: 'other.txt',
      content: 'x\n',
    });
    const result = await host.commit(request(parent, [{ path: 'apps/api.yaml', content: 'image: api:2\n' }]));
    expect(result.status).toBe('committed');
    const concurrent = await gitText(gitDir, ['rev-parse', 'refs/heads/main^']);
    expect(concurrent).not.toBe(parent);
    expect(await gitText(gitDir, ['rev-parse', `${concurrent}^`])).toBe(parent);
    expect((await host.readFile('main', 'other.txt')).content).toBe('x\n');
    expect((await host.readFile('main', 'apps/api.yaml')).content).toBe('image: api:2\n');
  });

  it('reports a commit whose answer was lost as a conflict that a re-read resolves', async () => {
    const { host, head } = await project();
    const parent = await head();
    emulator.faults.failSequence(['lostResponse'], COMMITS_ROUTE);
    emulator.calls.length = 0;
    const change = { path: 'apps/api.yaml', content: 'image: api:2\n' };
    const result = await host.commit(request(parent, [change]));
    const landed = await head();
    expect(result).toEqual({ status: 'conflict', currentHead: landed });
    expect(postedCommits().map((call) => call.status)).toEqual([502, 400]);
    expect(await host.commit(request(landed, [change]))).toEqual({ status: 'unchanged' });
  });

  it('throws BranchNotFound for a branch that does not exist', async () => {
    const { host, head } = await project();
    const error = await rejectionOf(
      host.commit({ ...request(await head(), [{ path: 'a.yaml', content: 'a\n' }]), branch: 'release' }),
    );
    expect(error.code).toBe('BranchNotFound');
  });
});

describe('GitLab git host: changedFiles', () => {
  it('lists added, modified, deleted and both paths of renamed files, sorted', async () => {
    const { host, head, path } = await project({ 'old/name.yaml': 'kind: x\n' });
    const from = await head();
    await host.commit(
      request(from, [
        { path: 'apps/api.yaml', content: 'image: api:2\n' },
        { path: 'apps/web.yaml', content: 'image: web:1\n' },
      ]),
    );
    // A rename and a deletion, through the API as any other client would make them.
    const response = await fetch(
      `${emulator.url}/api/v4/projects/${encodeURIComponent(path)}/repository/commits`,
      {
        method: 'POST',
        headers: { 'PRIVATE-TOKEN': TOKEN, 'content-type': 'application/json' },
        body: JSON.stringify({
          branch: 'main',
          commit_message: 'Rename and delete',
          actions: [
            { action: 'move', file_path: 'new/name.yaml', previous_path: 'old/name.yaml' },
            { action: 'delete', file_path: 'README.md' },
          ],
        }),
      },
    );
    expect(response.status).toBe(201);
    expect(await host.changedFiles(from, await head())).toEqual([
      'README.md',
      'apps/api.yaml',
      'apps/web.yaml',
      'new/name.yaml',
      'old/name.yaml',
    ]);
    expect(await host.changedFiles(from, from)).toEqual([]);
  });

  it('throws CommitNotFound when a commit is unknown', async () => {
    const { host, head } = await project();
    expect((await rejectionOf(host.changedFiles('b'.repeat(40), await head()))).code).toBe('CommitNotFound');
  });
});
