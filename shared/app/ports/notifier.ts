import type { NotificationChannelConfig } from '#config/types.ts';
import type { Notification } from '#domain/notifications/notification.ts';

/**
 * Where chat notifications go: one configured channel at a time (a Slack incoming webhook, or the
 * SNS topic of an Amazon Q Developer channel). `send` resolves once the channel took the message,
 * and throws when it refused it after the adapter's own bounded retries; the caller logs and
 * counts that, and never lets it touch the work the notification reports on.
 */
export interface Notifier {
  send(channel: NotificationChannelConfig, notification: Notification): Promise<void>;
}
