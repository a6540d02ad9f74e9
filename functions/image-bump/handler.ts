import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { parseImageEvent } from '#parsers/image-event.ts';
import { isSqsBatch } from '#parsers/sqs-batch.ts';
import { type BatchResult, bumpOneEvent, bumpQueuedEvents, type EventResult } from '#runtime/bump-events.ts';
import { createContainer } from '#runtime/container.ts';
import { type FailedResult, handleEvent } from '#runtime/handle-event.ts';

const container = createContainer('ImageBumpFunction');

/**
 * ECR pushes and scan results → manifest bumps. As deployed, events arrive in batches from the
 * bump queue and each branch gets one commit per batch; a single EventBridge event (a replay with
 * `sam local invoke` or the CLI) goes through the same path alone. Parses, wires and delegates.
 */
const bump = async (event: unknown): Promise<BatchResult | EventResult | FailedResult> => {
  if (isSqsBatch(event)) return bumpQueuedEvents(container, event);
  return handleEvent(container, event, async (raw) => {
    const item = parseImageEvent(raw);
    container.logger.setCorrelationId(item.event.id);
    return bumpOneEvent(container, item);
  });
};

export const handler = middy(bump).use(injectLambdaContext(container.logger, { resetKeys: true }));
