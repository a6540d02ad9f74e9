import * as z from 'zod/mini';
import { EventError } from '#domain/errors.ts';
import { anyRecord, nonEmptyText, optionalText, shaped } from './fields.ts';
import { alternatives, parseWith, preview } from './zod-error.ts';

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
 * `account`, `region` and `id` reach commit messages, the registry host that `setName` targets
 * write, alerts and idempotency tokens, so each must have its AWS shape: a line break in one would
 * add lines (trailers such as `Signed-off-by:`) to a commit message. `version` and `resources` are
 * not read, and replays may leave them and `time` out.
 */
const EnvelopeSchema = z.object(
  {
    // Issues are listed in key order and the first is told: an event without a detail is named so.
    detail: anyRecord,
    id: shaped(EVENT_ID, 'an event id (letters, digits, ".", "_" or "-", at most 128)'),
    source: nonEmptyText,
    'detail-type': nonEmptyText,
    account: shaped(ACCOUNT, 'a 12-digit AWS account id'),
    region: shaped(REGION, 'an AWS region like "eu-west-1"'),
    time: optionalText,
  },
  { error: (issue) => `expected a JSON object, got ${preview(issue.input)}` },
);

/** The envelope, validated; its `detail` is read by the parser of the event's kind. */
export function parseEnvelope(event: unknown): Envelope {
  const envelope = parseWith(EnvelopeSchema, event, 'event');
  return {
    id: envelope.id,
    source: envelope.source,
    detailType: envelope['detail-type'],
    account: envelope.account,
    region: envelope.region,
    time: envelope.time ?? '',
    detail: envelope.detail,
  };
}

/** Throws unless the envelope is the event kind a parser reads. */
export function requireKind(envelope: Envelope, source: string, detailType: string): void {
  if (envelope.source !== source || envelope.detailType !== detailType) {
    throw new EventError(
      `event: expected source "${source}" and detail-type "${detailType}", got ${preview(envelope.source)} / ${preview(envelope.detailType)}`,
    );
  }
}

/** The error for an event whose detail-type a function does not handle, naming the ones it does. */
export function unhandledKind(envelope: Envelope, handled: readonly string[]): EventError {
  return new EventError(
    `event: detail-type ${preview(envelope.detailType)} (source ${preview(envelope.source)}) is not handled here; expected ${alternatives(handled)}`,
  );
}

/** The event's `detail` read by `schema`; a problem is named under `detail.`. */
export function parseDetail<S extends z.ZodMiniType>(schema: S, envelope: Envelope): z.output<S> {
  return parseWith(schema, envelope.detail, 'detail');
}
