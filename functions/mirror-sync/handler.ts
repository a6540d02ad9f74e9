import { checkDrift } from '#app/mirror/drift-check.ts';
import { onMirrorReference } from '#app/mirror/route-events.ts';
import { REPOSITORY_STATE_CHANGE, fromEnvelope as referenceEvent } from '#parsers/codecommit-reference.ts';
import { defineHandler } from '#runtime/define-handler.ts';
import { createMirrorContainer } from '#runtime/mirror-container.ts';
import { notifyContext, notifyDriftOutcome } from '#runtime/notify-outcome.ts';

const SCHEDULED_EVENT = 'Scheduled Event';

/** CodeCommit branch updates → mirror reconciliation; the schedule → the drift check (drift told to chat). */
export const handler = defineHandler('MirrorSyncFunction', createMirrorContainer, {
  [REPOSITORY_STATE_CHANGE]: async (envelope, container) =>
    onMirrorReference(referenceEvent(envelope), await container.mirror()),
  [SCHEDULED_EVENT]: async (envelope, container) => {
    const result = await checkDrift(envelope.id, await container.mirror());
    await notifyDriftOutcome(
      notifyContext(container, () => container.mirror()),
      result,
    );
    return result;
  },
});
