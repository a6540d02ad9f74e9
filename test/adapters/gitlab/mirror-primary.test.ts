import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCodeCommitMirrorReplica } from '#adapters/codecommit/mirror-replica.ts';
import { createGitLabGitHost } from '#adapters/gitlab/git-host.ts';
import { GitHostError } from '#app/ports/git-host.ts';
import { rejectionOf as rejectionOfType } from '#test/rejection.ts';
import { emulatorClient } from '../../emulators/codecommit/client.ts';
import { gitText } from '../../emulators/codecommit/git.ts';
import { type CodeCommitEmulator, startCodeCommitEmulator } from '../../emulators/codecommit/server.ts';
import { type GitLabEmulator, startGitLabEmulator } from '../../emulators/gitlab/server.ts';

const rejectionOf = (call: Promise<unknown>) => rejectionOfType(call, GitHostError);

const TOKEN = 'glpat-primary-test-9b8a7c6d';
const STATUS_ROUTE = 'POST /projects/:id/statuses/:sha';
const AUTHOR = { name: 'Flowkeeper', email: 'flowkeeper@example.com' };

let gitlab: GitLabEmulator;
let codecommit: CodeCommitEmulator;
let count = 0;

beforeAll(async () => {
  [gitlab, codecommit] = await Promise.all([startGitLabEmulator(), startCodeCommitEmulator()]);
  gitlab.addToken(TOKEN);
});
afterAll(() => Promise.all([gitlab.stop(), codecommit.stop()]));
beforeEach(() => {
  gitlab.faults.reset();
  gitlab.calls.length = 0;
});

/** A GitLab project with `main`, the primary on it (waits recorded, not slept), and commit helpers. */
async function primary() {
  const path = `platform/primary-${++count}`;
  const { gitDir } = await gitlab.createProject(path, {
    main: { 'apps/api.yaml': 'image: api:1\n', 'README.md': '# manifests\n' },
  });
  const waits: number[] = [];
  const host = createGitLabGitHost({
    url: gitlab.url,
    project: path,
    token: async () => TOKEN,
    sleep: async (ms) => {
      waits.push(ms);
    },
  });
  const head = (branch = 'main') => gitText(gitDir, ['rev-parse', `refs/heads/${branch}`]);
  const bump = async (content: string, message = `Bump to ${content}`) => {
    const result = await host.commit({
      branch: 'main',
      parentCommitId: await head(),
      changes: [{ path: 'apps/api.yaml', content }],
      message,
      author: AUTHOR,
    });
    if (result.status !== 'committed') throw new Error(`bump ${content}: ${result.status}`);
    return result.commitId;
  };
  return { path, gitDir, host, head, bump, waits };
}

/** A CodeCommit repository to mirror into, and its HTTPS clone URL with credentials as GitLab stores it. */
async function mirrorTarget() {
  const name = `mirror-${++count}`;
  const { gitDir } = await codecommit.createRepository(name);
  const url = `https://flowkeeper-at-123456789012:s3cr3t@git-codecommit.us-east-1.amazonaws.com/v1/repos/${name}`;
  const replica = createCodeCommitMirrorReplica({ repositoryName: name, client: emulatorClient(codecommit) });
  return { name, gitDir, url, replica };
}

describe('GitLab mirror primary: reading history', () => {
  it('answers branch heads, and undefined for a missing branch', async () => {
    const { host, head } = await primary();
    expect(await host.branchHead('main')).toBe(await head());
    expect(await host.branchHead('no-such-branch')).toBeUndefined();
  });

  it('returns a commit with its parents, author, UTC dates and whole message', async () => {
    const { host, head, gitDir, bump } = await primary();
    const parent = await head();
    const id = await bump('image: api:2\n', 'Bump api to 2\n\nFlowkeeper-Event: e-7');
    const epoch = Number(await gitText(gitDir, ['log', '-1', '--format=%at', id]));
    expect(await host.getCommit(id)).toEqual({
      id,
      parentIds: [parent],
      author: AUTHOR,
      authoredAt: new Date(epoch * 1000).toISOString(),
      committedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      message: 'Bump api to 2\n\nFlowkeeper-Event: e-7',
    });
  });

  it('answers undefined for a commit the project does not hold', async () => {
    const { host } = await primary();
    expect(await host.getCommit('d'.repeat(40))).toBeUndefined();
  });

  it('lists the commits between two commits, oldest first', async () => {
    const { host, head, bump } = await primary();
    const from = await head();
    const ids = [await bump('v2\n'), await bump('v3\n'), await bump('v4\n')];
    expect((await host.commitsBetween(from, ids[2] as string)).map((commit) => commit.id)).toEqual(ids);
    expect(await host.commitsBetween(ids[2] as string, ids[2] as string)).toEqual([]);
  });

  it('lists the newest commits of a branch, newest first, up to the limit', async () => {
    const { host, head, bump } = await primary();
    const seed = await head();
    const ids = [await bump('v2\n'), await bump('v3\n'), await bump('v4\n')];
    expect((await host.recentCommits('main', 2)).map((commit) => commit.id)).toEqual([ids[2], ids[1]]);
    expect((await host.recentCommits('main', 50)).map((commit) => commit.id)).toEqual([
      ids[2],
      ids[1],
      ids[0],
      seed,
    ]);
    expect(await host.recentCommits('no-such-branch', 5)).toEqual([]);
  });

  it('lists every branch, across pages', async () => {
    const { host, gitDir, head } = await primary();
    const seed = await head();
    const created = Array.from({ length: 120 }, (_, index) => `release/r${String(index).padStart(3, '0')}`);
    for (const branch of created) await gitText(gitDir, ['branch', branch, seed]);
    const branches = await host.listBranches();
    expect(branches).toHaveLength(121);
    expect(new Set(branches)).toEqual(new Set(['main', ...created]));
    expect(
      gitlab.calls.filter((call) => call.route === 'GET /projects/:id/repository/branches'),
    ).toHaveLength(2);
  });
});

describe('GitLab mirror primary: syncMirror', () => {
  it('syncs the mirror given by id, so CodeCommit holds the GitLab branch heads', async () => {
    const { path, host, head } = await primary();
    const target = await mirrorTarget();
    const mirrorId = gitlab.addRemoteMirror(path, { url: target.url, targetGitDir: target.gitDir });
    expect(await host.syncMirror({ mirrorId, codecommitRepository: target.name })).toEqual({ mirrorId });
    expect(await target.replica.branchHead('main')).toBe(await head());
    expect(gitlab.calls.map((call) => call.route)).toEqual([
      'POST /projects/:id/remote_mirrors/:mirror_id/sync',
    ]);
  });

  it('finds the mirror whose URL names the CodeCommit repository when no id is configured', async () => {
    const { path, host, head, bump } = await primary();
    const other = await mirrorTarget();
    const target = await mirrorTarget();
    gitlab.addRemoteMirror(path, { url: other.url, targetGitDir: other.gitDir });
    gitlab.addRemoteMirror(path, {
      url: 'https://backup.example.com/platform/primary.git',
      targetGitDir: other.gitDir,
    });
    const mirrorId = gitlab.addRemoteMirror(path, { url: target.url, targetGitDir: target.gitDir });
    await bump('image: api:2\n');
    expect(await host.syncMirror({ codecommitRepository: target.name })).toEqual({ mirrorId });
    expect(await target.replica.branchHead('main')).toBe(await head());
    expect(await other.replica.branchHead('main')).toBeUndefined();
  });

  it('throws MirrorNotFound naming the repository when no mirror URL names it', async () => {
    const { path, host } = await primary();
    const other = await mirrorTarget();
    gitlab.addRemoteMirror(path, { url: other.url, targetGitDir: other.gitDir });
    const error = await rejectionOf(host.syncMirror({ codecommitRepository: 'app-manifests' }));
    expect(error.code).toBe('MirrorNotFound');
    expect(error.message).toContain('app-manifests');
    expect(error.message).toContain('/v1/repos/app-manifests');
  });

  it('throws MirrorNotFound for a mirror id the project does not have', async () => {
    const { host } = await primary();
    const error = await rejectionOf(
      host.syncMirror({ mirrorId: 4242, codecommitRepository: 'app-manifests' }),
    );
    expect(error.code).toBe('MirrorNotFound');
    expect(error.message).toContain('4242');
  });
});

describe('GitLab mirror primary: setCommitStatus', () => {
  it('creates statuses as a build moves on, and answers unchanged for a repeated state', async () => {
    const { path, host, head } = await primary();
    const sha = await head();
    const status = { name: 'codebuild/manifests-validate', targetUrl: 'https://console.example.com/build/1' };
    expect(await host.setCommitStatus(sha, { ...status, state: 'pending' })).toBe('created');
    expect(await host.setCommitStatus(sha, { ...status, state: 'pending' })).toBe('unchanged');
    expect(await host.setCommitStatus(sha, { ...status, state: 'running' })).toBe('created');
    expect(await host.setCommitStatus(sha, { ...status, state: 'running' })).toBe('unchanged');
    expect(await host.setCommitStatus(sha, { ...status, state: 'success', description: 'passed' })).toBe(
      'created',
    );
    expect(await host.setCommitStatus(sha, { ...status, state: 'success', description: 'passed' })).toBe(
      'unchanged',
    );

    const response = await fetch(
      `${gitlab.url}/api/v4/projects/${encodeURIComponent(path)}/repository/commits/${sha}/statuses?all=true`,
      { headers: { 'PRIVATE-TOKEN': TOKEN } },
    );
    const listed = (await response.json()) as Array<{ status: string; name: string; target_url: string }>;
    expect(listed.map((entry) => entry.status)).toEqual(['success']);
    expect(listed[0]).toMatchObject({ name: status.name, target_url: status.targetUrl });
  });

  it('creates a new finished status when a later build reports with another link', async () => {
    const { host, head } = await primary();
    const sha = await head();
    const name = 'codebuild/manifests-validate';
    await host.setCommitStatus(sha, { name, state: 'failed', targetUrl: 'https://builds.example.com/1' });
    expect(
      await host.setCommitStatus(sha, { name, state: 'failed', targetUrl: 'https://builds.example.com/2' }),
    ).toBe('created');
  });

  it('retries while another update of the commit status holds the lock', async () => {
    const { host, head, waits } = await primary();
    gitlab.faults.failSequence(['statusConflict', 'statusConflict'], STATUS_ROUTE);
    expect(await host.setCommitStatus(await head(), { name: 'build', state: 'running' })).toBe('created');
    expect(gitlab.calls.filter((call) => call.route === STATUS_ROUTE).map((call) => call.status)).toEqual([
      409, 409, 201,
    ]);
    expect(waits).toHaveLength(2);
  });

  it('gives up when the lock stays held', async () => {
    const { host, head } = await primary();
    gitlab.faults.failSequence(Array(10).fill('statusConflict'), STATUS_ROUTE);
    await expect(host.setCommitStatus(await head(), { name: 'build', state: 'running' })).rejects.toThrow(
      /409.*Another update to this commit status is in progress/,
    );
  });

  it('throws CommitNotFound for a commit the project does not hold', async () => {
    const { host } = await primary();
    const error = await rejectionOf(
      host.setCommitStatus('e'.repeat(40), { name: 'build', state: 'pending' }),
    );
    expect(error.code).toBe('CommitNotFound');
  });
});

describe('GitLab mirror primary: merge request notes', () => {
  it('finds the open merge requests whose head is a commit, and notes each once', async () => {
    const { path, host, head, gitDir } = await primary();
    await gitText(gitDir, ['branch', 'feature/probe', await head()]);
    const first = await host.commit({
      branch: 'feature/probe',
      parentCommitId: await head(),
      changes: [{ path: 'apps/api.yaml', content: 'image: api:2\n' }],
      message: 'Probe 1',
      author: AUTHOR,
    });
    if (first.status !== 'committed') throw new Error('no commit');
    const second = await host.commit({
      branch: 'feature/probe',
      parentCommitId: first.commitId,
      changes: [{ path: 'apps/api.yaml', content: 'image: api:3\n' }],
      message: 'Probe 2',
      author: AUTHOR,
    });
    if (second.status !== 'committed') throw new Error('no commit');
    const iid = gitlab.createMergeRequest(path, { source: 'feature/probe', target: 'main', title: 'Probe' });

    expect(await host.mergeRequestsAt(second.commitId)).toEqual([
      { iid, webUrl: `${gitlab.url}/${path}/-/merge_requests/${iid}` },
    ]);
    // An older commit of the merge request is not its head; a commit of main belongs to none.
    expect(await host.mergeRequestsAt(first.commitId)).toEqual([]);
    expect(await host.mergeRequestsAt(await head())).toEqual([]);

    const marker = '<!-- flowkeeper:build arn:aws:codebuild:eu-west-1:1:build/p:1 -->';
    expect(await host.noteOnMergeRequest(iid, `${marker}\nBuild failed`, marker)).toBe('created');
    expect(await host.noteOnMergeRequest(iid, `${marker}\nBuild failed`, marker)).toBe('unchanged');
    expect(
      gitlab.calls.filter((call) => call.route === 'POST /projects/:id/merge_requests/:iid/notes'),
    ).toHaveLength(1);
  });
});

describe('GitLab mirror primary: a note whose POST fails', () => {
  const NOTES_ROUTE = 'POST /projects/:id/merge_requests/:iid/notes';
  const marker = '<!-- flowkeeper:build arn:aws:codebuild:eu-west-1:1:build/p:2 -->';

  async function mergeRequest() {
    const { path, host, head, gitDir } = await primary();
    await gitText(gitDir, ['branch', 'feature/note', await head()]);
    const iid = gitlab.createMergeRequest(path, { source: 'feature/note', target: 'main', title: 'Note' });
    return { host, iid };
  }

  it('is not posted twice when GitLab added it but the answer was lost', async () => {
    const { host, iid } = await mergeRequest();
    gitlab.faults.failSequence(['lostResponse'], NOTES_ROUTE);
    expect(await host.noteOnMergeRequest(iid, `${marker}\nfailed`, marker)).toBe('created');
    expect(await host.noteOnMergeRequest(iid, `${marker}\nfailed`, marker)).toBe('unchanged');
    expect(gitlab.calls.filter((call) => call.route === NOTES_ROUTE)).toHaveLength(1);
  });

  it('is left to the next delivery when GitLab failed before adding it', async () => {
    const { host, iid } = await mergeRequest();
    gitlab.faults.failSequence(['internalServerError'], NOTES_ROUTE);
    await expect(host.noteOnMergeRequest(iid, `${marker}\nfailed`, marker)).rejects.toMatchObject({
      status: 500,
    });
    expect(await host.noteOnMergeRequest(iid, `${marker}\nfailed`, marker)).toBe('created');
    expect(gitlab.calls.filter((call) => call.route === NOTES_ROUTE).map((call) => call.status)).toEqual([
      500, 201,
    ]);
  });
});

describe('GitLab mirror primary: replayCommit', () => {
  it('replays changed, added and deleted files with the original author', async () => {
    const { host, head, gitDir } = await primary();
    const parent = await head();
    const result = await host.replayCommit({
      branch: 'main',
      parentCommitId: parent,
      author: { name: 'Grace Hopper', email: 'grace@example.com' },
      message: 'Hotfix made on CodeCommit\n',
      changes: [
        { path: 'apps/api.yaml', content: 'image: api:hotfix\n' },
        { path: 'apps/web.yaml', content: 'image: web:1\n' },
        { path: 'README.md', deleted: true },
        { path: 'never/existed.yaml', deleted: true },
      ],
    });
    expect(result).toEqual({ status: 'committed', commitId: await head() });
    const commitId = (result as { commitId: string }).commitId;
    expect(await gitText(gitDir, ['log', '-1', '--format=%an <%ae>|%P', commitId])).toBe(
      `Grace Hopper <grace@example.com>|${parent}`,
    );
    expect(await gitText(gitDir, ['ls-tree', '-r', '--name-only', commitId])).toBe(
      'apps/api.yaml\napps/web.yaml',
    );
    expect((await host.readFile('main', 'apps/api.yaml')).content).toBe('image: api:hotfix\n');
  });

  it('answers unchanged when the changes are already there, and conflict when the branch moved', async () => {
    const { host, head, bump } = await primary();
    const parent = await head();
    const replay = (parentCommitId: string) =>
      host.replayCommit({
        branch: 'main',
        parentCommitId,
        author: AUTHOR,
        message: 'Replay',
        changes: [
          { path: 'apps/api.yaml', content: 'image: api:1\n' },
          { path: 'gone.yaml', deleted: true },
        ],
      });
    expect(await replay(parent)).toEqual({ status: 'unchanged' });
    const moved = await bump('image: api:2\n');
    expect(await replay(parent)).toEqual({ status: 'conflict', currentHead: moved });
  });
});
