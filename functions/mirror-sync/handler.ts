import { checkDrift } from '#app/mirror/drift-check.ts';
import { onMirrorReference } from '#app/mirror/route-events.ts';
import { REPOSITORY_STATE_CHANGE, fromEnvelope as referenceEvent } from '#parsers/codecommit-reference.ts';
import { eventUnion } from '#parsers/event-union.ts';
import { SCHEDULED_EVENT, fromEnvelope as scheduledEvent } from '#parsers/scheduled-event.ts';
import { defineHandler } from '#runtime/define-handler.ts';
import { createMirrorContainer } from '#runtime/mirror-container.ts';
import { notifyContext, notifyDriftOutcome } from '#runtime/notify-outcome.ts';

/** CodeCommit branch updates → mirror reconciliation; the schedule → the drift check (drift told to chat). */
const events = eventUnion({
  [REPOSITORY_STATE_CHANGE]: referenceEvent,
  [SCHEDULED_EVENT]: scheduledEvent,
});

export const handler = defineHandler('MirrorSyncFunction', createMirrorContainer, events, {
  [REPOSITORY_STATE_CHANGE]: async ({ detail }, container) =>
    onMirrorReference(detail, await container.mirror()),
  [SCHEDULED_EVENT]: async ({ detail: tick }, container) => {
    const result = await checkDrift(tick.id, await container.mirror());
    await notifyDriftOutcome(
      notifyContext(container, () => container.mirror()),
      result,
    );
    return result;
  },
});
