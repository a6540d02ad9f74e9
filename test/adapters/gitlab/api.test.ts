import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createGitLabApi,
  DEFAULT_RETRY,
  GitLabApiError,
  type GitLabApiOptions,
  isNotFound,
  notFoundSubject,
  projectPath,
} from '#adapters/gitlab/api.ts';
import { createGitLabGitHost } from '#adapters/gitlab/git-host.ts';
import { GitHostError } from '#app/ports/git-host.ts';
import { freePort } from '#test/free-port.ts';
import { rejectionOf } from '#test/rejection.ts';
import { type GitLabEmulator, startGitLabEmulator } from '../../emulators/gitlab/server.ts';

const TOKEN = 'glpat-api-test-SECRET-7f3a9c';
const READ_ONLY_TOKEN = 'glpat-read-only-SECRET-51d2e0';
const WRONG_TOKEN = 'glpat-revoked-SECRET-000000';
const PROJECT = 'platform/api-manifests';
const PROJECT_ROUTE = 'GET /projects/:id';

let emulator: GitLabEmulator;

beforeAll(async () => {
  emulator = await startGitLabEmulator();
  emulator.addToken(TOKEN);
  emulator.addToken(READ_ONLY_TOKEN, { scopes: ['read_api'] });
  const branches = Object.fromEntries(
    Array.from({ length: 105 }, (_, index) => [
      index === 0 ? 'main' : `feature/b-${String(index).padStart(3, '0')}`,
      { 'README.md': `# ${index}\n` },
    ]),
  );
  await emulator.createProject(PROJECT, branches);
});
afterAll(() => emulator.stop());
beforeEach(() => {
  emulator.faults.reset();
  emulator.calls.length = 0;
});

/** An API client whose waits are recorded instead of slept. */
function client(options: Partial<GitLabApiOptions> = {}) {
  const waits: number[] = [];
  const api = createGitLabApi({
    url: emulator.url,
    token: async () => TOKEN,
    tokenSource: 'SSM parameter /flowkeeper/gitlab-token',
    sleep: async (ms) => {
      waits.push(ms);
    },
    ...options,
  });
  return { api, waits };
}

const statuses = () => emulator.calls.map((call) => call.status);

describe('GitLab API client', () => {
  it('sends the token and reads a project addressed by its URL-encoded path', async () => {
    const { api } = client();
    const { status, body } = await api.request<{ path_with_namespace: string }>(projectPath(PROJECT));
    expect(status).toBe(200);
    expect(body.path_with_namespace).toBe(PROJECT);
    expect(emulator.calls[0]?.path).toBe('/api/v4/projects/platform%2Fapi-manifests');
  });

  it('follows X-Next-Page through every page of a list', async () => {
    const { api } = client();
    const branches = await api.list<{ name: string }>(`${projectPath(PROJECT)}/repository/branches`);
    expect(branches).toHaveLength(105);
    expect(new Set(branches.map((branch) => branch.name)).size).toBe(105);
    expect(emulator.calls.map((call) => call.input?.page)).toEqual(['1', '2']);
  });

  it('stops reading pages once it has the number asked for', async () => {
    const { api } = client();
    const branches = await api.list(`${projectPath(PROJECT)}/repository/branches`, {}, 7);
    expect(branches).toHaveLength(7);
    expect(emulator.calls).toHaveLength(1);
    expect(emulator.calls[0]?.input?.per_page).toBe('7');
  });

  it("waits a 429's Retry-After before trying again", async () => {
    const { api, waits } = client();
    emulator.faults.setRetryAfter(7);
    emulator.faults.failSequence(['rateLimited', 'rateLimited'], PROJECT_ROUTE);
    expect((await api.request(projectPath(PROJECT))).status).toBe(200);
    expect(waits).toEqual([7000, 7000]);
    expect(statuses()).toEqual([429, 429, 200]);
  });

  it('caps a long Retry-After', async () => {
    const { api, waits } = client({ retry: { maxRetryAfterMs: 3000 } });
    emulator.faults.setRetryAfter(3600);
    emulator.faults.failSequence(['rateLimited'], PROJECT_ROUTE);
    await api.request(projectPath(PROJECT));
    expect(waits).toEqual([3000]);
  });

  it('surfaces a 429 that outlasts the attempts as an error carrying the status', async () => {
    const { api } = client({ retry: { attempts: 2 } });
    emulator.faults.failSequence(['rateLimited', 'rateLimited'], PROJECT_ROUTE);
    const error = await rejectionOf(api.request(projectPath(PROJECT)));
    expect(error).toBeInstanceOf(GitLabApiError);
    expect((error as GitLabApiError).status).toBe(429);
    expect(error.message).toContain('Retry later');
  });

  it('retries 5xx answers with jittered, growing backoff and then succeeds', async () => {
    const { api, waits } = client({ retry: { baseDelayMs: 100, maxDelayMs: 250 } });
    emulator.faults.failSequence(['internalServerError', 'badGateway', 'serviceUnavailable'], PROJECT_ROUTE);
    expect((await api.request(projectPath(PROJECT))).status).toBe(200);
    expect(statuses()).toEqual([500, 502, 503, 200]);
    expect(waits).toHaveLength(3);
    const caps = [100, 200, 250];
    waits.forEach((wait, index) => {
      expect(wait).toBeGreaterThanOrEqual(0);
      expect(wait).toBeLessThanOrEqual(caps[index] as number);
    });
  });

  it('surfaces a 5xx that outlasts the attempts', async () => {
    const { api, waits } = client();
    emulator.faults.failSequence(Array(DEFAULT_RETRY.attempts).fill('internalServerError'), PROJECT_ROUTE);
    const error = await rejectionOf(api.request(projectPath(PROJECT)));
    expect(error).toBeInstanceOf(GitLabApiError);
    expect((error as GitLabApiError).status).toBe(500);
    expect(error.message).toContain(`after ${DEFAULT_RETRY.attempts} attempts`);
    expect(waits).toHaveLength(DEFAULT_RETRY.attempts - 1);
    expect(emulator.calls).toHaveLength(DEFAULT_RETRY.attempts);
  });

  it('retries a host it cannot reach, then reports it with status 0', async () => {
    const { api, waits } = client({ url: `http://127.0.0.1:${await freePort()}` });
    const error = await rejectionOf(api.request(projectPath(PROJECT)));
    expect(error).toBeInstanceOf(GitLabApiError);
    expect((error as GitLabApiError).status).toBe(0);
    expect(error.message).toContain('unreachable after 4 attempts');
    expect(waits).toHaveLength(3);
  });

  it('gives up on an attempt that outlasts the timeout', async () => {
    const { api } = client({ timeoutMs: 50, retry: { attempts: 1 } });
    emulator.faults.setLatency(400, PROJECT_ROUTE);
    const error = await rejectionOf(api.request(projectPath(PROJECT)));
    expect(error).toBeInstanceOf(GitLabApiError);
    expect(error.message).toContain('no answer within 50 ms');
  });

  it('turns a 401 into AccessDenied naming the token source and the scope', async () => {
    const { api } = client({ token: async () => WRONG_TOKEN });
    const error = await rejectionOf(api.request(projectPath(PROJECT)));
    expect(error).toBeInstanceOf(GitHostError);
    expect((error as GitHostError).code).toBe('AccessDenied');
    expect(error.message).toContain('401');
    expect(error.message).toContain('SSM parameter /flowkeeper/gitlab-token');
    expect(error.message).toContain('`api`');
    expect(emulator.calls).toHaveLength(1);
  });

  it('reads a rotated token again after a 401, and retries once with it', async () => {
    let reads = 0;
    const { api } = client({
      token: async (options) => {
        reads += 1;
        return options?.fresh ? TOKEN : WRONG_TOKEN;
      },
    });
    const { status } = await api.request(projectPath(PROJECT));
    expect(status).toBe(200);
    expect(statuses()).toEqual([401, 200]);
    expect(reads).toBe(2);
  });

  it('turns a 403 for a read-only token writing into AccessDenied with GitLab’s reason', async () => {
    const host = createGitLabGitHost({
      url: emulator.url,
      project: PROJECT,
      token: async () => READ_ONLY_TOKEN,
      tokenSource: 'Secrets Manager secret flowkeeper/gitlab',
    });
    const parentCommitId = (await host.readFile('main', 'README.md')).commitId;
    const error = await rejectionOf(
      host.commit({
        branch: 'main',
        parentCommitId,
        changes: [{ path: 'README.md', content: '# changed\n' }],
        message: 'Change',
        author: { name: 'a', email: 'a@example.com' },
      }),
    );
    expect((error as GitHostError).code).toBe('AccessDenied');
    expect(error.message).toContain('403');
    expect(error.message).toContain('insufficient_scope');
    expect(error.message).toContain('Secrets Manager secret flowkeeper/gitlab');
  });

  it("carries GitLab's message for other refusals", async () => {
    const { api } = client();
    const error = await rejectionOf(
      api.request(`${projectPath(PROJECT)}/repository/commits`, {
        method: 'POST',
        body: { branch: 'main', commit_message: 'x', actions: [{ action: 'rename', file_path: 'a' }] },
      }),
    );
    expect(error).toBeInstanceOf(GitLabApiError);
    expect((error as GitLabApiError).status).toBe(400);
    expect((error as GitLabApiError).detail).toContain('actions[0][action]');
    expect(error.message).toContain('POST');
  });

  it('tells what a 404 says is missing', async () => {
    const { api } = client();
    const file = await rejectionOf(
      api.request(`${projectPath(PROJECT)}/repository/files/nothing.txt`, { query: { ref: 'main' } }),
    );
    expect(notFoundSubject(file)).toBe('File');
    expect(isNotFound(file, 'file')).toBe(true);
    expect(isNotFound(file, 'Project')).toBe(false);
    const project = await rejectionOf(api.request(projectPath('platform/absent')));
    expect(notFoundSubject(project)).toBe('Project');
    expect(notFoundSubject(new Error('404 File Not Found'))).toBeUndefined();
  });

  it('never lets a token reach an error or the emulator log', async () => {
    const failures: unknown[] = [];
    const collect = (call: Promise<unknown>) => rejectionOf(call).then((error) => failures.push(error));
    await collect(client({ token: async () => WRONG_TOKEN }).api.request(projectPath(PROJECT)));
    await collect(client().api.request(projectPath('platform/absent')));
    emulator.faults.failSequence(Array(4).fill('badGateway'), PROJECT_ROUTE);
    await collect(client().api.request(projectPath(PROJECT)));
    await collect(client({ url: `http://127.0.0.1:${await freePort()}` }).api.request(projectPath(PROJECT)));
    const readOnly = createGitLabGitHost({
      url: emulator.url,
      project: PROJECT,
      token: async () => READ_ONLY_TOKEN,
    });
    await collect(readOnly.setCommitStatus('c'.repeat(40), { state: 'pending', name: 'build' }));
    // A proxy echoing the request back: the token it repeats is removed from the message.
    const echoing = createGitLabApi({
      url: 'http://gitlab.invalid',
      token: async () => TOKEN,
      fetch: async (_url, init) =>
        new Response(JSON.stringify({ message: `bad header ${JSON.stringify(init?.headers)}` }), {
          status: 400,
        }),
    });
    await collect(echoing.request(projectPath(PROJECT)));

    expect(failures).toHaveLength(6);
    const seen = [
      ...failures.map((failure) => {
        const error = failure as Error & { cause?: unknown };
        return [error.message, error.stack, JSON.stringify(error), String(error.cause)].join('\n');
      }),
      JSON.stringify(emulator.calls),
    ].join('\n');
    for (const token of [TOKEN, READ_ONLY_TOKEN, WRONG_TOKEN]) expect(seen).not.toContain(token);
    expect(seen).toContain('[redacted]');
  });
});
