import { applyImageEvents, type EventOutcome } from '#app/image-bump/apply-events.ts';
import type { BumpAction } from '#app/image-bump/result.ts';
import type { MirrorAction } from '#app/mirror/result.ts';
import { syncAfterCommits } from '#app/mirror/sync-after-commit.ts';
import { type ImageEvent, parseImageEvent } from '#parsers/image-event.ts';
import { fifoBatchItemFailures, messageEvent, queuedMessages } from '#parsers/sqs-batch.ts';
import { classifyError } from './classify-error.ts';
import type { ImageContainer } from './container.ts';
import { eventIdOf, type FailedResult, rejectEvent } from './handle-event.ts';

/** The image bump function's container (container.ts). */
export type BumpEventsContext = ImageContainer;

export interface EventResult {
  eventId: string;
  actions: (BumpAction | MirrorAction)[];
}

/** The answer to an SQS batch: the failures Lambda must redeliver, and what each event came to. */
export interface BatchResult {
  batchItemFailures: { itemIdentifier: string }[];
  results: (EventResult | FailedResult)[];
}

/**
 * One EventBridge event, as `sam local invoke` and the CLI replay it: applied alone through the
 * same batch path. A transient failure is thrown (Lambda retries); a permanent one is returned.
 */
export async function bumpOneEvent(context: BumpEventsContext, item: ImageEvent): Promise<EventResult> {
  const [outcome] = await applyImageEvents([item], await context.imageBump());
  const synced = await syncMirrors(context, outcome ? [outcome] : []);
  if (outcome?.error) throw outcome.error;
  return { eventId: item.event.id, actions: [...(outcome?.actions ?? []), ...synced] };
}

/**
 * A batch from the bump queue: every message is parsed alone (a bad one is rejected and alerted
 * alone), the good ones are applied together, and only messages that failed transiently (with
 * every later one, as a FIFO queue needs) are returned for redelivery.
 */
export async function bumpQueuedEvents(context: BumpEventsContext, batch: unknown): Promise<BatchResult> {
  const messages = queuedMessages(batch);
  const results: (EventResult | FailedResult)[] = [];
  const items: { messageId: string; item: ImageEvent }[] = [];
  for (const message of messages) {
    try {
      items.push({ messageId: message.messageId, item: parseImageEvent(messageEvent(message)) });
    } catch (error) {
      results.push(await rejectEvent(context, idOf(message.body), asError(error)));
    }
  }
  const outcomes =
    items.length === 0
      ? []
      : await applyImageEvents(
          items.map(({ item }) => item),
          await context.imageBump(),
        );
  const synced = await syncMirrors(context, outcomes);
  const failed = new Set<string>();
  for (const [index, outcome] of outcomes.entries()) {
    const messageId = items[index]?.messageId ?? '';
    if (outcome.error === undefined) {
      results.push({ eventId: outcome.eventId, actions: outcome.actions });
    } else if (classifyError(outcome.error) === 'transient') {
      context.logger.error('transient failure, the message will be redelivered', {
        eventId: outcome.eventId,
        error: outcome.error,
      });
      failed.add(messageId);
    } else {
      results.push(await rejectEvent(context, outcome.eventId, outcome.error));
    }
  }
  if (synced.length > 0) results.push({ eventId: 'mirror-sync', actions: synced });
  const batchItemFailures = fifoBatchItemFailures(messages, failed);
  context.logger.info('batch handled', {
    messages: messages.length,
    failures: batchItemFailures.length,
    results,
  });
  return { batchItemFailures, results };
}

async function syncMirrors(context: BumpEventsContext, outcomes: EventOutcome[]): Promise<MirrorAction[]> {
  const actions = outcomes.flatMap((outcome) => outcome.actions);
  if (!actions.some((action) => action.type === 'commit')) return [];
  return syncAfterCommits(actions, await context.mirror(), context.logger);
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** The event id of a message body, when it is readable, for the alert of a rejected message. */
function idOf(body: string): string | null {
  try {
    return eventIdOf(JSON.parse(body));
  } catch {
    return null; // not JSON: no id to name
  }
}
