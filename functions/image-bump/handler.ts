import { ECR_IMAGE_ACTION } from '#parsers/ecr-image-action.ts';
import { ECR_IMAGE_SCAN, INSPECTOR2_SCAN } from '#parsers/ecr-image-scan.ts';
import { eventUnion } from '#parsers/event-union.ts';
import { type ImageEvent, fromEnvelope as imageEvent } from '#parsers/image-event.ts';
import { isSqsBatch } from '#parsers/sqs-batch.ts';
import { bumpOneEvent, bumpQueuedEvents } from '#runtime/bump-events.ts';
import { createImageContainer, type ImageContainer } from '#runtime/container.ts';
import { defineHandler } from '#runtime/define-handler.ts';
import { notifyContext, notifyImageBumpOutcome } from '#runtime/notify-outcome.ts';

/**
 * ECR pushes and scan results → manifest bumps. As deployed, events arrive in batches from the
 * bump queue and each branch gets one commit per batch; a single EventBridge event (a replay with
 * `sam local invoke` or the CLI) goes through the same path alone.
 */
const events = eventUnion({
  [ECR_IMAGE_ACTION]: imageEvent,
  [ECR_IMAGE_SCAN]: imageEvent,
  [INSPECTOR2_SCAN]: imageEvent,
});
const bumpOne = ({ detail }: { detail: ImageEvent }, container: ImageContainer) =>
  bumpOneEvent(container, detail);

export const handler = defineHandler(
  'ImageBumpFunction',
  createImageContainer,
  events,
  { [ECR_IMAGE_ACTION]: bumpOne, [ECR_IMAGE_SCAN]: bumpOne, [INSPECTOR2_SCAN]: bumpOne },
  {
    batch: { accepts: isSqsBatch, handle: (batch, container) => bumpQueuedEvents(container, batch) },
    outcome: (outcome, container) =>
      notifyImageBumpOutcome(
        notifyContext(container, () => container.imageBump()),
        outcome as Parameters<typeof notifyImageBumpOutcome>[1],
      ),
  },
);
