import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogAlertSink, createSnsAlertSink, snsSubject } from '#adapters/aws/sns-alert-sink.ts';
import type { Alert } from '#app/ports/alert-sink.ts';
import { type MotoServer, startMoto } from '#test/moto.ts';

let moto: MotoServer;
let sns: SNSClient;
let topicCount = 0;

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

beforeAll(async () => {
  moto = await startMoto();
  sns = new SNSClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials });
});
afterAll(async () => {
  await moto?.stop();
});
afterEach(() => {
  vi.unstubAllEnvs();
});

/** A fresh topic with one SQS queue subscribed to it (moto delivers SNS → SQS in process). */
async function topicWithQueue(options: { raw?: boolean; region?: string } = {}) {
  const region = options.region ?? 'us-east-1';
  const snsClient = new SNSClient({ endpoint: moto.endpoint, region, credentials });
  const sqsClient = new SQSClient({ endpoint: moto.endpoint, region, credentials });
  const name = `alerts-${++topicCount}`;
  const { TopicArn } = await snsClient.send(new CreateTopicCommand({ Name: name }));
  const { QueueUrl } = await sqsClient.send(new CreateQueueCommand({ QueueName: `${name}-queue` }));
  const { Attributes } = await sqsClient.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  await snsClient.send(
    new SubscribeCommand({
      TopicArn,
      Protocol: 'sqs',
      Endpoint: Attributes?.QueueArn,
      ...(options.raw ? { Attributes: { RawMessageDelivery: 'true' } } : {}),
    }),
  );
  const receive = async (): Promise<Message[]> => {
    const { Messages } = await sqsClient.send(
      new ReceiveMessageCommand({
        QueueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        MessageAttributeNames: ['All'],
      }),
    );
    return Messages ?? [];
  };
  return { topicArn: TopicArn as string, receive };
}

interface Envelope {
  Type: string;
  TopicArn: string;
  Subject?: string;
  Message: string;
  MessageAttributes?: Record<string, { Type: string; Value: string }>;
}

async function publishAndReceive(alert: Alert): Promise<Envelope> {
  const { topicArn, receive } = await topicWithQueue();
  await createSnsAlertSink({ topicArn, client: sns }).publish(alert);
  const messages = await receive();
  expect(messages).toHaveLength(1);
  const envelope = JSON.parse(messages[0]?.Body ?? '') as Envelope;
  expect(envelope).toMatchObject({ Type: 'Notification', TopicArn: topicArn });
  return envelope;
}

describe('SNS alert sink', () => {
  it('publishes the subject, the text followed by the details as JSON, and the event id', async () => {
    const details = { repository: 'app-manifests', branch: 'stg', attempts: 3, files: ['a.yaml'] };
    const envelope = await publishAndReceive({
      subject: 'Bump of my-app to 1.4.0 failed on stg',
      message: 'The manifest has no image my-app.\nNothing was committed.',
      eventId: 'b7c1d2e3-0000-4000-8000-000000000001',
      details,
    });
    expect(envelope.Subject).toBe('Bump of my-app to 1.4.0 failed on stg');
    const [text, json] = envelope.Message.split('\n\nDetails:\n');
    expect(text).toBe('The manifest has no image my-app.\nNothing was committed.');
    expect(JSON.parse(json ?? '')).toStrictEqual(details);
    expect(envelope.MessageAttributes).toStrictEqual({
      eventId: { Type: 'String', Value: 'b7c1d2e3-0000-4000-8000-000000000001' },
    });
  });

  it('publishes the text alone, without attributes, when there are no details and no event id', async () => {
    const envelope = await publishAndReceive({
      subject: 'Mirror drift',
      message: 'dev differs from GitLab.',
    });
    expect(envelope.Message).toBe('dev differs from GitLab.');
    expect(envelope.MessageAttributes).toBeUndefined();
  });

  it('carries the event id as an SQS message attribute on raw delivery', async () => {
    const { topicArn, receive } = await topicWithQueue({ raw: true });
    await createSnsAlertSink({ topicArn, client: sns }).publish({
      subject: 'Build failed',
      message: 'CodeBuild reported FAILED.',
      eventId: 'event-42',
    });
    const [message] = await receive();
    expect(message?.Body).toBe('CodeBuild reported FAILED.');
    expect(message?.MessageAttributes?.eventId).toMatchObject({
      DataType: 'String',
      StringValue: 'event-42',
    });
  });

  it('makes a long subject fit in 100 characters, ending in "..."', async () => {
    const subject = `Bump failed: ${'overlays/production/eu-west-1/'.repeat(6)}kustomization.yaml`;
    const envelope = await publishAndReceive({ subject, message: 'm' });
    expect(envelope.Subject).toHaveLength(100);
    expect(envelope.Subject).toBe(`${subject.slice(0, 97)}...`);
  });

  it('turns a subject into printable ASCII on one line', async () => {
    const envelope = await publishAndReceive({
      subject: 'Déploiement échoué — stg…\nretry “later” ✓',
      message: 'm',
    });
    expect(envelope.Subject).toBe('Deploiement echoue - stg... retry "later" ?');
  });

  it('publishes the subject as the message when the message is empty', async () => {
    const envelope = await publishAndReceive({ subject: 'Only a subject', message: '  ' });
    expect(envelope.Message).toBe('Only a subject');
  });

  it('serialises details that plain JSON cannot hold', async () => {
    const shared = { tag: '1.0.0' };
    const envelope = await publishAndReceive({
      subject: 's',
      message: 'm',
      details: { size: 2n ** 70n, error: new TypeError('bad tag'), first: shared, second: shared },
    });
    expect(JSON.parse(envelope.Message.split('\n\nDetails:\n')[1] ?? '')).toStrictEqual({
      size: '1180591620717411303424',
      error: { name: 'TypeError', message: 'bad tag' },
      first: { tag: '1.0.0' },
      second: '[repeated]',
    });
  });

  it('cuts a message over the SNS size limit instead of failing to publish', async () => {
    const envelope = await publishAndReceive({ subject: 's', message: 'é'.repeat(200_000) });
    expect(Buffer.byteLength(envelope.Message)).toBeLessThanOrEqual(256 * 1024);
    expect(envelope.Message).toMatch(/^é+\n\[truncated: the alert was 400000 bytes\]$/);
  });

  it('uses a default client in the topic region, endpoint from AWS_ENDPOINT_URL_SNS', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL_SNS', moto.endpoint);
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
    vi.stubEnv('AWS_REGION', 'us-east-1');
    const { topicArn, receive } = await topicWithQueue({ region: 'ap-southeast-2' });
    expect(topicArn).toContain(':ap-southeast-2:');
    await createSnsAlertSink({ topicArn }).publish({ subject: 'From the environment', message: 'm' });
    const [message] = await receive();
    expect(JSON.parse(message?.Body ?? '')).toMatchObject({ Subject: 'From the environment' });
  });

  it('refuses a topic ARN that is not one', () => {
    expect(() => createSnsAlertSink({ topicArn: 'alerts' })).toThrow('not an SNS topic ARN: "alerts"');
    expect(() => createSnsAlertSink({ topicArn: 'arn:aws:sqs:us-east-1:123456789012:alerts' })).toThrow(
      'not an SNS topic ARN',
    );
  });
});

describe('snsSubject', () => {
  it('keeps a short printable subject as it is', () => {
    expect(snsSubject('Bump of my-app to 1.4.0 failed [stg]')).toBe('Bump of my-app to 1.4.0 failed [stg]');
  });

  it('falls back to a fixed subject when nothing printable is left', () => {
    expect(snsSubject(' \n\t ')).toBe('Flowkeeper alert');
  });

  it('replaces each character outside ASCII that has no look-alike by one "?"', () => {
    expect(snsSubject('stg 🚀 日本')).toBe('stg ? ??');
  });
});

describe('log alert sink', () => {
  it('writes each alert as one line with its event id and details', async () => {
    const lines: string[] = [];
    await createLogAlertSink((line) => lines.push(line)).publish({
      subject: 'Bump failed',
      message: 'No image my-app.\nNothing committed.',
      eventId: 'event-7',
      details: { branch: 'stg' },
    });
    expect(lines).toStrictEqual([
      'ALERT Bump failed [event event-7]: No image my-app. | Nothing committed. {"branch":"stg"}',
    ]);
  });

  it('writes an alert without event id or details as subject and message', async () => {
    const lines: string[] = [];
    await createLogAlertSink((line) => lines.push(line)).publish({
      subject: 'Drift',
      message: 'dev differs',
    });
    expect(lines).toStrictEqual(['ALERT Drift: dev differs']);
  });
});
