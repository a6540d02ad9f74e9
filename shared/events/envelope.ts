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

export function parseEnvelope(event: unknown): Envelope {
  if (!isRecord(event)) throw new EventError(`event: expected a JSON object, got ${describe(event)}`);
  const detail = event.detail;
  if (!isRecord(detail)) throw new EventError(`event.detail: expected an object, got ${describe(detail)}`);
  return {
    id: requireString(event, 'id', 'event'),
    source: requireString(event, 'source', 'event'),
    detailType: requireString(event, 'detail-type', 'event'),
    account: requireString(event, 'account', 'event'),
    region: requireString(event, 'region', 'event'),
    time: optionalString(event, 'time', 'event') ?? '',
    detail,
  };
}

/** Throws unless the envelope is the event kind a parser reads. */
export function requireKind(envelope: Envelope, source: string, detailType: string): void {
  if (envelope.source !== source || envelope.detailType !== detailType) {
    throw new EventError(
      `event: expected source "${source}" and detail-type "${detailType}", got "${envelope.source}" / "${envelope.detailType}"`,
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
