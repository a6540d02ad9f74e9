import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { syncAfterCommits } from '#app/mirror/sync-after-commit.ts';
import { reconcile } from '#app/reconcile/reconcile.ts';
import { parseEnvelope } from '#parsers/envelope.ts';
import { createContainer } from '#runtime/container.ts';
import { handleEvent, reportOnce } from '#runtime/handle-event.ts';
import { notifyContext, notifyReconcileOutcome } from '#runtime/notify-outcome.ts';

const container = createContainer('ReconcileFunction');
const notifying = notifyContext(container, () => container.deps());

/**
 * Scheduled: compare every target with the newest image the policy selects in ECR and bump what is
 * behind, so a lost push event is healed on the next run. Each image's permanent error is alerted
 * and the others are still reconciled.
 */
const run = (event: unknown) =>
  handleEvent(container, event, async (raw) => {
    const envelope = parseEnvelope(raw);
    container.logger.setCorrelationId(envelope.id);
    const deps = await container.deps();
    const result = await reconcile(envelope.id, {
      ...deps,
      registry: container.registry(),
      account: envelope.account,
      region: envelope.region,
    });
    for (const image of result.images) {
      if (!image.error) continue;
      await reportOnce(container, {
        subject: `ReconcileFunction: ${image.error.type} for ${image.ecr}`,
        message: image.error.message,
        eventId: envelope.id,
        details: { ecr: image.ecr },
      });
    }
    await notifyReconcileOutcome(notifying, envelope.id, result.images);
    const commits = result.images.flatMap((image) => image.actions);
    if (!commits.some((action) => action.type === 'commit')) return result;
    return {
      ...result,
      mirrorSync: await syncAfterCommits(commits, await container.mirrorDeps(), container.logger),
    };
  });

export const handler = middy(run).use(injectLambdaContext(container.logger, { resetKeys: true }));
