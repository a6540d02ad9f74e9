import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { parseImageEvent } from '#parsers/image-event.ts';
import { isSqsBatch } from '#parsers/sqs-batch.ts';
import { type BatchResult, bumpOneEvent, bumpQueuedEvents, type EventResult } from '#runtime/bump-events.ts';
import { createContainer } from '#runtime/container.ts';
import { type FailedResult, handleEvent } from '#runtime/handle-event.ts';
import { notifyContext, notifyImageBumpOutcome } from '#runtime/notify-outcome.ts';

const container = createContainer('ImageBumpFunction');
const notifying = notifyContext(container, () => container.deps());

/**
 * ECR pushes and scan results → manifest bumps. As deployed, events arrive in batches from the
 * bump queue and each branch gets one commit per batch; a single EventBridge event (a replay with
 * `sam local invoke` or the CLI) goes through the same path alone. Parses, wires and delegates.
 */
const bump = async (event: unknown): Promise<BatchResult | EventResult | FailedResult> => {
  const outcome = isSqsBatch(event)
    ? await bumpQueuedEvents(container, event)
    : await handleEvent(container, event, async (raw) => {
        const item = parseImageEvent(raw);
        container.logger.setCorrelationId(item.event.id);
        return bumpOneEvent(container, item);
      });
  await notifyImageBumpOutcome(notifying, outcome);
  return outcome;
};

export const handler = middy(bump).use(injectLambdaContext(container.logger, { resetKeys: true }));
