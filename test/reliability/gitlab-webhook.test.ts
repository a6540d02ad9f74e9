import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBundle } from '#test/function-process/index.ts';
import { startWarmContainer, type WarmContainer } from '#test/function-process/warm.ts';
import { type FunctionUrlServer, serveFunctionUrl } from '#test/function-url.ts';
import { type MotoServer, startMoto } from '#test/moto.ts';
import { gitText } from '../emulators/codecommit/git.ts';
import { gitlabApi, projectId } from '../emulators/gitlab/client.ts';
import { type GitLabEmulator, startGitLabEmulator } from '../emulators/gitlab/server.ts';

// GitLab (the emulator) delivers merge-request webhooks over HTTP to the bundled
// GitLabWebhookFunction behind a local Function URL; the function reads the webhook token from an
// SSM SecureString and puts the event on moto's default event bus, where a rule copies every
// flowkeeper.gitlab event into an SQS queue the test reads.

const PATH = 'platform/shop-api';
const PROJECT = `/projects/${projectId(PATH)}`;
const API_TOKEN = 'glpat-webhook-test';
const WEBHOOK_TOKEN = 'webhook-s3cret';
const TOKEN_PARAMETER = '/flowkeeper/gitlab-webhook-token';
const region = 'us-east-1';
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

let moto: MotoServer;
let gitlab: GitLabEmulator;
let container: WarmContainer;
let functionUrl: FunctionUrlServer;
let sqs: SQSClient;
let queueUrl: string;
let distDir: string;
let gitDir: string;

const api = () => gitlabApi(gitlab, API_TOKEN);

interface BusEvent {
  source: string;
  'detail-type': string;
  detail: {
    mergeRequest: Record<string, unknown>;
    delivery: { idempotencyKey: string; eventUuid: string };
  } & Record<string, unknown>;
}

/** Every event waiting in the queue (waits up to `waitSeconds` for the first), removed from it. */
async function drainBus(waitSeconds = 2): Promise<BusEvent[]> {
  const events: BusEvent[] = [];
  let wait = waitSeconds;
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: wait,
        VisibilityTimeout: 600,
      }),
    );
    if (Messages.length === 0) return events;
    for (const message of Messages) events.push(JSON.parse(message.Body ?? '{}') as BusEvent);
    wait = 0;
  }
}

async function addHook(token: string | undefined): Promise<number> {
  const answer = await api()('POST', `${PROJECT}/hooks`, {
    url: functionUrl.url,
    merge_requests_events: true,
    push_events: false,
    ...(token === undefined ? {} : { token }),
  });
  return (answer.json as { id: number }).id;
}

const removeHook = (id: number) => api()('DELETE', `${PROJECT}/hooks/${id}`);

beforeAll(async () => {
  distDir = await mkdtemp(join(tmpdir(), 'flowkeeper-webhook-dist-'));
  const [started, bundle] = await Promise.all([startMoto(), buildBundle('GitLabWebhookFunction', distDir)]);
  moto = started;
  const settings = { endpoint: moto.endpoint, region, credentials };
  const ssm = new SSMClient(settings);
  await ssm.send(
    new PutParameterCommand({ Name: TOKEN_PARAMETER, Value: WEBHOOK_TOKEN, Type: 'SecureString' }),
  );
  ssm.destroy();
  sqs = new SQSClient(settings);
  const queue = await sqs.send(new CreateQueueCommand({ QueueName: 'gitlab-events' }));
  queueUrl = queue.QueueUrl ?? '';
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  const events = new EventBridgeClient(settings);
  await events.send(
    new PutRuleCommand({
      Name: 'gitlab-merge-requests',
      EventPattern: JSON.stringify({
        source: ['flowkeeper.gitlab'],
        'detail-type': ['GitLab Merge Request'],
      }),
    }),
  );
  await events.send(
    new PutTargetsCommand({
      Rule: 'gitlab-merge-requests',
      Targets: [{ Id: 'queue', Arn: Attributes?.QueueArn }],
    }),
  );
  events.destroy();

  container = await startWarmContainer(bundle, {
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_REGION: region,
    FLOWKEEPER_WEBHOOK_TOKEN_PARAMETER: TOKEN_PARAMETER,
    FLOWKEEPER_EVENT_BUS_NAME: 'default',
  });
  functionUrl = await serveFunctionUrl(async (event) => {
    const outcome = await container.invoke(event);
    if (!outcome.ok) throw new Error(`${outcome.error.name}: ${outcome.error.message}`);
    return outcome.result;
  });
  gitlab = await startGitLabEmulator();
  gitlab.addToken(API_TOKEN, { username: 'dana', name: 'Dana Developer' });
  ({ gitDir } = await gitlab.createProject(PATH, {
    main: { 'a.txt': 'a\n' },
    'feature/readiness-probe': { 'a.txt': 'a\n', 'probe.txt': 'probe\n' },
    'feature/closed': { 'a.txt': 'a\n', 'closed.txt': 'closed\n' },
    'feature/denied': { 'a.txt': 'a\n', 'denied.txt': 'denied\n' },
  }));
}, 180_000);

afterAll(async () => {
  await gitlab?.stop();
  await functionUrl?.stop();
  await container?.stop();
  sqs?.destroy();
  await moto?.stop();
  if (distDir) await rm(distDir, { recursive: true, force: true });
});

describe('GitLab merge-request webhooks into EventBridge', () => {
  it('puts one GitLab Merge Request event per open, close and merge, with the exact detail', async () => {
    const hook = await addHook(WEBHOOK_TOKEN);
    const open = async (source: string) => {
      const answer = await api()('POST', `${PROJECT}/merge_requests`, {
        source_branch: source,
        target_branch: 'main',
        title: `Add ${source}`,
      });
      return (answer.json as { iid: number }).iid;
    };
    const merged = await open('feature/readiness-probe');
    const closed = await open('feature/closed');
    await api()('PUT', `${PROJECT}/merge_requests/${closed}`, { state_event: 'close' });
    await api()('PUT', `${PROJECT}/merge_requests/${merged}/merge`);
    await gitlab.settleHooks();
    expect(gitlab.hookDeliveries.map((delivery) => delivery.status)).toEqual([200, 200, 200, 200]);

    const events = await drainBus();
    expect(events.map((event) => [event.source, event['detail-type']])).toEqual(
      Array(4).fill(['flowkeeper.gitlab', 'GitLab Merge Request']),
    );
    const probeHead = await gitText(gitDir, ['rev-parse', 'refs/heads/feature/readiness-probe']);
    const byKey = new Map(events.map((event) => [event.detail.delivery.idempotencyKey, event.detail]));
    const [first] = gitlab.hookDeliveries;
    expect(byKey.get(first?.headers['Idempotency-Key'] ?? '')).toEqual({
      project: { id: 1, path: PATH, webUrl: `${gitlab.url}/${PATH}` },
      mergeRequest: {
        iid: merged,
        action: 'open',
        state: 'opened',
        sourceBranch: 'feature/readiness-probe',
        targetBranch: 'main',
        lastCommitId: probeHead,
        url: `${gitlab.url}/${PATH}/-/merge_requests/${merged}`,
        title: 'Add feature/readiness-probe',
      },
      delivery: {
        idempotencyKey: first?.headers['Idempotency-Key'],
        eventUuid: first?.headers['X-Gitlab-Event-UUID'],
      },
    });
    const actions = gitlab.hookDeliveries.map((delivery) => {
      const detail = byKey.get(delivery.headers['Idempotency-Key'] ?? '') as {
        mergeRequest: Record<string, unknown>;
      };
      return [detail.mergeRequest.iid, detail.mergeRequest.action, detail.mergeRequest.state];
    });
    expect(actions).toEqual([
      [merged, 'open', 'opened'],
      [closed, 'open', 'opened'],
      [closed, 'close', 'closed'],
      [merged, 'merge', 'merged'],
    ]);
    await removeHook(hook);
  });

  it('puts the same detail again when GitLab redelivers: consumers de-duplicate on the Idempotency-Key', async () => {
    const last = gitlab.hookDeliveries.at(-1);
    if (last === undefined) throw new Error('no delivery to resend');
    const hook = await addHook(WEBHOOK_TOKEN);
    const again = await gitlab.resendHook(last.id);
    expect(again.status).toBe(200);
    const [event] = await drainBus();
    expect(event?.detail.delivery).toEqual({
      idempotencyKey: last.headers['Idempotency-Key'],
      eventUuid: last.headers['X-Gitlab-Event-UUID'],
    });
    expect(event?.detail).toEqual(
      (JSON.parse(again.responseBody) as { event: { detail: unknown } }).event.detail,
    );
    await removeHook(hook);
  });

  it.each([
    ['a wrong token', 'webhook-s3creT'],
    ['no token', undefined],
  ])('answers 401 with no detail and puts nothing for %s', async (_case, token) => {
    const hook = await addHook(token);
    const before = gitlab.hookDeliveries.length;
    const answer = await api()('POST', `${PROJECT}/merge_requests`, {
      source_branch: 'feature/denied',
      target_branch: 'main',
      title: 'Denied',
    });
    await gitlab.settleHooks();
    const refused = gitlab.hookDeliveries.slice(before);
    expect(refused.map((delivery) => [delivery.status, delivery.responseBody])).toEqual([[401, '']]);
    expect(await drainBus(1)).toEqual([]);
    await api()('PUT', `${PROJECT}/merge_requests/${(answer.json as { iid: number }).iid}`, {
      state_event: 'close',
    });
    await gitlab.settleHooks();
    await removeHook(hook);
  });

  it('answers 500 when the bus refuses the event, so that GitLab delivers it again', async () => {
    const bundle = await buildBundle('GitLabWebhookFunction', distDir);
    const missingBus = await startWarmContainer(bundle, {
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_REGION: region,
      FLOWKEEPER_WEBHOOK_TOKEN_PARAMETER: TOKEN_PARAMETER,
      FLOWKEEPER_EVENT_BUS_NAME: 'no-such-bus',
    });
    try {
      const delivery = gitlab.hookDeliveries[0];
      if (delivery === undefined) throw new Error('no delivery to replay');
      const request = {
        version: '2.0',
        routeKey: '$default',
        rawPath: '/',
        rawQueryString: '',
        headers: Object.fromEntries(Object.entries(delivery.headers).map(([k, v]) => [k.toLowerCase(), v])),
        requestContext: { http: { method: 'POST', path: '/', sourceIp: '127.0.0.1' } },
        body: delivery.body,
        isBase64Encoded: false,
      };
      const outcome = await missingBus.invoke(request);
      expect(outcome).toMatchObject({ ok: true, result: { statusCode: 500 } });
      expect(await drainBus(1)).toEqual([]);
    } finally {
      await missingBus.stop();
    }
  });

  it('answers 400 with a short reason, and 202 for other hook kinds, putting nothing', async () => {
    const headers = { 'content-type': 'application/json', 'x-gitlab-token': WEBHOOK_TOKEN };
    const bad = await fetch(functionUrl.url, {
      method: 'POST',
      headers: { ...headers, 'x-gitlab-event': 'Merge Request Hook' },
      body: '{"object_kind":"merge_request"}',
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ message: 'payload.project: missing' });
    const push = await fetch(functionUrl.url, {
      method: 'POST',
      headers: { ...headers, 'x-gitlab-event': 'Push Hook' },
      body: '{"object_kind":"push"}',
    });
    expect(push.status).toBe(202);
    expect(await drainBus(1)).toEqual([]);
  });
});
