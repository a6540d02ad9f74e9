import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gitText } from '../emulators/codecommit/git.ts';
import { gitlabApi, projectId } from '../emulators/gitlab/client.ts';
import { type GitLabEmulator, startGitLabEmulator } from '../emulators/gitlab/server.ts';

const TOKEN = 'glpat-merge-requests';
let emulator: GitLabEmulator;
let gitDir: string;
let iid: number;
const PATH = 'platform/app-manifests';
const PROJECT = `/projects/${projectId(PATH)}`;
const api = () => gitlabApi(emulator, TOKEN);

type Json = Record<string, unknown>;

beforeAll(async () => {
  emulator = await startGitLabEmulator();
  emulator.addToken(TOKEN, { username: 'flowkeeper' });
  ({ gitDir } = await emulator.createProject(PATH, {
    main: { 'a.txt': 'a\n' },
    'feature/probe': { 'a.txt': 'probe\n' },
  }));
  iid = emulator.createMergeRequest(PATH, { source: 'feature/probe', target: 'main', title: 'Add a probe' });
});
afterAll(() => emulator.stop());

describe('merge requests', () => {
  it('numbers merge requests per project from 1', () => {
    expect(iid).toBe(1);
    expect(
      emulator.createMergeRequest(PATH, { source: 'feature/probe', target: 'main', title: 'Again' }),
    ).toBe(2);
  });

  it('answers an open merge request with its live heads', async () => {
    const answer = await api()('GET', `${PROJECT}/merge_requests/${iid}`);
    expect(answer.status).toBe(200);
    const main = await gitText(gitDir, ['rev-parse', 'refs/heads/main']);
    const source = await gitText(gitDir, ['rev-parse', 'refs/heads/feature/probe']);
    expect(answer.json).toMatchObject({
      iid,
      title: 'Add a probe',
      state: 'opened',
      source_branch: 'feature/probe',
      target_branch: 'main',
      sha: source,
      diff_refs: { base_sha: main, head_sha: source, start_sha: main },
      web_url: `${emulator.url}/${PATH}/-/merge_requests/${iid}`,
      references: { full: `${PATH}!${iid}` },
    });
  });

  it('answers 404 Not found for an unknown iid', async () => {
    for (const path of [`${PROJECT}/merge_requests/99`, `${PROJECT}/merge_requests/99/notes`]) {
      const answer = await api()('GET', path);
      expect(answer.status).toBe(404);
      expect(answer.json).toEqual({ message: '404 Not found' });
    }
  });

  it('adds notes (201) and lists them newest first', async () => {
    const first = await api()('POST', `${PROJECT}/merge_requests/${iid}/notes`, {
      body: 'Flow violation: main takes stg only.',
    });
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({
      id: expect.any(Number),
      body: 'Flow violation: main takes stg only.',
      author: { username: 'flowkeeper' },
      system: false,
      noteable_type: 'MergeRequest',
      noteable_iid: iid,
    });
    await api()('POST', `${PROJECT}/merge_requests/${iid}/notes`, { body: 'Second.' });
    const list = await api()('GET', `${PROJECT}/merge_requests/${iid}/notes`);
    expect((list.json as Json[]).map((note) => note.body)).toEqual([
      'Second.',
      'Flow violation: main takes stg only.',
    ]);
    expect(list.headers.get('x-total')).toBe('2');
    const ascending = await api()('GET', `${PROJECT}/merge_requests/${iid}/notes?sort=asc`);
    expect((ascending.json as Json[]).map((note) => note.body)).toEqual([
      'Flow violation: main takes stg only.',
      'Second.',
    ]);
    expect(((await api()('GET', `${PROJECT}/merge_requests/${iid}`)).json as Json).user_notes_count).toBe(2);
  });

  it('refuses a note without a body', async () => {
    const missing = await api()('POST', `${PROJECT}/merge_requests/${iid}/notes`, {});
    expect(missing.status).toBe(400);
    expect(missing.json).toEqual({ error: 'body is missing' });
    expect((await api()('POST', `${PROJECT}/merge_requests/${iid}/notes`, { body: ' ' })).json).toEqual({
      error: 'body is empty',
    });
  });
});
