/**
 * A notification as a Slack message: Block Kit (a header, a section with the lines and the fix, a
 * context with the links and the event id) and the `text` Slack shows in the notification itself.
 */
import { chatText, chatUrl } from './chat-text.ts';
import type { Notification } from './notification.ts';

/**
 * Slack's limits: header text 150 characters, section text 3000, context elements 10. Slack wants
 * `&`, `<` and `>` escaped in every text object, plain_text included; it shows them as typed.
 */
const HEADER_LIMIT = 150;
const SECTION_LIMIT = 3000;
const LINE_LIMIT = 300;

export const SEVERITY_MARKS: Record<Notification['severity'], string> = {
  info: '✅',
  warning: '⚠️',
  failure: '❌',
};

export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

export type SlackBlock =
  | { type: 'header'; text: { type: 'plain_text'; text: string; emoji: true } }
  | { type: 'section'; text: { type: 'mrkdwn'; text: string } }
  | { type: 'context'; elements: { type: 'mrkdwn'; text: string }[] };

/** The links as `<url|label>`; a URL that could break the markup is left out. */
export function slackLinks(notification: Notification): string[] {
  return notification.links.flatMap((link) => {
    const url = chatUrl(link.url);
    return url === undefined ? [] : [`<${url}|${chatText(link.label, 60)}>`];
  });
}

export function slackMessage(notification: Notification): SlackMessage {
  const mark = SEVERITY_MARKS[notification.severity];
  const body = [
    ...notification.lines.map((line) => chatText(line, LINE_LIMIT)),
    ...(notification.fix === undefined ? [] : [`*Fix:* ${chatText(notification.fix, 500)}`]),
  ].join('\n');
  const context = [...slackLinks(notification), `event ${chatText(notification.eventId, 128)}`].join(' · ');
  const blocks: SlackBlock[] = [
    {
      type: 'header',
      text: {
        type: 'plain_text',
        text: `${mark} ${chatText(notification.title, HEADER_LIMIT - 3)}`,
        emoji: true,
      },
    },
  ];
  if (body !== '')
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: body.slice(0, SECTION_LIMIT) } });
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: context }] });
  return { text: `${mark} ${chatText(notification.title, LINE_LIMIT)}`, blocks };
}
