import type { Config } from '#config/types.ts';
import { channelWants, type Notification } from '#domain/notifications/notification.ts';
import type { Logger } from '../ports/logger.ts';
import type { MetricsSink } from '../ports/metrics-sink.ts';
import type { Notifier } from '../ports/notifier.ts';

export interface DeliveryDeps {
  config: Pick<Config, 'notifications'>;
  notifier: Notifier;
  logger: Logger;
  metrics?: MetricsSink;
}

export interface DeliveryReport {
  /** `channel: kind` of each message a channel took. */
  sent: string[];
  /** `channel: kind: why` of each message a channel refused. */
  failed: string[];
}

const keyOf = (notification: Notification): string =>
  JSON.stringify([notification.kind, notification.eventId, notification.thread, notification.title]);

/**
 * Send each notification to every configured channel that wants it, after the work it reports on
 * is done. Never throws: a channel that refuses (after its adapter's bounded retries) is logged and
 * counted (`NotificationFailures` per channel and kind) and the others still get theirs. Channels
 * are sent to one after another and a notification repeated within the call goes out once.
 */
export async function deliverNotifications(
  notifications: readonly Notification[],
  deps: DeliveryDeps,
): Promise<DeliveryReport> {
  const report: DeliveryReport = { sent: [], failed: [] };
  const channels = Object.entries(deps.config.notifications?.channels ?? {});
  if (channels.length === 0 || notifications.length === 0) return report;
  const unique = [
    ...new Map(notifications.map((notification) => [keyOf(notification), notification])).values(),
  ];
  for (const [name, channel] of channels) {
    for (const notification of unique) {
      if (!channelWants(channel, notification)) continue;
      const dimensions = { Channel: name, Kind: notification.kind };
      try {
        await deps.notifier.send(channel, notification);
        report.sent.push(`${name}: ${notification.kind}`);
        deps.metrics?.record(dimensions, { NotificationsSent: 1 });
      } catch (error) {
        const why = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        report.failed.push(`${name}: ${notification.kind}: ${why}`);
        deps.metrics?.record(dimensions, { NotificationFailures: 1 });
        deps.logger.warn('notification not delivered; the work it reports on stands', {
          channel: name,
          kind: notification.kind,
          eventId: notification.eventId,
          error: why,
        });
      }
    }
  }
  try {
    deps.metrics?.flush();
  } catch (error) {
    deps.logger.warn('notification metrics not flushed', { error: String(error) });
  }
  return report;
}
