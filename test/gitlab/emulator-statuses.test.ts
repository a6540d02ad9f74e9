import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { gitText } from '../emulators/codecommit/git.ts';
import { gitlabApi, projectId } from '../emulators/gitlab/client.ts';
import { type GitLabEmulator, startGitLabEmulator } from '../emulators/gitlab/server.ts';

const TOKEN = 'glpat-statuses';
let emulator: GitLabEmulator;
let projectCount = 0;
const api = () => gitlabApi(emulator, TOKEN);

beforeAll(async () => {
  emulator = await startGitLabEmulator();
  emulator.addToken(TOKEN, { username: 'codebuild-bridge' });
});
afterAll(() => emulator.stop());
afterEach(() => emulator.faults.reset());

type Json = Record<string, unknown>;

async function seeded() {
  const path = `platform/statuses-${++projectCount}`;
  const { gitDir } = await emulator.createProject(path, {
    main: { 'a.txt': 'a\n' },
    stg: { 'a.txt': 'b\n' },
  });
  const sha = await gitText(gitDir, ['rev-parse', 'refs/heads/main']);
  const project = `/projects/${projectId(path)}`;
  const post = (body: Json, commit = sha) => api()('POST', `${project}/statuses/${commit}`, body);
  const list = (query = '') => api()('GET', `${project}/repository/commits/${sha}/statuses${query}`);
  return { sha, project, post, list, stgSha: await gitText(gitDir, ['rev-parse', 'refs/heads/stg']) };
}

const CANNOT = (event: string, from: string) =>
  `Cannot transition status via :${event} from :${from} (Reason(s): Status cannot transition via "${event}")`;

describe('POST /projects/:id/statuses/:sha', () => {
  it('creates a status (201) on the branch holding the commit, named "default" unless named', async () => {
    const { sha, post } = await seeded();
    const answer = await post({
      state: 'pending',
      target_url: 'https://console.aws.amazon.com/codesuite/codebuild/build/1',
      description: 'Validating manifests',
    });
    expect(answer.status).toBe(201);
    expect(answer.json).toMatchObject({
      id: expect.any(Number),
      sha,
      ref: 'main',
      status: 'pending',
      name: 'default',
      target_url: 'https://console.aws.amazon.com/codesuite/codebuild/build/1',
      description: 'Validating manifests',
      allow_failure: false,
      coverage: null,
      started_at: null,
      finished_at: null,
      pipeline_id: expect.any(Number),
      author: { username: 'codebuild-bridge' },
    });
  });

  it('moves one status pending → running → success, keeping its id', async () => {
    const { post } = await seeded();
    const pending = (await post({ state: 'pending', name: 'codebuild/validate' })).json as Json;
    const running = (await post({ state: 'running', name: 'codebuild/validate' })).json as Json;
    const success = (await post({ state: 'success', name: 'codebuild/validate' })).json as Json;
    expect([running.id, success.id]).toEqual([pending.id, pending.id]);
    expect(running).toMatchObject({ status: 'running', started_at: expect.any(String), finished_at: null });
    expect(success).toMatchObject({ status: 'success', finished_at: expect.any(String) });
  });

  it.each([
    ['pending', 'pending', CANNOT('enqueue', 'pending')],
    ['running', 'running', CANNOT('run', 'running')],
    ['running', 'pending', CANNOT('enqueue', 'running')],
    ['running', 'skipped', CANNOT('skip', 'running')],
  ])('refuses %s then %s with 400 "%s"', async (first, second, message) => {
    const { post, list } = await seeded();
    await post({ state: first, name: 'ci' });
    const answer = await post({ state: second, name: 'ci' });
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({ message });
    expect(((await list()).json as Json[]).map((status) => status.status)).toEqual([first]);
  });

  it('creates a new status when the existing one is finished, the old one kept only with all=true', async () => {
    const { post, list } = await seeded();
    const first = (await post({ state: 'success', name: 'ci' })).json as Json;
    const again = await post({ state: 'success', name: 'ci' });
    expect(again.status).toBe(201);
    const failed = (await post({ state: 'failed', name: 'ci', description: 'broken' })).json as Json;
    expect(new Set([first.id, (again.json as Json).id, failed.id]).size).toBe(3);
    expect(((await list()).json as Json[]).map((status) => [status.id, status.status])).toEqual([
      [failed.id, 'failed'],
    ]);
    expect(((await list('?all=true')).json as Json[]).map((status) => status.status)).toEqual([
      'success',
      'success',
      'failed',
    ]);
  });

  it('keeps statuses of different names and refs apart', async () => {
    const { post, list, stgSha, project } = await seeded();
    await post({ state: 'running', name: 'lint' });
    await post({ state: 'running', name: 'test' });
    await post({ state: 'success', name: 'lint', ref: 'main' });
    expect(((await list()).json as Json[]).map((status) => [status.name, status.status])).toEqual([
      ['lint', 'success'],
      ['test', 'running'],
    ]);
    expect(((await list('?name=test')).json as Json[]).map((status) => status.name)).toEqual(['test']);
    const onStg = await api()('POST', `${project}/statuses/${stgSha}`, { state: 'pending' });
    expect(onStg.json).toMatchObject({ ref: 'stg', sha: stgSha });
  });

  it('answers 404 Commit Not Found for a commit the project does not hold', async () => {
    const { post } = await seeded();
    const answer = await post({ state: 'pending' }, 'b'.repeat(40));
    expect(answer.status).toBe(404);
    expect(answer.json).toEqual({ message: '404 Commit Not Found' });
  });

  it('validates the state', async () => {
    const { post } = await seeded();
    expect((await post({})).json).toEqual({ error: 'state is missing' });
    const invalid = await post({ state: 'done' });
    expect(invalid.status).toBe(400);
    expect(invalid.json).toEqual({ error: 'state does not have a valid value' });
  });

  it('answers the injected 409 while another update holds the lock, then accepts the retry', async () => {
    const { post } = await seeded();
    emulator.faults.failSequence(['statusConflict'], 'POST /projects/:id/statuses/:sha');
    const locked = await post({ state: 'running' });
    expect(locked.status).toBe(409);
    expect(locked.json).toEqual({ message: 'Another update to this commit status is in progress' });
    expect((await post({ state: 'running' })).status).toBe(201);
  });

  it('shows the latest pipeline status on the commit', async () => {
    const { post, project, sha } = await seeded();
    await post({ state: 'running', name: 'a' });
    await post({ state: 'success', name: 'b' });
    const commit = (await api()('GET', `${project}/repository/commits/${sha}`)).json as Json;
    expect(commit).toMatchObject({
      status: 'running',
      last_pipeline: { sha, ref: 'main', status: 'running' },
    });
  });
});

describe('GET /projects/:id/repository/commits/:sha/statuses', () => {
  it('lists an unknown commit as 404 and a commit without statuses as []', async () => {
    const { project, list } = await seeded();
    expect((await list()).json).toEqual([]);
    const unknown = await api()('GET', `${project}/repository/commits/${'c'.repeat(40)}/statuses`);
    expect(unknown.status).toBe(404);
    expect(unknown.json).toEqual({ message: '404 Commit Not Found' });
  });
});
