import { EventError } from '#domain/errors.ts';
import { isRecord } from '#domain/is-record.ts';

export { isRecord } from '#domain/is-record.ts';

/** The EventBridge envelope fields every Flowkeeper handler relies on. */
export interface Envelope {
  id: string;
  source: string;
  detailType: string;
  account: string;
  region: string;
  time: string;
  detail: Record<string, unknown>;
}

/** An AWS account id. */
const ACCOUNT = /^\d{12}$/;
/** An AWS region: `eu-west-1`, `us-gov-west-1`, `cn-north-1`, `us-isob-east-1`. */
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;
/** An EventBridge event id is a UUID; replays and tests use other tokens of the same characters. */
const EVENT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * The envelope, validated. `account`, `region` and `id` reach commit messages, the registry host
 * that `setName` targets write, alerts and idempotency tokens, so each must have its AWS shape: a
 * line break in one would add lines (trailers such as `Signed-off-by:`) to a commit message.
 */
export function parseEnvelope(event: unknown): Envelope {
  if (!isRecord(event)) throw new EventError(`event: expected a JSON object, got ${describe(event)}`);
  const detail = event.detail;
  if (!isRecord(detail)) throw new EventError(`event.detail: expected an object, got ${describe(detail)}`);
  return {
    id: requireShape(event, 'id', EVENT_ID, 'an event id (letters, digits, ".", "_" or "-", at most 128)'),
    source: requireString(event, 'source', 'event'),
    detailType: requireString(event, 'detail-type', 'event'),
    account: requireShape(event, 'account', ACCOUNT, 'a 12-digit AWS account id'),
    region: requireShape(event, 'region', REGION, 'an AWS region like "eu-west-1"'),
    time: optionalString(event, 'time', 'event') ?? '',
    detail,
  };
}

function requireShape(event: Record<string, unknown>, key: string, shape: RegExp, expected: string): string {
  const value = requireString(event, key, 'event');
  if (!shape.test(value)) throw new EventError(`event.${key}: expected ${expected}, got ${describe(value)}`);
  return value;
}

/** Throws unless the envelope is the event kind a parser reads. */
export function requireKind(envelope: Envelope, source: string, detailType: string): void {
  if (envelope.source !== source || envelope.detailType !== detailType) {
    throw new EventError(
      `event: expected source "${source}" and detail-type "${detailType}", got ${describe(envelope.source)} / ${describe(envelope.detailType)}`,
    );
  }
}

export function requireString(record: Record<string, unknown>, key: string, where: string): string {
  const value = record[key];
  if (value === undefined || value === null) throw new EventError(`${where}.${key}: missing`);
  if (typeof value !== 'string' || value.length === 0) {
    throw new EventError(`${where}.${key}: expected a non-empty string, got ${describe(value)}`);
  }
  return value;
}

export function optionalString(
  record: Record<string, unknown>,
  key: string,
  where: string,
): string | undefined {
  const value = record[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string')
    throw new EventError(`${where}.${key}: expected a string, got ${describe(value)}`);
  return value;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return typeof value;
}
