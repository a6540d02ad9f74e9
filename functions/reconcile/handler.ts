import { scheduledReconcile } from '#app/reconcile/scheduled-run.ts';
import { eventUnion } from '#parsers/event-union.ts';
import { SCHEDULED_EVENT, fromEnvelope as scheduledEvent } from '#parsers/scheduled-event.ts';
import { createImageContainer } from '#runtime/container.ts';
import { defineHandler } from '#runtime/define-handler.ts';
import { reportingAlerts } from '#runtime/handle-event.ts';
import { notifyContext, notifyReconcileOutcome } from '#runtime/notify-outcome.ts';

/**
 * Scheduled: compare every target with the newest image the policy selects in ECR and bump what is
 * behind, so a lost push event is healed on the next run. Each image's permanent error is alerted
 * and the others are still reconciled.
 */
export const handler = defineHandler(
  'ReconcileFunction',
  createImageContainer,
  eventUnion({ [SCHEDULED_EVENT]: scheduledEvent }),
  {
    [SCHEDULED_EVENT]: async ({ detail: tick }, container) => {
      const result = await scheduledReconcile(tick.id, {
        ...(await container.imageBump()),
        account: tick.account,
        region: tick.region,
        alerts: reportingAlerts(container),
        source: container.name,
        mirror: () => container.mirror(),
        logger: container.logger,
      });
      await notifyReconcileOutcome(
        notifyContext(container, () => container.imageBump()),
        tick.id,
        result.images,
      );
      return result;
    },
  },
);
