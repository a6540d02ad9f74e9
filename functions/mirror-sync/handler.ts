import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { checkDrift } from '#app/mirror/drift-check.ts';
import { onMirrorReference } from '#app/mirror/route-events.ts';
import { EventError } from '#domain/errors.ts';
import { REPOSITORY_STATE_CHANGE, fromEnvelope as referenceEvent } from '#parsers/codecommit-reference.ts';
import { parseEnvelope } from '#parsers/envelope.ts';
import { handleEvent } from '#runtime/handle-event.ts';
import { createMirrorContainer } from '#runtime/mirror-container.ts';
import { notifyContext, notifyDriftOutcome } from '#runtime/notify-outcome.ts';

const container = createMirrorContainer('MirrorSyncFunction');
const notifying = notifyContext(container, () => container.mirrorDeps());
const SCHEDULED_EVENT = 'Scheduled Event';

/** CodeCommit branch updates → mirror reconciliation; the schedule → the drift check. */
const sync = (event: unknown) =>
  handleEvent(container, event, async (raw) => {
    const envelope = parseEnvelope(raw);
    container.logger.setCorrelationId(envelope.id);
    switch (envelope.detailType) {
      case REPOSITORY_STATE_CHANGE:
        return onMirrorReference(referenceEvent(envelope), await container.mirrorDeps());
      case SCHEDULED_EVENT: {
        const result = await checkDrift(envelope.id, await container.mirrorDeps());
        await notifyDriftOutcome(notifying, result);
        return result;
      }
      default:
        throw new EventError(
          `event: detail-type "${envelope.detailType}" (source ${envelope.source}) is not handled here; expected "${REPOSITORY_STATE_CHANGE}" or "${SCHEDULED_EVENT}"`,
        );
    }
  });

export const handler = middy(sync).use(injectLambdaContext(container.logger, { resetKeys: true }));
