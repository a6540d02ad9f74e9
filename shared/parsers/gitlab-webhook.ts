import * as z from 'zod/mini';
import { EventError } from '#domain/errors.ts';
import type { GitLabMergeRequestDetail } from '#domain/gitlab-merge-request.ts';
import {
  anyRecord,
  blankOr,
  nonEmptyText,
  optional,
  optionalText,
  positiveInteger,
  shaped,
} from './fields.ts';
import { parseWith, preview } from './zod-error.ts';

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

/** What tells a Function URL event from anything else. */
const FunctionUrlShape = z.object({
  version: z.literal('2.0'),
  requestContext: z.object({ http: anyRecord }),
});

const FunctionUrlRequest = z.object({
  requestContext: z.object({ http: z.object({ method: nonEmptyText }) }),
  /** Anything but an object of headers is read as no headers; values that are not strings are dropped. */
  headers: z.catch(anyRecord, {}),
  body: optionalText,
  isBase64Encoded: z.optional(z.unknown()),
});

/** A Function URL event (payload format 2.0): method, headers and body. */
export function parseFunctionUrlRequest(event: unknown): WebhookRequest {
  if (!FunctionUrlShape.safeParse(event).success) {
    throw new EventError(
      'request: expected a Function URL event (payload format 2.0 with requestContext.http)',
    );
  }
  const request = parseWith(FunctionUrlRequest, event, 'request');
  const headers = Object.fromEntries(
    Object.entries(request.headers).flatMap(([name, value]) =>
      typeof value === 'string' ? [[name.toLowerCase(), value]] : [],
    ),
  );
  const raw = request.body ?? '';
  const body = request.isBase64Encoded === true ? decodeBase64(raw) : raw;
  return { method: request.requestContext.http.method.toUpperCase(), headers, body };
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

/** A string field of the hook, kept exactly as sent but bounded. */
const field = nonEmptyText.check(z.maxLength(MAX_FIELD));

const MergeRequestHook = z.object(
  {
    object_kind: nonEmptyText.check(
      z.refine((kind) => kind === 'merge_request', {
        error: (issue) => `expected "merge_request" for a ${MERGE_REQUEST_HOOK}, got ${preview(issue.input)}`,
      }),
    ),
    project: z.object({ id: positiveInteger, path_with_namespace: field, web_url: field }),
    object_attributes: z.object({
      iid: positiveInteger,
      action: field,
      state: field,
      source_branch: field,
      target_branch: field,
      url: field,
      title: optional(z.string().check(z.maxLength(MAX_FIELD))),
      /** GitLab sends no last commit for a merge request whose source branch is gone. */
      last_commit: optional(z.object({ id: blankOr(shaped(COMMIT_ID, 'a 40- or 64-hex commit id')) })),
    }),
  },
  { error: (issue) => `expected a JSON object, got ${preview(issue.input)}` },
);

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
  const { project, object_attributes: attributes } = parseWith(MergeRequestHook, payload, 'payload');
  return {
    project: { id: project.id, path: project.path_with_namespace, webUrl: project.web_url },
    mergeRequest: {
      iid: attributes.iid,
      action: attributes.action,
      state: attributes.state,
      sourceBranch: attributes.source_branch,
      targetBranch: attributes.target_branch,
      lastCommitId: attributes.last_commit?.id ?? null,
      url: attributes.url,
      title: attributes.title ?? '',
    },
    delivery,
  };
}
