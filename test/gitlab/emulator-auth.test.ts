import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gitlabApi, projectId } from '../emulators/gitlab/client.ts';
import { type GitLabEmulator, startGitLabEmulator } from '../emulators/gitlab/server.ts';

const SECRET = 'glpat-secret-value-1234';
const READER = 'glpat-reader-5678';
const OUTSIDER = 'glpat-outsider-9012';
let emulator: GitLabEmulator;
let projectNumber: number;

beforeAll(async () => {
  emulator = await startGitLabEmulator();
  emulator.addToken(SECRET);
  emulator.addToken(READER, { scopes: ['read_api'] });
  emulator.addToken(OUTSIDER, { projects: ['other/project'] });
  ({ id: projectNumber } = await emulator.createProject('platform/app-manifests', {
    main: { 'k8s/app.yaml': 'image: app:1.0.0\n' },
  }));
});
afterAll(() => emulator.stop());

const PROJECT = `/projects/${projectId('platform/app-manifests')}`;
const commitBody = {
  branch: 'main',
  commit_message: 'Bump app',
  actions: [{ action: 'update', file_path: 'k8s/app.yaml', content: 'image: app:1.1.0\n' }],
};

describe('GitLab emulator authentication', () => {
  it('answers 401 without a token or with an unknown one', async () => {
    for (const token of [undefined, 'glpat-unknown']) {
      const answer = await gitlabApi(emulator, token)('GET', PROJECT);
      expect(answer.status).toBe(401);
      expect(answer.json).toEqual({ message: '401 Unauthorized' });
    }
  });

  it('accepts the token as PRIVATE-TOKEN or as a Bearer authorization', async () => {
    expect((await gitlabApi(emulator, SECRET)('GET', PROJECT)).status).toBe(200);
    const bearer = await gitlabApi(emulator)('GET', PROJECT, undefined, {
      Authorization: `Bearer ${SECRET}`,
    });
    expect(bearer.status).toBe(200);
  });

  it('addresses a project by URL-encoded path or by numeric id', async () => {
    const byPath = await gitlabApi(emulator, SECRET)('GET', PROJECT);
    const byId = await gitlabApi(emulator, SECRET)('GET', `/projects/${projectNumber}`);
    expect(byId.json).toEqual(byPath.json);
    expect(byPath.json).toMatchObject({
      id: projectNumber,
      path_with_namespace: 'platform/app-manifests',
      name: 'app-manifests',
      default_branch: 'main',
      empty_repo: false,
      web_url: `${emulator.url}/platform/app-manifests`,
      namespace: { full_path: 'platform' },
    });
  });

  it('hides projects the token has no access to behind 404 Project Not Found', async () => {
    for (const path of [
      PROJECT,
      `/projects/${projectNumber}/repository/branches/main`,
      '/projects/no%2Fsuch',
    ]) {
      const answer = await gitlabApi(emulator, OUTSIDER)('GET', path);
      expect(answer.status).toBe(404);
      expect(answer.json).toEqual({ message: '404 Project Not Found' });
    }
  });

  it('lets a read_api token read but refuses its writes with the insufficient-scope error', async () => {
    const reader = gitlabApi(emulator, READER);
    expect((await reader('GET', `${PROJECT}/repository/branches/main`)).status).toBe(200);
    const write = await reader('POST', `${PROJECT}/repository/commits`, commitBody);
    expect(write.status).toBe(403);
    expect(write.json).toEqual({
      error: 'insufficient_scope',
      error_description: 'The request requires higher privileges than provided by the access token.',
      scope: 'api read_api',
    });
    const head = await gitlabApi(emulator, SECRET)(
      'GET',
      `${PROJECT}/repository/files/k8s%2Fapp.yaml?ref=main`,
    );
    expect(Buffer.from((head.json as { content: string }).content, 'base64').toString()).toBe(
      'image: app:1.0.0\n',
    );
  });

  it('answers routes it does not serve with 404 Not Found under "error"', async () => {
    const answer = await gitlabApi(emulator, SECRET)(
      'GET',
      `${PROJECT}/repository/files/k8s/app.yaml?ref=main`,
    );
    expect(answer.status).toBe(404);
    expect(answer.json).toEqual({ error: '404 Not Found' });
  });

  it('never writes a token into the call log or an error body', async () => {
    const bodies: string[] = [];
    for (const token of [SECRET, READER, OUTSIDER, 'glpat-unknown-token-3456']) {
      const api = gitlabApi(emulator, token);
      bodies.push((await api('GET', PROJECT)).text);
      bodies.push((await api('POST', `${PROJECT}/repository/commits`, { ...commitBody, branch: '' })).text);
      bodies.push((await api('GET', `${PROJECT}/repository/commits/${'0'.repeat(40)}`)).text);
    }
    bodies.push((await gitlabApi(emulator)('GET', `${PROJECT}?private_token=${SECRET}`)).text);
    const log = JSON.stringify(emulator.calls);
    expect(emulator.calls.length).toBeGreaterThan(12);
    for (const token of [SECRET, READER, OUTSIDER, 'glpat-unknown-token-3456']) {
      expect(log).not.toContain(token);
      for (const body of bodies) expect(body).not.toContain(token);
    }
  });

  it('logs the method, route template, path and status of each call', async () => {
    emulator.calls.length = 0;
    await gitlabApi(emulator, SECRET)('GET', `${PROJECT}/repository/branches/main`);
    await gitlabApi(emulator)('GET', `${PROJECT}/repository/branches/main`);
    expect(emulator.calls).toEqual([
      expect.objectContaining({
        method: 'GET',
        route: 'GET /projects/:id/repository/branches/:branch',
        path: '/api/v4/projects/platform%2Fapp-manifests/repository/branches/main',
        status: 200,
        at: expect.any(Number),
      }),
      expect.objectContaining({ route: 'GET /projects/:id/repository/branches/:branch', status: 401 }),
    ]);
  });
});
