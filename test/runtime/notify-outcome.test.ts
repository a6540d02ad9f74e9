/**
 * End to end: an image push bumps a manifest on the local git host through the image-bump
 * function's path, then its outcome is told to every configured channel, a Slack incoming webhook
 * (the stand-in, its URL in an SSM SecureString in moto) and Amazon Q Developer (an SNS topic in
 * moto, read back through a subscribed SQS queue). A channel that keeps failing is retried within
 * its limits, then logged and counted, and the commit stands.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseImageEvent } from '#parsers/image-event.ts';
import { bumpOneEvent } from '#runtime/bump-events.ts';
import { createImageContainer } from '#runtime/container.ts';
import { notifyContext, notifyImageBumpOutcome } from '#runtime/notify-outcome.ts';
import { ecrPushEvent } from '#test/events.ts';
import { createTestRepo, type TestRepo } from '#test/git-repo.ts';
import { type MotoServer, startMoto } from '#test/moto.ts';
import { type SlackWebhookStandIn, startSlackWebhook } from '../emulators/slack/server.ts';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const VALUES = 'image:\n  repository: 111122223333.dkr.ecr.eu-west-1.amazonaws.com/my-app\n  tag: "1.4.1"\n';

let moto: MotoServer;
let slack: SlackWebhookStandIn;
let repo: TestRepo;
let directory: string;
let sqs: SQSClient;
let queueUrl: string | undefined;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  [moto, slack] = await Promise.all([startMoto(), startSlackWebhook()]);
  const region = 'us-east-1';
  const ssm = new SSMClient({ endpoint: moto.endpoint, region, credentials });
  const sns = new SNSClient({ endpoint: moto.endpoint, region, credentials });
  sqs = new SQSClient({ endpoint: moto.endpoint, region, credentials });
  await ssm.send(
    new PutParameterCommand({
      Name: '/flowkeeper/slack-webhook',
      Type: 'SecureString',
      Value: `${slack.url}/services/T000/B000/secret`,
    }),
  );
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'flowkeeper-chat' }));
  ({ QueueUrl: queueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'chat-copy' })));
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  await sns.send(
    new SubscribeCommand({
      TopicArn,
      Protocol: 'sqs',
      Endpoint: Attributes?.QueueArn,
      Attributes: { RawMessageDelivery: 'true' },
    }),
  );

  repo = await createTestRepo({ 'values-stg.yaml': VALUES }, ['stg']);
  directory = await mkdtemp(join(tmpdir(), 'flowkeeper-notify-'));
  const configFile = join(directory, 'flowkeeper.yaml');
  await writeFile(
    configFile,
    [
      'repositories:',
      `  manifests: { provider: local, path: ${JSON.stringify(repo.path)} }`,
      'images:',
      '  - ecr: my-app',
      "    tags: { semver: '>=1.0.0' }",
      '    update:',
      '      - { repository: manifests, branch: stg, file: values-stg.yaml, kind: helm, path: image }',
      'notifications:',
      '  channels:',
      '    team-slack:',
      '      kind: slack-webhook',
      '      webhook: { ssm: /flowkeeper/slack-webhook }',
      '      events: [bump-committed, bump-rejected]',
      '    ops-q:',
      '      kind: amazon-q',
      `      topicArn: ${TopicArn}`,
      '      events: [bump-committed]',
      '      images: [my-app]',
      '',
    ].join('\n'),
  );
  env = { FLOWKEEPER_CONFIG_FILE: configFile, AWS_REGION: region };
  // The channels' default clients read the SDK's standard environment.
  vi.stubEnv('AWS_ENDPOINT_URL', moto.endpoint);
  vi.stubEnv('AWS_ACCESS_KEY_ID', credentials.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', credentials.secretAccessKey);
  vi.stubEnv('AWS_REGION', region);
}, 60_000);

afterAll(async () => {
  vi.unstubAllEnvs();
  await Promise.all([
    moto?.stop(),
    slack?.close(),
    repo?.cleanup(),
    directory && rm(directory, { recursive: true }),
  ]);
});

beforeEach(() => {
  slack.posts.length = 0;
});

async function amazonQMessages(): Promise<unknown[]> {
  const { Messages } = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
  );
  return (Messages ?? []).map((message) => JSON.parse(message.Body ?? 'null'));
}

/** The image-bump function's path: the work, then one notify call with its outcome. */
async function push(tag: string) {
  const container = createImageContainer('ImageBumpFunction', env);
  const warn = vi.spyOn(container.logger, 'warn');
  const stdout = vi.spyOn(process.stdout, 'write');
  const outcome = await bumpOneEvent(container, parseImageEvent(ecrPushEvent({ 'image-tag': tag })));
  await notifyImageBumpOutcome(
    notifyContext(container, () => container.imageBump()),
    outcome,
  );
  const printed = stdout.mock.calls.map(([chunk]) => String(chunk)).join('');
  stdout.mockRestore();
  return { outcome, warn, printed };
}

describe('notifications after a bump', () => {
  it('each configured channel gets exactly one message about the commit', async () => {
    const { outcome } = await push('1.4.2');
    expect(outcome.actions).toMatchObject([{ type: 'commit', repository: 'manifests', branch: 'stg' }]);
    expect(slack.posts).toHaveLength(1);
    expect(slack.posts[0]?.body).toMatchObject({ text: '✅ my-app 1.4.1 → 1.4.2 on stg' });
    const messages = await amazonQMessages();
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      version: '1.0',
      source: 'custom',
      content: { textType: 'client-markdown', title: '✅ my-app 1.4.1 → 1.4.2 on stg' },
      metadata: { threadId: 'flowkeeper/bump/manifests/stg', eventType: 'bump-committed' },
    });
  });

  it('a replayed push commits nothing and posts nothing', async () => {
    const { outcome } = await push('1.4.2');
    expect(outcome.actions.some((action) => action.type === 'commit')).toBe(false);
    expect(slack.posts).toHaveLength(0);
    expect(await amazonQMessages()).toHaveLength(0);
  });

  it('a channel answering 500 is retried within limits, then logged and counted; the bump stands', async () => {
    slack.fail({ status: 500 }, { status: 500 }, { status: 500 });
    const { outcome, warn, printed } = await push('1.4.3');
    expect(outcome.actions).toMatchObject([{ type: 'commit', changes: [{ from: '1.4.2', to: '1.4.3' }] }]);
    expect(await repo.git('show', 'stg:values-stg.yaml')).toContain('tag: "1.4.3"');
    expect(slack.posts.map((post) => post.status)).toEqual([500, 500, 500]);
    expect(warn).toHaveBeenCalledWith(
      'notification not delivered; the work it reports on stands',
      expect.objectContaining({ channel: 'team-slack', kind: 'bump-committed' }),
    );
    expect(printed).toContain('NotificationFailures');
    expect(await amazonQMessages()).toHaveLength(1);
  });

  it('a channel answering 429 is retried after Retry-After, then gets its one message', async () => {
    slack.fail({ status: 429, retryAfter: 1 });
    const { outcome } = await push('1.4.4');
    expect(outcome.actions).toMatchObject([{ type: 'commit' }]);
    expect(slack.posts.map((post) => post.status)).toEqual([429, 200]);
    expect(await amazonQMessages()).toHaveLength(1);
  });
});
