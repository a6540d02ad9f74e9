import * as z from 'zod/mini';
import { EventError } from '#domain/errors.ts';
import { isRecord } from '#domain/is-record.ts';
import { nonEmptyText } from './fields.ts';
import { parseWith } from './zod-error.ts';

/** One message of an SQS event-source batch: its id (for partial failures) and its body. */
export interface QueuedMessage {
  messageId: string;
  body: string;
}

/**
 * True for what Lambda's SQS event source delivers (`Records` whose `eventSource` is `aws:sqs`);
 * a single EventBridge event never has `Records`.
 */
export function isSqsBatch(event: unknown): boolean {
  return isRecord(event) && Array.isArray(event.Records);
}

const SqsBatch = z.object(
  {
    Records: z.array(
      z.object({
        eventSource: z.literal('aws:sqs'),
        messageId: nonEmptyText,
        body: z.string(),
      }),
    ),
  },
  { error: 'expected an SQS batch with a Records array' },
);

/** The messages of an SQS batch, in delivery order; `EventError` when the batch is malformed. */
export function queuedMessages(event: unknown): QueuedMessage[] {
  const batch = parseWith(SqsBatch, event, 'event');
  return batch.Records.map(({ messageId, body }) => ({ messageId, body }));
}

/** The EventBridge event a message carries (EventBridge puts the whole event in the body). */
export function messageEvent(message: QueuedMessage): unknown {
  try {
    return JSON.parse(message.body);
  } catch (error) {
    throw new EventError(`message ${message.messageId}: body is not JSON (${(error as Error).message})`);
  }
}

/**
 * The partial-batch answer for a FIFO queue: once a message fails, every later one is reported
 * too, so the queue redelivers them in order (the ones already applied are no-ops then).
 */
export function fifoBatchItemFailures(
  messages: QueuedMessage[],
  failed: ReadonlySet<string>,
): { itemIdentifier: string }[] {
  const first = messages.findIndex((message) => failed.has(message.messageId));
  if (first < 0) return [];
  return messages.slice(first).map((message) => ({ itemIdentifier: message.messageId }));
}
