import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { gitText } from '../emulators/codecommit/git.ts';
import { gitlabApi, projectId } from '../emulators/gitlab/client.ts';
import { type GitLabEmulator, startGitLabEmulator } from '../emulators/gitlab/server.ts';

const TOKEN = 'glpat-faults';
let emulator: GitLabEmulator;
let gitDir: string;
const PATH = 'platform/faults';
const PROJECT = `/projects/${projectId(PATH)}`;
const BRANCH_ROUTE = 'GET /projects/:id/repository/branches/:branch';
const COMMIT_ROUTE = 'POST /projects/:id/repository/commits';
const api = () => gitlabApi(emulator, TOKEN);

beforeAll(async () => {
  emulator = await startGitLabEmulator();
  emulator.addToken(TOKEN);
  ({ gitDir } = await emulator.createProject(PATH, { main: { 'a.txt': 'a\n' } }));
});
afterAll(() => emulator.stop());
afterEach(() => {
  emulator.faults.reset();
  emulator.calls.length = 0;
});

const getBranch = () => api()('GET', `${PROJECT}/repository/branches/main`);

describe('GitLab emulator faults', () => {
  it('rate-limits with 429, Retry-After and the plain-text body GitLab sends', async () => {
    emulator.faults.setRetryAfter(7);
    emulator.faults.failSequence(['rateLimited'], BRANCH_ROUTE);
    const limited = await getBranch();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(limited.headers.get('content-type')).toBe('text/plain');
    expect(limited.headers.get('ratelimit-remaining')).toBe('0');
    expect(limited.text).toBe('Retry later\n');
    expect((await getBranch()).status).toBe(200);
    expect(emulator.calls.map((call) => [call.route, call.status, call.fault])).toEqual([
      [BRANCH_ROUTE, 429, 'rateLimited'],
      [BRANCH_ROUTE, 200, undefined],
    ]);
  });

  it('answers 500 as JSON and 502/503 as HTML pages', async () => {
    emulator.faults.failSequence(['internalServerError', 'badGateway', 'serviceUnavailable']);
    const internal = await getBranch();
    expect(internal.status).toBe(500);
    expect(internal.json).toEqual({ message: '500 Internal Server Error' });
    const gateway = await getBranch();
    expect(gateway.status).toBe(502);
    expect(gateway.headers.get('content-type')).toContain('text/html');
    const unavailable = await getBranch();
    expect(unavailable.status).toBe(503);
    expect(unavailable.json).toBeUndefined();
    expect((await getBranch()).status).toBe(200);
  });

  it('faults only the route named', async () => {
    emulator.faults.failSequence(['internalServerError'], COMMIT_ROUTE);
    expect((await getBranch()).status).toBe(200);
    const commit = await api()('POST', `${PROJECT}/repository/commits`, {
      branch: 'main',
      commit_message: 'm',
      actions: [{ action: 'create', file_path: `f-${Date.now()}.txt`, content: 'x' }],
    });
    expect(commit.status).toBe(500);
  });

  it('applies a commit whose response is lost', async () => {
    const before = await gitText(gitDir, ['rev-parse', 'refs/heads/main']);
    emulator.faults.failSequence(['lostResponse'], COMMIT_ROUTE);
    const answer = await api()('POST', `${PROJECT}/repository/commits`, {
      branch: 'main',
      commit_message: 'lost',
      actions: [{ action: 'create', file_path: 'lost.txt', content: 'x' }],
    });
    expect(answer.status).toBe(502);
    const after = await gitText(gitDir, ['rev-parse', 'refs/heads/main']);
    expect(after).not.toBe(before);
    expect(await gitText(gitDir, ['log', '-1', '--format=%s', after])).toBe('lost');
  });

  it('draws random faults reproducibly from a seed', async () => {
    const run = async () => {
      emulator.faults.reset();
      emulator.faults.failRandomly({
        kind: 'serviceUnavailable',
        probability: 0.5,
        seed: 42,
        route: BRANCH_ROUTE,
      });
      const statuses: number[] = [];
      for (let call = 0; call < 12; call++) statuses.push((await getBranch()).status);
      return statuses;
    };
    const first = await run();
    expect(first).toContain(503);
    expect(first).toContain(200);
    expect(await run()).toEqual(first);
  });

  it('delays a route by its latency, so a later call to another route answers first', async () => {
    emulator.faults.setLatency(400, BRANCH_ROUTE);
    const order: string[] = [];
    const slow = getBranch().then(() => order.push('branch'));
    const fast = api()('GET', PROJECT).then(() => order.push('project'));
    await Promise.all([slow, fast]);
    expect(order).toEqual(['project', 'branch']);
  });
});
