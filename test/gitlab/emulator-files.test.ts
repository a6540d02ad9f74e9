import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gitText } from '../emulators/codecommit/git.ts';
import { gitlabApi, projectId } from '../emulators/gitlab/client.ts';
import { type GitLabEmulator, startGitLabEmulator } from '../emulators/gitlab/server.ts';

const TOKEN = 'glpat-files';
let emulator: GitLabEmulator;
let gitDir: string;
const PROJECT = `/projects/${projectId('platform/app-manifests')}`;
const api = () => gitlabApi(emulator, TOKEN);
const MANIFEST = 'apiVersion: apps/v1\nkind: Deployment\n';

beforeAll(async () => {
  emulator = await startGitLabEmulator();
  emulator.addToken(TOKEN);
  ({ gitDir } = await emulator.createProject('platform/app-manifests', {
    main: { 'k8s/app.yaml': MANIFEST, 'README.md': 'readme\n' },
    dev: { 'k8s/app.yaml': 'kind: Other\n' },
  }));
  // A later commit that does not touch k8s/app.yaml: its last commit stays the seed commit.
  const answer = await api()('POST', `${PROJECT}/repository/commits`, {
    branch: 'main',
    commit_message: 'Touch the readme',
    actions: [{ action: 'update', file_path: 'README.md', content: 'readme 2\n' }],
  });
  expect(answer.status).toBe(201);
});
afterAll(() => emulator.stop());

describe('GET /projects/:id/repository/files/:file_path', () => {
  it('answers the file at a branch with base64 content, the ref commit and the last commit touching it', async () => {
    const head = await gitText(gitDir, ['rev-parse', 'refs/heads/main']);
    const seed = await gitText(gitDir, ['rev-parse', 'refs/heads/main~1']);
    const answer = await api()('GET', `${PROJECT}/repository/files/k8s%2Fapp.yaml?ref=main`);
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      file_name: 'app.yaml',
      file_path: 'k8s/app.yaml',
      size: Buffer.byteLength(MANIFEST),
      encoding: 'base64',
      content_sha256: createHash('sha256').update(MANIFEST).digest('hex'),
      ref: 'main',
      blob_id: await gitText(gitDir, ['rev-parse', 'main:k8s/app.yaml']),
      commit_id: head,
      last_commit_id: seed,
      execute_filemode: false,
      content: Buffer.from(MANIFEST).toString('base64'),
    });
    expect(answer.headers.get('x-gitlab-last-commit-id')).toBe(seed);
  });

  it('reads at another branch or at a commit sha', async () => {
    const dev = await api()('GET', `${PROJECT}/repository/files/k8s%2Fapp.yaml?ref=dev`);
    expect(Buffer.from((dev.json as { content: string }).content, 'base64').toString()).toBe('kind: Other\n');
    const seed = await gitText(gitDir, ['rev-parse', 'refs/heads/main~1']);
    const atSha = await api()('GET', `${PROJECT}/repository/files/README.md?ref=${seed}`);
    expect(atSha.json).toMatchObject({ commit_id: seed, last_commit_id: seed, ref: seed });
    expect(Buffer.from((atSha.json as { content: string }).content, 'base64').toString()).toBe('readme\n');
  });

  it('answers 404 File Not Found for a missing file or a directory', async () => {
    for (const path of ['k8s%2Fmissing.yaml', 'k8s']) {
      const answer = await api()('GET', `${PROJECT}/repository/files/${path}?ref=main`);
      expect(answer.status).toBe(404);
      expect(answer.json).toEqual({ message: '404 File Not Found' });
    }
  });

  it('answers 404 Commit Not Found for a ref that names nothing', async () => {
    const answer = await api()('GET', `${PROJECT}/repository/files/README.md?ref=no-such-branch`);
    expect(answer.status).toBe(404);
    expect(answer.json).toEqual({ message: '404 Commit Not Found' });
  });

  it('answers 400 when ref is missing', async () => {
    const answer = await api()('GET', `${PROJECT}/repository/files/README.md`);
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({ error: 'ref is missing' });
  });
});
