import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Alert, AlertSink } from '#app/ports/alert-sink.ts';
import { flatten, plainLine } from '#domain/untrusted-text.ts';
import { clientFor } from './clients.ts';

export interface SnsAlertSinkOptions {
  topicArn: string;
  /** An injected client (tests point one at an emulator); otherwise a shared client for the topic's region. */
  client?: SNSClient;
}

export const MAX_SUBJECT_LENGTH = 100;
/** SNS takes 256 KiB per publish, message attributes included; the rest is left for them. */
export const MAX_MESSAGE_BYTES = 256 * 1024 - 4 * 1024;
const FALLBACK_SUBJECT = 'Flowkeeper alert';

const TOPIC_ARN = /^arn:aws[a-z-]*:sns:([a-z0-9-]+):\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/;

/** Typography NFKD leaves alone (it already turns `…` into `...`). */
const ASCII_LOOKALIKES: ReadonlyArray<[RegExp, string]> = [
  [/[\u2010-\u2015\u2212]/g, '-'],
  [/[\u2018\u2019\u201a\u2032]/g, "'"],
  [/[\u201c\u201d\u201e\u2033\u00ab\u00bb]/g, '"'],
  [/\u2192/g, '->'],
];

/**
 * A subject SNS accepts: printable ASCII on one line, at most 100 characters. Accents are
 * dropped, common typography gets its ASCII look-alike, anything else becomes `?`, and a subject
 * that is too long ends in `...`.
 */
export function snsSubject(subject: string): string {
  let text = subject;
  for (const [pattern, replacement] of ASCII_LOOKALIKES) text = text.replace(pattern, replacement);
  text = text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[\s\p{Cc}]+/gu, ' ')
    .replace(/[^ -~]/gu, '?')
    .trim();
  if (text === '') return FALLBACK_SUBJECT;
  if (text.length <= MAX_SUBJECT_LENGTH) return text;
  return `${text.slice(0, MAX_SUBJECT_LENGTH - 3).trimEnd()}...`;
}

/** JSON that never throws: bigints as strings, errors by name and message, repeats elided. */
export function detailsJson(details: Record<string, unknown>, indent?: number): string {
  const seen = new WeakSet<object>();
  return JSON.stringify(
    details,
    (_key, value: unknown) => {
      if (typeof value === 'bigint') return value.toString();
      if (value instanceof Error) return { name: value.name, message: value.message };
      if (typeof value === 'object' && value !== null) {
        if (seen.has(value)) return '[repeated]';
        seen.add(value);
      }
      return value;
    },
    indent,
  );
}

const hasDetails = (alert: Alert): alert is Alert & { details: Record<string, unknown> } =>
  alert.details !== undefined && Object.keys(alert.details).length > 0;

/** Cut to at most `maxBytes` of UTF-8 without splitting a character. */
function truncateUtf8(text: string, maxBytes: number): string {
  const buffer = new Uint8Array(maxBytes);
  const { read } = new TextEncoder().encodeInto(text, buffer);
  return text.slice(0, read);
}

/**
 * Only the line breaks the alert's author wrote: `\n` (and `\r\n` as one) and tabs are kept; any
 * other control, a lone CR, and the Unicode line and paragraph separators become a space. The
 * alert's composer already flattens each untrusted value; this is the last guard, so no value can
 * start a line of its own, or move the cursor of a terminal that shows the mail.
 */
function keepOwnLines(text: string): string {
  return text
    .split(/\r?\n/)
    .map((line) => line.split('\t').map(flatten).join('\t'))
    .join('\n');
}

/** The human text, then the details as indented JSON; SNS refuses an empty message. */
export function snsMessage(alert: Alert): string {
  const text = alert.message.trim() === '' ? alert.subject : alert.message;
  const message = keepOwnLines(
    hasDetails(alert) ? `${text}\n\nDetails:\n${detailsJson(alert.details, 2)}` : text,
  );
  const bytes = Buffer.byteLength(message, 'utf8');
  if (bytes <= MAX_MESSAGE_BYTES) return message;
  const marker = `\n[truncated: the alert was ${bytes} bytes]`;
  return truncateUtf8(message, MAX_MESSAGE_BYTES - Buffer.byteLength(marker, 'utf8')) + marker;
}

/** The region of an SNS topic ARN; throws on anything else. */
export function topicRegion(topicArn: string): string {
  const region = TOPIC_ARN.exec(topicArn)?.[1];
  if (region === undefined) throw new Error(`not an SNS topic ARN: ${JSON.stringify(topicArn)}`);
  return region;
}

/**
 * Alerts published to an SNS topic. The subject is made safe for SNS; the event id, when known,
 * travels as the `eventId` message attribute so subscribers can filter or deduplicate on it.
 */
export function createSnsAlertSink(options: SnsAlertSinkOptions): AlertSink {
  const { topicArn } = options;
  const region = topicRegion(topicArn);
  const client = async (): Promise<SNSClient> => options.client ?? clientFor(SNSClient, { region });

  return {
    async publish(alert: Alert): Promise<void> {
      await (await client()).send(
        new PublishCommand({
          TopicArn: topicArn,
          Subject: snsSubject(alert.subject),
          Message: snsMessage(alert),
          ...(alert.eventId
            ? {
                MessageAttributes: { eventId: { DataType: 'String', StringValue: plainLine(alert.eventId) } },
              }
            : {}),
        }),
      );
    },
  };
}

const oneLine = (text: string): string => flatten(text.replace(/\s*\r?\n\s*/g, ' | ')).trim();

/** Alerts written as one log line each: the local default when no topic is configured. */
export function createLogAlertSink(log: (line: string) => void): AlertSink {
  return {
    async publish(alert: Alert): Promise<void> {
      const event = alert.eventId ? ` [event ${plainLine(alert.eventId)}]` : '';
      const details = hasDetails(alert) ? ` ${detailsJson(alert.details)}` : '';
      log(`ALERT ${oneLine(alert.subject)}${event}: ${oneLine(alert.message)}${details}`);
    },
  };
}
