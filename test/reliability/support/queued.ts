import { randomUUID } from 'node:crypto';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import type { BumpResult } from '#app/image-bump/result.ts';
import type { FailedResult } from '#runtime/handle-event.ts';
import { createFifoEventSource, type DrainReport } from '#test/fifo-event-source.ts';
import { startWarmContainer } from '#test/function-process/warm.ts';
import type { Stack } from './stack.ts';

let queues = 0;

export interface QueueOptions {
  /** The visibility timeout of a failed message, scaled down; SQS allows no less than 1000. */
  retryDelayMs?: number;
}

export interface SendOptions {
  /**
   * `content` (the template's content-based deduplication): a body sent again within five minutes
   * is dropped by the queue. `unique`: every message is kept, as a copy EventBridge redelivers
   * after the five-minute window (or a dead-letter redrive) is.
   */
  deduplication?: 'content' | 'unique';
}

/** A drain, with what each batch carried. */
export interface QueuedReport extends DrainReport {
  /** The events (message bodies) each invocation was handed, in the order of `invocations`. */
  batches: unknown[][];
}

/** One image event queue and the one warm container its batches go to, for several sends. */
export interface ImageEventQueue {
  /** Put `events` on the queue and hand its batches to the container until it is empty. */
  deliver(events: unknown[], options?: SendOptions): Promise<QueuedReport>;
  stop(): Promise<void>;
}

/**
 * The image event queue as the template deploys it: a FIFO queue, one batch of up to ten at a
 * time to one warm container; failed messages come back after `retryDelayMs` (the visibility
 * timeout, scaled down) until they reach the dead-letter queue.
 */
export async function openImageEventQueue(
  stack: Stack,
  env: Record<string, string>,
  options: QueueOptions = {},
): Promise<ImageEventQueue> {
  queues += 1;
  const source = await createFifoEventSource({
    sqs: stack.sqs,
    name: `image-events-${process.pid}-${queues}`,
    retryDelayMs: options.retryDelayMs ?? 1000,
  });
  const bundle = stack.bundles.ImageBumpFunction;
  if (!bundle) throw new Error('the stack has no ImageBumpFunction bundle');
  const container = await startWarmContainer(bundle, env);
  return {
    async deliver(events, sendOptions = {}) {
      if (sendOptions.deduplication === 'unique') await sendUnique(stack, source.queueUrl, events);
      else await source.send(events);
      const batches: unknown[][] = [];
      const report = await source.drain((batch) => {
        const records = (batch as { Records: { body: string }[] }).Records;
        batches.push(records.map((record) => JSON.parse(record.body) as unknown));
        return container.invoke(batch);
      });
      return { ...report, batches };
    },
    stop: () => container.stop(),
  };
}

/**
 * Deliver `events` to ImageBumpFunction the way the template does: through the FIFO image event
 * queue, one batch at a time, to one warm container (see {@link openImageEventQueue}).
 */
export async function deliverQueued(
  stack: Stack,
  env: Record<string, string>,
  events: unknown[],
  options: QueueOptions & SendOptions = {},
): Promise<QueuedReport> {
  const queue = await openImageEventQueue(stack, env, options);
  try {
    return await queue.deliver(events, options);
  } finally {
    await queue.stop();
  }
}

/** SendMessageBatch as EventBridge does, ten at a time, each message with its own deduplication id. */
async function sendUnique(stack: Stack, QueueUrl: string, events: unknown[]): Promise<void> {
  for (let i = 0; i < events.length; i += 10) {
    const { Failed = [] } = await stack.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl,
        Entries: events.slice(i, i + 10).map((event, k) => ({
          Id: String(k),
          MessageBody: JSON.stringify(event),
          MessageGroupId: 'image-events',
          MessageDeduplicationId: randomUUID(),
        })),
      }),
    );
    if (Failed.length > 0) throw new Error(`SendMessageBatch failed: ${JSON.stringify(Failed)}`);
  }
}

/** What the function answered a batch: the messages to redeliver, and every event's result. */
export interface QueuedAnswer {
  batchItemFailures: { itemIdentifier: string }[];
  results: (BumpResult | FailedResult)[];
}

/** The function's answer to every batch of a drain, in order; throws when an invocation threw. */
export function batchAnswers(report: DrainReport): QueuedAnswer[] {
  return report.invocations.map(({ outcome }) => {
    if (!outcome.ok) throw new Error(`a batch threw ${outcome.error.name}: ${outcome.error.message}`);
    return outcome.result as QueuedAnswer;
  });
}

/** Every event result the function returned over a drain, by event id (the last one wins). */
export function eventResults(report: DrainReport): Map<string, BumpResult> {
  const results = new Map<string, BumpResult>();
  for (const { outcome } of report.invocations) {
    if (!outcome.ok) continue;
    const answer = outcome.result as { results?: BumpResult[] };
    for (const result of answer.results ?? []) results.set(result.eventId, result);
  }
  return results;
}
