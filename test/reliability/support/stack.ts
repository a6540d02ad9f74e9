import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ECRClient } from '@aws-sdk/client-ecr';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { stringify } from 'yaml';
import { type Emulators, startEmulators } from '#test/emulators.ts';
import { buildBundle, type FunctionBundle } from '#test/function-process/index.ts';
import type { CodeCommitEmulator } from '../../emulators/codecommit/server.ts';

/** The account and region of the sample events (events/*.json) and of `ecrPushEvent`. */
export const EVENT_ACCOUNT = '111122223333';
export const EVENT_REGION = 'eu-west-1';
/** The registry the sample events' image names point at. */
export const REGISTRY = `${EVENT_ACCOUNT}.dkr.ecr.${EVENT_REGION}.amazonaws.com`;

/** An alert as an SQS subscriber of the alert topic receives it (SNS JSON envelope). */
export interface ReceivedAlert {
  subject: string | undefined;
  message: string;
  eventId: string | undefined;
}

/**
 * One emulator set for a test file: moto (SSM, ECR, SNS, SQS) and the CodeCommit emulator, the
 * function bundles built once, an alert topic with a queue subscribed to it, and SDK clients for
 * setup and assertions.
 */
export interface Stack {
  emulators: Emulators;
  codecommit: CodeCommitEmulator;
  bundles: Record<string, FunctionBundle>;
  /** Where this stack's bundles are built when the run has no shared bundle directory. */
  distDir: string;
  ssm: SSMClient;
  ecr: ECRClient;
  alertTopicArn: string;
  /** Writes a configuration (a document, stored as YAML) to an SSM parameter. */
  putConfig(name: string, config: unknown): Promise<void>;
  /** Writes raw text to an SSM parameter (for configurations that must stay broken). */
  putParameterText(name: string, text: string): Promise<void>;
  /** moto's SQS, for the image event queue of the deployed path. */
  sqs: SQSClient;
  /** The environment of a function process that reads its configuration from `configParameter`. */
  envFor(configParameter: string, extra?: Record<string, string>): Record<string, string>;
  /** Every alert waiting in the queue (waits up to `waitSeconds` for the first), removed from it. */
  drainAlerts(waitSeconds?: number): Promise<ReceivedAlert[]>;
  stop(): Promise<void>;
}

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

export async function startStack(logicalIds: string[]): Promise<Stack> {
  const distDir = await mkdtemp(join(tmpdir(), 'flowkeeper-reliability-dist-'));
  const [started, building] = await Promise.allSettled([
    startEmulators(),
    Promise.all(logicalIds.map((id) => buildBundle(id, distDir))),
  ]);
  if (started.status === 'rejected' || building.status === 'rejected') {
    if (started.status === 'fulfilled') await started.value.stop();
    await rm(distDir, { recursive: true, force: true });
    throw started.status === 'rejected' ? started.reason : (building as PromiseRejectedResult).reason;
  }
  const emulators = started.value;
  const built = building.value;
  const region = emulators.env.AWS_REGION ?? 'us-east-1';
  const endpoint = emulators.moto.endpoint;
  const ssm = new SSMClient({ endpoint, region, credentials });
  const ecr = new ECRClient({ endpoint, region, credentials });
  const sns = new SNSClient({ endpoint, region, credentials });
  const sqs = new SQSClient({ endpoint, region, credentials });

  // moto is shared by the files of a run: this stack's alerts get a topic and an inbox of their own.
  const alerts = `flowkeeper-alerts-${randomUUID().slice(0, 8)}`;
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: alerts }));
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `${alerts}-inbox` }));
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: Attributes?.QueueArn }));
  if (TopicArn === undefined || QueueUrl === undefined)
    throw new Error('moto created no alert topic or queue');

  const putParameterText = async (name: string, text: string) => {
    await ssm.send(new PutParameterCommand({ Name: name, Value: text, Type: 'String', Overwrite: true }));
  };

  const receive = async (waitSeconds: number): Promise<Message[]> => {
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: waitSeconds,
        // Received messages stay invisible long enough that a drain never sees one twice.
        VisibilityTimeout: 600,
      }),
    );
    return Messages ?? [];
  };

  return {
    emulators,
    codecommit: emulators.codecommit,
    bundles: Object.fromEntries(built.map((bundle) => [bundle.logicalId, bundle])),
    distDir,
    ssm,
    ecr,
    sqs,
    alertTopicArn: TopicArn,
    putConfig: (name, config) => putParameterText(name, stringify(config)),
    putParameterText,
    envFor: (configParameter, extra = {}) => ({
      ...emulators.env,
      FLOWKEEPER_CONFIG_PARAMETER: configParameter,
      ALERT_TOPIC_ARN: TopicArn,
      ...extra,
    }),
    async drainAlerts(waitSeconds = 1) {
      const alerts: ReceivedAlert[] = [];
      for (let batch = await receive(waitSeconds); batch.length > 0; batch = await receive(0)) {
        for (const message of batch) alerts.push(alertOf(message));
      }
      return alerts;
    },
    async stop() {
      for (const client of [ssm, ecr, sns, sqs]) client.destroy();
      await Promise.allSettled([emulators.stop(), rm(distDir, { recursive: true, force: true })]);
    },
  };
}

interface SnsEnvelope {
  Subject?: string;
  Message: string;
  MessageAttributes?: Record<string, { Type: string; Value: string }>;
}

function alertOf(message: Message): ReceivedAlert {
  const envelope = JSON.parse(message.Body ?? '{}') as SnsEnvelope;
  return {
    subject: envelope.Subject,
    message: envelope.Message,
    eventId: envelope.MessageAttributes?.eventId?.Value,
  };
}
