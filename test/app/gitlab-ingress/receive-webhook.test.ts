import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixedWebhookToken } from '#adapters/gitlab/webhook-token.ts';
import { receiveWebhook, type WebhookDeps } from '#app/gitlab-ingress/receive-webhook.ts';
import type { EventBus } from '#app/ports/event-bus.ts';
import { TransientError } from '#domain/errors.ts';
import type { BusEvent } from '#domain/gitlab-merge-request.ts';
import { parseFunctionUrlRequest, type WebhookRequest } from '#parsers/gitlab-webhook.ts';

const read = (file: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../../events/${file}`, import.meta.url), 'utf8'));

const sampleRequest = (): WebhookRequest =>
  parseFunctionUrlRequest(read('gitlab-webhook-merge-request.json'));
const opened = read('gitlab-merge-request-opened.json');

interface Recorded {
  deps: WebhookDeps;
  put: BusEvent[];
  logs: { level: string; message: string; extra: Record<string, unknown> }[];
}

function deps(options: { failPut?: boolean; token?: WebhookDeps['token'] } = {}): Recorded {
  const put: BusEvent[] = [];
  const logs: Recorded['logs'] = [];
  const bus: EventBus = {
    name: 'test-bus',
    async put(event) {
      if (options.failPut) throw new TransientError('PutEvents to bus test-bus failed: ThrottlingException');
      put.push(event);
      return { eventId: `event-${put.length}` };
    },
  };
  return {
    put,
    logs,
    deps: {
      token: options.token ?? fixedWebhookToken('sample-webhook-token'),
      bus,
      logger: {
        info: (message, extra) => logs.push({ level: 'info', message, extra }),
        warn: (message, extra) => logs.push({ level: 'warn', message, extra }),
      },
    },
  };
}

const withHeaders = (headers: Record<string, string | undefined>): WebhookRequest => {
  const request = sampleRequest();
  const merged: Record<string, string> = { ...request.headers };
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) delete merged[name];
    else merged[name] = value;
  }
  return { ...request, headers: merged };
};

describe('receiveWebhook', () => {
  it('puts the merge request on the bus as the sample event detail, and answers 200', async () => {
    const recorded = deps();
    const answer = await receiveWebhook(sampleRequest(), recorded.deps);
    expect(answer.status).toBe(200);
    expect(recorded.put).toEqual([
      {
        source: 'flowkeeper.gitlab',
        detailType: 'GitLab Merge Request',
        resources: [],
        detail: opened.detail,
      },
    ]);
    expect(answer.body).toMatchObject({ bus: 'test-bus', eventId: 'event-1' });
  });

  it.each([
    ['a wrong token', { 'x-gitlab-token': 'sample-webhook-tokem' }],
    ['a missing token', { 'x-gitlab-token': undefined }],
    ['an empty token', { 'x-gitlab-token': '' }],
  ])('refuses %s with 401, no body and nothing put', async (_case, headers) => {
    const recorded = deps();
    const answer = await receiveWebhook(withHeaders(headers), recorded.deps);
    expect(answer).toEqual({ status: 401 });
    expect(recorded.put).toEqual([]);
    expect(JSON.stringify(recorded.logs)).not.toContain('sample-webhook-tokem');
  });

  it('checks the token before anything else: a wrong token with a bad body is still 401', async () => {
    const recorded = deps();
    const request = { ...withHeaders({ 'x-gitlab-token': 'nope' }), body: '{' };
    expect(await receiveWebhook(request, recorded.deps)).toEqual({ status: 401 });
  });

  it('acknowledges other hook kinds with 202, puts nothing, and says why in the log', async () => {
    const recorded = deps();
    const answer = await receiveWebhook(withHeaders({ 'x-gitlab-event': 'Push Hook' }), recorded.deps);
    expect(answer.status).toBe(202);
    expect(recorded.put).toEqual([]);
    expect(recorded.logs).toContainEqual({
      level: 'info',
      message: 'webhook ignored: only merge request hooks are put on the bus',
      extra: { gitlabEvent: 'Push Hook' },
    });
  });

  it('answers 400 with a short reason for a body that is not JSON or lacks a field', async () => {
    const recorded = deps();
    expect(await receiveWebhook({ ...sampleRequest(), body: 'not json' }, recorded.deps)).toEqual({
      status: 400,
      body: { message: 'body is not JSON' },
    });
    const payload = JSON.parse(sampleRequest().body) as { object_attributes: Record<string, unknown> };
    delete payload.object_attributes.iid;
    const answer = await receiveWebhook({ ...sampleRequest(), body: JSON.stringify(payload) }, recorded.deps);
    expect(answer).toEqual({
      status: 400,
      body: { message: 'payload.object_attributes.iid: missing' },
    });
    expect(recorded.put).toEqual([]);
  });

  it('answers 500 when the bus refuses the event, so that GitLab delivers it again', async () => {
    const recorded = deps({ failPut: true });
    const answer = await receiveWebhook(sampleRequest(), recorded.deps);
    expect(answer.status).toBe(500);
    expect(recorded.logs.at(-1)).toMatchObject({
      level: 'warn',
      extra: { idempotencyKey: '8c1e7a52-3b8f-4d2e-9a61-0f4b2d7c9e13' },
    });
  });

  it('answers 500 when the token cannot be read (GitLab retries), never 401', async () => {
    const recorded = deps({
      token: {
        matches: async () => {
          throw new Error('ThrottlingException');
        },
      },
    });
    expect((await receiveWebhook(sampleRequest(), recorded.deps)).status).toBe(500);
    expect(recorded.put).toEqual([]);
  });

  it("puts the same detail for a redelivery: the Idempotency-Key is the consumers' de-duplication key", async () => {
    const recorded = deps();
    await receiveWebhook(sampleRequest(), recorded.deps);
    await receiveWebhook(sampleRequest(), recorded.deps);
    expect(recorded.put).toHaveLength(2);
    expect(recorded.put[1]).toEqual(recorded.put[0]);
  });

  it('accepts only POST', async () => {
    expect((await receiveWebhook({ ...sampleRequest(), method: 'GET' }, deps().deps)).status).toBe(405);
  });
});
