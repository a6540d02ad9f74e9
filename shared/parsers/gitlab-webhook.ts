import { EventError } from '#domain/errors.ts';
import type { GitLabMergeRequestDetail } from '#domain/gitlab-merge-request.ts';
import { isRecord } from '#domain/is-record.ts';
import { optionalString, requireString } from './envelope.ts';

/** An HTTP request as a Lambda Function URL hands it over (payload format 2.0), reduced to what a webhook needs. */
export interface WebhookRequest {
  method: string;
  /** Header names in lower case; a repeated header is joined with "," as Lambda does. */
  headers: Record<string, string>;
  /** The body as text (decoded when Lambda delivered it base64-encoded). */
  body: string;
}

/** The `X-Gitlab-Event` of merge-request webhooks. */
export const MERGE_REQUEST_HOOK = 'Merge Request Hook';

/** Longest string field kept; GitLab's own limits are far below (titles 255, branch names 255). */
const MAX_FIELD = 4096;
/** Delivery headers are UUIDs; anything far longer is not GitLab's. */
const MAX_DELIVERY_HEADER = 256;
/** A SHA-1 or SHA-256 commit id. */
const COMMIT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/** A Function URL event (payload format 2.0): method, headers and body. */
export function parseFunctionUrlRequest(event: unknown): WebhookRequest {
  if (!isRecord(event)) throw new EventError('request: expected a Function URL event (an object)');
  const context = isRecord(event.requestContext) ? event.requestContext : undefined;
  const http = context && isRecord(context.http) ? context.http : undefined;
  if (event.version !== '2.0' || http === undefined) {
    throw new EventError(
      'request: expected a Function URL event (payload format 2.0 with requestContext.http)',
    );
  }
  const method = requireString(http, 'method', 'request.requestContext.http').toUpperCase();
  const headers: Record<string, string> = {};
  if (isRecord(event.headers)) {
    for (const [name, value] of Object.entries(event.headers)) {
      if (typeof value === 'string') headers[name.toLowerCase()] = value;
    }
  }
  const raw = optionalString(event, 'body', 'request') ?? '';
  const body = event.isBase64Encoded === true ? decodeBase64(raw) : raw;
  return { method, headers, body };
}

function decodeBase64(text: string): string {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    throw new EventError('request.body: isBase64Encoded is set but the body is not base64');
  }
  const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/** The delivery headers GitLab keeps across retries of one event (`null` when an older GitLab sends none). */
export function deliveryOf(headers: Record<string, string>): GitLabMergeRequestDetail['delivery'] {
  return {
    idempotencyKey: deliveryHeader(headers, 'idempotency-key'),
    eventUuid: deliveryHeader(headers, 'x-gitlab-event-uuid'),
  };
}

function deliveryHeader(headers: Record<string, string>, name: string): string | null {
  const value = headers[name]?.trim();
  if (value === undefined || value === '') return null;
  if (value.length > MAX_DELIVERY_HEADER) {
    throw new EventError(`header ${name}: longer than ${MAX_DELIVERY_HEADER} characters`);
  }
  return value;
}

/**
 * A `Merge Request Hook` body (already parsed JSON) as the normalised detail. Every field is kept as
 * data, exactly as sent: a branch named `../x` or a title with line breaks is a string here, made
 * inert wherever it lands later. What is missing or has the wrong type is an EventError naming the
 * field.
 */
export function parseMergeRequestHook(
  payload: unknown,
  delivery: GitLabMergeRequestDetail['delivery'],
): GitLabMergeRequestDetail {
  if (!isRecord(payload)) throw new EventError('payload: expected a JSON object');
  const kind = requireString(payload, 'object_kind', 'payload');
  if (kind !== 'merge_request') {
    throw new EventError(`payload.object_kind: expected "merge_request" for a ${MERGE_REQUEST_HOOK}`);
  }
  const project = requireRecord(payload, 'project', 'payload');
  const attributes = requireRecord(payload, 'object_attributes', 'payload');
  return {
    project: {
      id: requirePositiveInteger(project, 'id', 'payload.project'),
      path: field(project, 'path_with_namespace', 'payload.project'),
      webUrl: field(project, 'web_url', 'payload.project'),
    },
    mergeRequest: {
      iid: requirePositiveInteger(attributes, 'iid', 'payload.object_attributes'),
      action: field(attributes, 'action', 'payload.object_attributes'),
      state: field(attributes, 'state', 'payload.object_attributes'),
      sourceBranch: field(attributes, 'source_branch', 'payload.object_attributes'),
      targetBranch: field(attributes, 'target_branch', 'payload.object_attributes'),
      lastCommitId: lastCommitId(attributes),
      url: field(attributes, 'url', 'payload.object_attributes'),
      title: boundedString(attributes, 'title', 'payload.object_attributes', optionalString) ?? '',
    },
    delivery,
  };
}

function requireRecord(record: Record<string, unknown>, key: string, where: string): Record<string, unknown> {
  const value = record[key];
  if (!isRecord(value)) throw new EventError(`${where}.${key}: expected an object`);
  return value;
}

function requirePositiveInteger(record: Record<string, unknown>, key: string, where: string): number {
  const value = record[key];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new EventError(`${where}.${key}: expected a positive integer`);
  }
  return value;
}

const field = (record: Record<string, unknown>, key: string, where: string): string =>
  boundedString(record, key, where, requireString);

function boundedString<T extends string | undefined>(
  record: Record<string, unknown>,
  key: string,
  where: string,
  read: (record: Record<string, unknown>, key: string, where: string) => T,
): T {
  const value = read(record, key, where);
  if (value !== undefined && value.length > MAX_FIELD) {
    throw new EventError(`${where}.${key}: longer than ${MAX_FIELD} characters`);
  }
  return value;
}

/** `last_commit.id`; GitLab sends no last commit for a merge request whose source branch is gone. */
function lastCommitId(attributes: Record<string, unknown>): string | null {
  const last = attributes.last_commit;
  if (last === undefined || last === null) return null;
  if (!isRecord(last)) throw new EventError('payload.object_attributes.last_commit: expected an object');
  const id = optionalString(last, 'id', 'payload.object_attributes.last_commit');
  if (id === undefined || id === '') return null;
  if (!COMMIT_ID.test(id)) {
    throw new EventError('payload.object_attributes.last_commit.id: expected a 40- or 64-hex commit id');
  }
  return id;
}
