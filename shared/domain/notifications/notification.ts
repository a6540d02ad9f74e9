import type { NotificationChannelConfig, NotificationKind } from '#config/types.ts';

export type { NotificationKind };

export interface NotificationLink {
  /** Flowkeeper's own word: `commit`, `pull request 7`, `build log`. */
  label: string;
  url: string;
}

/**
 * One thing a chat channel is told, before any channel's markup: every text field may hold
 * untrusted text (branch names, commit subjects, build output, error messages) as it came, and
 * each renderer makes it inert for its channel.
 */
export interface Notification {
  kind: NotificationKind;
  /** The event reported on; the same event always yields the same notification. */
  eventId: string;
  /** Groups related messages: one branch's bumps, one pull request, one mirrored branch. */
  thread: string;
  /** Repository key the notification is about, for channel filters. */
  repository?: string;
  /** ECR repositories the notification is about, for channel filters. */
  images: string[];
  severity: 'info' | 'warning' | 'failure';
  /** One line: what happened (`my-app 1.4.1 → 1.4.2 on stg`). */
  title: string;
  /** A few short lines: where, why, what else. */
  lines: string[];
  /** For failures: the one line that says what to fix. */
  fix?: string;
  links: NotificationLink[];
}

/**
 * Whether `channel` wants `notification`: its kind is listed, and each filter the channel sets
 * passes, where a notification that names no repository (or no image) passes that filter.
 */
export function channelWants(
  channel: Pick<NotificationChannelConfig, 'events' | 'repositories' | 'images'>,
  notification: Notification,
): boolean {
  if (!channel.events.includes(notification.kind)) return false;
  const { repository, images } = notification;
  if (channel.repositories && repository !== undefined && !channel.repositories.includes(repository)) {
    return false;
  }
  if (channel.images && images.length > 0 && !images.some((image) => channel.images?.includes(image))) {
    return false;
  }
  return true;
}
