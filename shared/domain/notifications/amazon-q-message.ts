/**
 * A notification as an Amazon Q Developer in chat applications custom notification: the JSON an
 * SNS topic subscribed by a chat channel configuration carries (`version` "1.0", `source`
 * "custom", `content` with `textType` "client-markdown", title, description, next steps and
 * keywords; `metadata` with the thread id, summary, event type and additional context). Messages
 * with the same `threadId` are threaded together in the channel; Amazon Q has no way to read back
 * what it posted, so a redelivered event posts again, into the same thread.
 */
import { chatPlainText, chatText, chatUrl } from './chat-text.ts';
import type { Notification } from './notification.ts';
import { SEVERITY_MARKS } from './slack-message.ts';

export interface AmazonQNotification {
  version: '1.0';
  source: 'custom';
  id: string;
  content: {
    textType: 'client-markdown';
    title: string;
    description: string;
    nextSteps?: string[];
    keywords: string[];
  };
  metadata: {
    threadId: string;
    summary: string;
    eventType: string;
    additionalContext: Record<string, string>;
  };
}

/** Letters, digits and `._:/-` only, at most 128: ids and thread ids are plain keys. */
const key = (text: string): string => text.replace(/[^A-Za-z0-9._:/-]/g, '_').slice(0, 128);

export function amazonQMessage(notification: Notification): AmazonQNotification {
  const links = notification.links.flatMap((link) => {
    const url = chatUrl(link.url);
    return url === undefined ? [] : [`${chatText(link.label, 60)}: ${url}`];
  });
  const nextSteps = [...(notification.fix === undefined ? [] : [chatText(notification.fix, 500)]), ...links];
  const keywords = [notification.kind, notification.repository, ...notification.images]
    .filter((word): word is string => word !== undefined)
    .slice(0, 5)
    .map((word) => chatText(word, 60));
  return {
    version: '1.0',
    source: 'custom',
    id: key(`flowkeeper:${notification.kind}:${notification.eventId}`),
    content: {
      textType: 'client-markdown',
      title: `${SEVERITY_MARKS[notification.severity]} ${chatText(notification.title, 250)}`,
      description:
        notification.lines.map((line) => chatText(line, 300)).join('\n') || chatText(notification.title, 300),
      ...(nextSteps.length === 0 ? {} : { nextSteps }),
      keywords,
    },
    metadata: {
      threadId: key(`flowkeeper/${notification.thread}`),
      summary: chatPlainText(notification.title, 250),
      eventType: notification.kind,
      additionalContext: {
        eventId: chatPlainText(notification.eventId, 128),
        ...(notification.repository === undefined
          ? {}
          : { repository: chatPlainText(notification.repository, 100) }),
      },
    },
  };
}
