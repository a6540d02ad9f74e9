import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gitText } from '../emulators/codecommit/git.ts';
import { gitlabApi, projectId } from '../emulators/gitlab/client.ts';
import { type GitLabEmulator, startGitLabEmulator } from '../emulators/gitlab/server.ts';

const TOKEN = 'glpat-hooks';
const PATH = 'platform/shop-api';
const PROJECT = `/projects/${projectId(PATH)}`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

type Json = Record<string, unknown>;

let emulator: GitLabEmulator;
let gitDir: string;
let receiver: Server;
let receiverUrl: string;
const received: { path: string; headers: IncomingHttpHeaders; body: Json }[] = [];
const api = () => gitlabApi(emulator, TOKEN);

beforeAll(async () => {
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        path: request.url ?? '',
        headers: request.headers,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Json,
      });
      response.writeHead(request.url === '/refuse' ? 401 : 200).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  emulator = await startGitLabEmulator();
  emulator.addToken(TOKEN, { username: 'flowkeeper' });
  ({ gitDir } = await emulator.createProject(PATH, {
    main: { 'a.txt': 'a\n' },
    'feature/one': { 'a.txt': 'a\n', 'one.txt': 'one\n' },
    'feature/two': { 'a.txt': 'a\n', 'two.txt': 'two\n' },
  }));
});
afterAll(async () => {
  await emulator?.stop();
  await new Promise((resolve) => receiver.close(resolve));
});

describe('project webhooks', () => {
  it('adds, lists, shows and deletes hooks, never showing the token', async () => {
    const added = await api()('POST', `${PROJECT}/hooks`, { url: `${receiverUrl}/x`, token: 'secret-x' });
    expect(added.status).toBe(201);
    expect(added.json).toMatchObject({
      url: `${receiverUrl}/x`,
      push_events: true,
      merge_requests_events: false,
    });
    expect(added.text).not.toContain('secret-x');
    const { id } = added.json as { id: number };
    expect((await api()('GET', `${PROJECT}/hooks/${id}`)).json).toMatchObject({ id });
    expect(((await api()('GET', `${PROJECT}/hooks`)).json as Json[]).map((hook) => hook.id)).toEqual([id]);
    expect((await api()('DELETE', `${PROJECT}/hooks/${id}`)).status).toBe(204);
    expect((await api()('GET', `${PROJECT}/hooks/${id}`)).status).toBe(404);
    expect((await api()('POST', `${PROJECT}/hooks`, {})).status).toBe(400);
  });

  it("delivers Merge Request Hooks on open, close and merge to the hooks subscribed, with GitLab's headers", async () => {
    await api()('POST', `${PROJECT}/hooks`, {
      url: `${receiverUrl}/mr`,
      token: 'mr-secret',
      merge_requests_events: true,
      push_events: false,
    });
    await api()('POST', `${PROJECT}/hooks`, { url: `${receiverUrl}/push-only`, push_events: true });
    received.length = 0;

    const opened = await api()('POST', `${PROJECT}/merge_requests`, {
      source_branch: 'feature/one',
      target_branch: 'main',
      title: 'One',
    });
    expect(opened.status).toBe(201);
    const { iid } = opened.json as { iid: number };
    const closed = await api()('PUT', `${PROJECT}/merge_requests/${iid}`, { state_event: 'close' });
    expect(closed.json).toMatchObject({ state: 'closed' });
    await api()('PUT', `${PROJECT}/merge_requests/${iid}`, { state_event: 'reopen' });
    const merged = await api()('PUT', `${PROJECT}/merge_requests/${iid}/merge`);
    expect(merged.status).toBe(200);
    expect(merged.json).toMatchObject({
      state: 'merged',
      merge_commit_sha: expect.stringMatching(/^[0-9a-f]{40}$/),
    });
    await emulator.settleHooks();

    expect(received.map((r) => r.path)).toEqual(['/mr', '/mr', '/mr', '/mr']);
    const attributes = received.map((r) => r.body.object_attributes as Json);
    expect(attributes.map((a) => [a.action, a.state])).toEqual([
      ['open', 'opened'],
      ['close', 'closed'],
      ['reopen', 'opened'],
      ['merge', 'merged'],
    ]);
    const source = await gitText(gitDir, ['rev-parse', 'refs/heads/feature/one']);
    expect(received[0]?.body).toMatchObject({
      object_kind: 'merge_request',
      event_type: 'merge_request',
      project: { id: 1, path_with_namespace: PATH, web_url: `${emulator.url}/${PATH}` },
      object_attributes: {
        iid,
        source_branch: 'feature/one',
        target_branch: 'main',
        title: 'One',
        url: `${emulator.url}/${PATH}/-/merge_requests/${iid}`,
        last_commit: { id: source, url: `${emulator.url}/${PATH}/-/commit/${source}` },
      },
    });
    const headers = received[0]?.headers ?? {};
    expect(headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': expect.stringMatching(/^GitLab\/\d+\.\d+\.\d+$/),
      'x-gitlab-event': 'Merge Request Hook',
      'x-gitlab-token': 'mr-secret',
      'x-gitlab-instance': emulator.url,
      'x-gitlab-webhook-uuid': expect.stringMatching(UUID),
      'x-gitlab-event-uuid': expect.stringMatching(UUID),
      'idempotency-key': expect.stringMatching(UUID),
    });
    // One webhook UUID per hook, one event UUID and idempotency key per event.
    expect(new Set(received.map((r) => r.headers['x-gitlab-webhook-uuid'])).size).toBe(1);
    expect(new Set(received.map((r) => r.headers['idempotency-key'])).size).toBe(4);
    expect(await gitText(gitDir, ['rev-parse', 'refs/heads/main'])).toBe(
      (merged.json as { merge_commit_sha: string }).merge_commit_sha,
    );
  });

  it('resends a delivery with the same headers and body, and records the answers', async () => {
    const last = emulator.hookDeliveries.at(-1);
    if (last === undefined) throw new Error('no delivery');
    expect(last.status).toBe(200);
    received.length = 0;
    const again = await emulator.resendHook(last.id);
    expect(again.status).toBe(200);
    expect(received[0]?.headers['idempotency-key']).toBe(last.headers['Idempotency-Key']);
    expect(received[0]?.body).toEqual(JSON.parse(last.body));
  });

  it('sends no X-Gitlab-Token for a hook without one, and refuses a second open merge request', async () => {
    await api()('POST', `${PROJECT}/hooks`, { url: `${receiverUrl}/refuse`, merge_requests_events: true });
    received.length = 0;
    const opened = await api()('POST', `${PROJECT}/merge_requests`, {
      source_branch: 'feature/two',
      target_branch: 'main',
      title: 'Two',
    });
    expect(opened.status).toBe(201);
    await emulator.settleHooks();
    const refused = received.find((r) => r.path === '/refuse');
    expect(refused?.headers['x-gitlab-token']).toBeUndefined();
    expect(emulator.hookDeliveries.filter((d) => d.url.endsWith('/refuse')).map((d) => d.status)).toEqual([
      401,
    ]);
    const again = await api()('POST', `${PROJECT}/merge_requests`, {
      source_branch: 'feature/two',
      target_branch: 'main',
      title: 'Two again',
    });
    expect(again.status).toBe(409);
  });
});
