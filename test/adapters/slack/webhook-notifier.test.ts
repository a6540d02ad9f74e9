import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSlackWebhookNotifier } from '#adapters/slack/webhook-notifier.ts';
import type { SlackWebhookChannelConfig } from '#config/types.ts';
import { bumpCommitted } from '#domain/notifications/messages.ts';
import { type MotoServer, startMoto } from '#test/moto.ts';
import { type SlackWebhookStandIn, startSlackWebhook } from '../../emulators/slack/server.ts';

let moto: MotoServer;
let slack: SlackWebhookStandIn;
let ssm: SSMClient;
let secretsManager: SecretsManagerClient;
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

const notification = bumpCommitted({
  eventId: 'e-1',
  repository: 'app-manifests',
  branch: 'stg',
  commitId: 'abc',
  moves: [{ image: 'my-app', where: 'values.yaml (image.tag)', from: '1.4.1', to: '1.4.2' }],
});

beforeAll(async () => {
  [moto, slack] = await Promise.all([startMoto(), startSlackWebhook()]);
  ssm = new SSMClient({ endpoint: moto.endpoint, region: 'eu-west-1', credentials });
  secretsManager = new SecretsManagerClient({ endpoint: moto.endpoint, region: 'eu-west-1', credentials });
  await ssm.send(
    new PutParameterCommand({
      Name: '/flowkeeper/slack-webhook',
      Type: 'SecureString',
      Value: `${slack.url}/services/T000/B000/ssm`,
    }),
  );
  await secretsManager.send(
    new CreateSecretCommand({
      Name: 'flowkeeper/slack-webhook',
      SecretString: `${slack.url}/services/T000/B000/sm\n`,
    }),
  );
  await secretsManager.send(
    new CreateSecretCommand({ Name: 'flowkeeper/not-a-url', SecretString: 'hunter2' }),
  );
}, 60_000);
afterAll(async () => {
  await Promise.all([moto?.stop(), slack?.close()]);
});
beforeEach(() => {
  slack.posts.length = 0;
});

const channel = (webhook: SlackWebhookChannelConfig['webhook']): SlackWebhookChannelConfig => ({
  kind: 'slack-webhook',
  webhook,
  events: ['bump-committed'],
});

function notifier(sleeps: number[] = []) {
  return createSlackWebhookNotifier({
    ssm,
    secretsManager,
    retryAfterBudgetSeconds: 5,
    maxAttempts: 3,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
}

describe('Slack incoming webhook notifier', () => {
  it('posts the Block Kit message to the URL read from an SSM SecureString or a secret', async () => {
    await notifier().send(channel({ ssm: '/flowkeeper/slack-webhook' }), notification);
    await notifier().send(channel({ secretsManager: 'flowkeeper/slack-webhook' }), notification);
    expect(slack.posts.map((post) => post.path)).toEqual([
      '/services/T000/B000/ssm',
      '/services/T000/B000/sm',
    ]);
    expect(slack.posts[0]?.headers['content-type']).toContain('application/json');
    expect(slack.posts[0]?.body).toMatchObject({
      text: '✅ my-app 1.4.1 → 1.4.2 on stg',
      blocks: [{ type: 'header' }, { type: 'section' }, { type: 'context' }],
    });
  });

  it('honours Retry-After within the budget, then delivers', async () => {
    const sleeps: number[] = [];
    slack.fail({ status: 429, retryAfter: 2 }, { status: 429, retryAfter: 1 });
    await notifier(sleeps).send(channel({ ssm: '/flowkeeper/slack-webhook' }), notification);
    expect(slack.posts.map((post) => post.status)).toEqual([429, 429, 200]);
    expect(sleeps).toEqual([2000, 1000]);
  });

  it('gives up when Retry-After would exceed the budget, without posting again', async () => {
    slack.fail({ status: 429, retryAfter: 30 });
    await expect(
      notifier().send(channel({ ssm: '/flowkeeper/slack-webhook' }), notification),
    ).rejects.toThrow(/rate limited \(429\); Retry-After 30 s would exceed the 5 s budget/);
    expect(slack.posts).toHaveLength(1);
  });

  it('retries a 5xx a bounded number of times, and the error never holds the URL', async () => {
    slack.fail({ status: 500 }, { status: 503 }, { status: 500 });
    const error = await notifier()
      .send(channel({ ssm: '/flowkeeper/slack-webhook' }), notification)
      .catch((caught: unknown) => caught as Error);
    expect(slack.posts).toHaveLength(3);
    expect(error).toMatchObject({ name: 'SlackWebhookError' });
    expect(String((error as Error).message)).toMatch(/answered 500 internal_error after 3 attempt/);
    expect(String((error as Error).message)).not.toContain('/services/');
  });

  it('does not retry a revoked webhook, and says what to fix', async () => {
    slack.fail({ status: 410 });
    await expect(
      notifier().send(channel({ ssm: '/flowkeeper/slack-webhook' }), notification),
    ).rejects.toThrow(/410 channel_is_archived .*store its URL in SSM parameter \/flowkeeper\/slack-webhook/);
    expect(slack.posts).toHaveLength(1);
  });

  it('refuses a stored value that is not a webhook URL, without repeating it', async () => {
    const error = await notifier()
      .send(channel({ secretsManager: 'flowkeeper/not-a-url' }), notification)
      .catch((caught: unknown) => caught as Error);
    expect((error as Error).message).toMatch(
      /Slack webhook URL in Secrets Manager secret flowkeeper\/not-a-url is not an https URL/,
    );
    expect((error as Error).message).not.toContain('hunter2');
    expect(slack.posts).toHaveLength(0);
  });
});
