import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Outcome } from './function-process/index.ts';

/**
 * The deployed path of image events, on moto's SQS: EventBridge puts each event on a FIFO queue
 * (one message group, content-based deduplication) and Lambda's event source hands the function
 * one batch of up to ten at a time, deletes what succeeded, and hands out failures again once
 * their visibility timeout has passed, until `maxReceiveCount` moves them to the dead-letter queue.
 * Only the visibility timeout is scaled down (`retryDelayMs` instead of the template's 360 s).
 */
export interface FifoEventSourceOptions {
  sqs: SQSClient;
  /** Queue name without `.fifo`; unique per test. */
  name: string;
  /** The message group EventBridge's rule targets set (the template's `image-events`). */
  messageGroupId?: string;
  batchSize?: number;
  maxReceiveCount?: number;
  /** How long a failed message stays invisible before it is handed out again (Lambda: the visibility timeout). */
  retryDelayMs?: number;
}

export interface BatchInvocation {
  messageIds: string[];
  outcome: Outcome;
  /** Messages the function reported as failed (or every message, when it threw). */
  failed: string[];
  /** ms from the batch's receipt to the function's answer. */
  ms: number;
}

export interface DrainReport {
  invocations: BatchInvocation[];
  /** Events moved to the dead-letter queue after `maxReceiveCount` receipts. */
  deadLettered: unknown[];
  /** Events delivered more than once. */
  redelivered: number;
}

export interface FifoEventSource {
  queueUrl: string;
  /** Put events on the queue as EventBridge does (SendMessageBatch, ten at a time). */
  send(events: unknown[]): Promise<void>;
  /** Hand batches to `invoke` until the queue is empty, in flight included. */
  drain(invoke: (event: unknown) => Promise<Outcome>, options?: { timeoutMs?: number }): Promise<DrainReport>;
}

export async function createFifoEventSource(options: FifoEventSourceOptions): Promise<FifoEventSource> {
  const { sqs } = options;
  const group = options.messageGroupId ?? 'image-events';
  const batchSize = options.batchSize ?? 10;
  const maxReceiveCount = options.maxReceiveCount ?? 5;
  const retrySeconds = Math.max(1, Math.round((options.retryDelayMs ?? 1000) / 1000));
  const { QueueUrl } = await sqs.send(
    new CreateQueueCommand({
      QueueName: `${options.name}.fifo`,
      Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true', VisibilityTimeout: '60' },
    }),
  );
  if (!QueueUrl) throw new Error('CreateQueue answered no queue URL');
  const queueArn = `arn:aws:sqs:us-east-1:123456789012:${options.name}.fifo`;

  const inQueue = async (): Promise<number> => {
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return (
      Number(Attributes.ApproximateNumberOfMessages ?? 0) +
      Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0)
    );
  };

  return {
    queueUrl: QueueUrl,
    async send(events) {
      for (let i = 0; i < events.length; i += 10) {
        const slice = events.slice(i, i + 10);
        const { Failed = [] } = await sqs.send(
          new SendMessageBatchCommand({
            QueueUrl,
            Entries: slice.map((event, k) => ({
              Id: String(k),
              MessageBody: JSON.stringify(event),
              MessageGroupId: group,
            })),
          }),
        );
        if (Failed.length > 0) throw new Error(`SendMessageBatch failed: ${JSON.stringify(Failed)}`);
      }
    },
    async drain(invoke, drainOptions = {}) {
      const deadline = Date.now() + (drainOptions.timeoutMs ?? 120_000);
      const report: DrainReport = { invocations: [], deadLettered: [], redelivered: 0 };
      const deliveries = new Map<string, number>();
      // Messages handed back to the queue and not received since. The queue's own counts can miss
      // one at the instant its visibility timeout ends (neither visible nor in flight yet), so an
      // empty answer does not end the drain while one of these is still to come back.
      const awaitingRedelivery = new Set<string>();
      while (Date.now() < deadline) {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl,
            MaxNumberOfMessages: batchSize,
            WaitTimeSeconds: 0,
            MessageSystemAttributeNames: ['All'],
          }),
        );
        const live: Message[] = [];
        for (const message of Messages) {
          awaitingRedelivery.delete(message.MessageId ?? '');
          const count = Number(message.Attributes?.ApproximateReceiveCount ?? 1);
          if (count > maxReceiveCount) {
            report.deadLettered.push(JSON.parse(message.Body ?? 'null'));
            await deleteMessages(sqs, QueueUrl, [message]);
          } else live.push(message);
        }
        if (live.length === 0) {
          if (awaitingRedelivery.size === 0 && (await inQueue()) === 0)
            return { ...report, redelivered: [...deliveries.values()].filter((n) => n > 1).length };
          await new Promise((resolve) => setTimeout(resolve, 50));
          continue;
        }
        for (const message of live) {
          const id = message.MessageId ?? '';
          deliveries.set(id, (deliveries.get(id) ?? 0) + 1);
        }
        const started = performance.now();
        const outcome = await invoke({ Records: live.map((message) => lambdaRecord(message, queueArn)) });
        const ms = performance.now() - started;
        const failed = failedIds(outcome, live);
        report.invocations.push({ messageIds: live.map((m) => m.MessageId ?? ''), outcome, failed, ms });
        await deleteMessages(
          sqs,
          QueueUrl,
          live.filter((message) => !failed.includes(message.MessageId ?? '')),
        );
        for (const message of live.filter((m) => failed.includes(m.MessageId ?? ''))) {
          await sqs.send(
            new ChangeMessageVisibilityCommand({
              QueueUrl,
              ReceiptHandle: message.ReceiptHandle,
              VisibilityTimeout: retrySeconds,
            }),
          );
          awaitingRedelivery.add(message.MessageId ?? '');
        }
      }
      throw new Error('the queue did not drain in time');
    },
  };
}

/** Lambda's answer for a batch: the reported failures, or every message when the function threw. */
function failedIds(outcome: Outcome, messages: Message[]): string[] {
  if (!outcome.ok) return messages.map((message) => message.MessageId ?? '');
  const result = outcome.result as { batchItemFailures?: { itemIdentifier?: string }[] } | null;
  return (result?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier ?? '');
}

async function deleteMessages(sqs: SQSClient, QueueUrl: string, messages: Message[]): Promise<void> {
  if (messages.length === 0) return;
  await sqs.send(
    new DeleteMessageBatchCommand({
      QueueUrl,
      Entries: messages.map((message, i) => ({ Id: String(i), ReceiptHandle: message.ReceiptHandle })),
    }),
  );
}

/** An SQS message as Lambda's event source passes it to the function. */
function lambdaRecord(message: Message, queueArn: string) {
  return {
    messageId: message.MessageId,
    receiptHandle: message.ReceiptHandle,
    body: message.Body,
    attributes: message.Attributes ?? {},
    messageAttributes: {},
    md5OfBody: message.MD5OfBody,
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: 'us-east-1',
  };
}
