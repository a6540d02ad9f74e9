/**
 * Chat notifications, sent after a function's work is done: one call per function outcome, from
 * the handler, with the result the work returned. Nothing here can fail or delay the work: every
 * problem (the configuration, a channel that refuses) is logged and counted, the result stands and
 * is returned unchanged. A dry run (FLOWKEEPER_DRY_RUN) tells nothing.
 */
import type { FlowResult } from '#app/branch-flow/result.ts';
import type { BumpAction } from '#app/image-bump/result.ts';
import type { MirrorAction, MirrorResult } from '#app/mirror/result.ts';
import { deliverNotifications } from '#app/notifications/deliver.ts';
import {
  buildNotices,
  bumpNotices,
  driftNotices,
  flowNotices,
  type NoticeContext,
  previewNotices,
  rejectionNotice,
} from '#app/notifications/notices.ts';
import type { Notifier } from '#app/ports/notifier.ts';
import type { PreviewResult } from '#app/previews/deps.ts';
import type { Config } from '#config/types.ts';
import type { Notification } from '#domain/notifications/notification.ts';
import type { BuildStateEvent } from '#parsers/codebuild-build-state.ts';
import { lazily } from './container-core.ts';
import { envFlag } from './env.ts';
import type { EventContext } from './handle-event.ts';

/** A function's context and how it reaches the configuration current now. */
export interface NotifyContext extends EventContext {
  config(): Promise<Config>;
  env?: NodeJS.ProcessEnv;
  /** Replaces the channels' adapters (tests). */
  notifier?: Notifier;
}

/** An image-bump or reconcile outcome: one event's result, a failed one, or a batch of them. */
type BumpOutcome =
  | {
      eventId: string | null;
      actions: readonly (BumpAction | MirrorAction)[];
      error?: { type: string; message: string };
    }
  | { batchItemFailures: unknown[]; results: BumpOutcome[] };

const slack = lazily(async () =>
  (await import('#adapters/slack/webhook-notifier.ts')).createSlackWebhookNotifier(),
);
const amazonQ = lazily(async () =>
  (await import('#adapters/aws/amazon-q-notifier.ts')).createAmazonQNotifier(),
);

/** The adapter each channel kind needs, each imported on its first message. */
const channelNotifier: Notifier = {
  send: async (channel, notification) =>
    (channel.kind === 'slack-webhook' ? await slack() : await amazonQ()).send(channel, notification),
};

async function notify(
  context: NotifyContext,
  notices: (noticeContext: NoticeContext) => Notification[],
): Promise<void> {
  const env = context.env ?? process.env;
  if (envFlag('FLOWKEEPER_DRY_RUN', env)) return;
  try {
    const config = await context.config();
    if (Object.keys(config.notifications?.channels ?? {}).length === 0) return;
    const notifications = notices({
      config,
      region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    });
    if (notifications.length === 0) return;
    const { createPowertoolsMetrics } = await import('#adapters/aws/powertools-metrics.ts');
    const report = await deliverNotifications(notifications, {
      config,
      notifier: context.notifier ?? channelNotifier,
      logger: context.logger,
      metrics: createPowertoolsMetrics(),
    });
    context.logger.info('notifications delivered', { ...report });
  } catch (error) {
    context.logger.warn('notifications not sent; the work they report on stands', { error: String(error) });
  }
}

function bumpNoticesOf(outcome: BumpOutcome, name: string, noticeContext: NoticeContext): Notification[] {
  if ('results' in outcome)
    return outcome.results.flatMap((result) => bumpNoticesOf(result, name, noticeContext));
  if (outcome.error) return [rejectionNotice({ eventId: outcome.eventId, error: outcome.error }, name)];
  if (outcome.eventId === null) return [];
  return bumpNotices(outcome.eventId, outcome.actions, noticeContext);
}

/** The image-bump function's outcome (one event, a failed one, or a batch): commits, parameter writes, rejections. */
export function notifyImageBumpOutcome(context: NotifyContext, outcome: BumpOutcome): Promise<void> {
  return notify(context, (noticeContext) => bumpNoticesOf(outcome, context.name, noticeContext));
}

/** Reconcile's outcome: the commits and parameter writes of every image it healed. */
export function notifyReconcileOutcome(
  context: NotifyContext,
  eventId: string,
  images: readonly { actions: readonly BumpAction[] }[],
): Promise<void> {
  return notify(context, (noticeContext) =>
    images.flatMap((image) => bumpNotices(eventId, image.actions, noticeContext)),
  );
}

/** The branch-flow function's outcome: flow violations and promotions opened. */
export function notifyFlowOutcome(
  context: NotifyContext,
  result: FlowResult | { error: unknown },
): Promise<void> {
  if ('error' in result) return Promise.resolve();
  return notify(context, (noticeContext) => flowNotices(result, noticeContext));
}

/** The build-report function's outcome: the finished build it reported on. */
export function notifyBuildOutcome(
  context: NotifyContext,
  build: BuildStateEvent,
  result: FlowResult,
): Promise<void> {
  return notify(context, (noticeContext) => buildNotices(build, result, noticeContext));
}

/** The scheduled drift check's outcome: drift older than each pair's `driftAlertMinutes`. */
export function notifyDriftOutcome(context: NotifyContext, result: MirrorResult): Promise<void> {
  return notify(context, (noticeContext) => driftNotices(result, noticeContext));
}

/** The preview function's outcome: previews opened and closed. A rejected event tells nothing. */
export function notifyPreviewOutcome(
  context: NotifyContext,
  outcome: PreviewResult | { error: unknown },
): Promise<void> {
  if ('error' in outcome || !Array.isArray(outcome.actions)) return Promise.resolve();
  return notify(context, (noticeContext) => previewNotices(outcome, noticeContext));
}

/** A function's context with the configuration its dependencies hold. */
export function notifyContext(context: EventContext, deps: () => Promise<{ config: Config }>): NotifyContext {
  return { ...context, config: async () => (await deps()).config };
}
