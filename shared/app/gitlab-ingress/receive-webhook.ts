import { isPermanentError } from '#domain/errors.ts';
import { mergeRequestBusEvent } from '#domain/gitlab-merge-request.ts';
import {
  deliveryOf,
  MERGE_REQUEST_HOOK,
  parseMergeRequestHook,
  type WebhookRequest,
} from '#parsers/gitlab-webhook.ts';
import type { EventBus } from '../ports/event-bus.ts';
import type { Logger } from '../ports/logger.ts';
import type { WebhookTokenCheck } from '../ports/webhook-token.ts';

export interface WebhookDeps {
  token: WebhookTokenCheck;
  bus: EventBus;
  logger: Logger;
}

/** The HTTP answer; `body` is sent as JSON, none for a refused token. */
export interface WebhookResponse {
  status: number;
  body?: Record<string, unknown>;
}

/**
 * One GitLab webhook delivery: the token is checked first (401, no detail, when it is missing or
 * wrong), then the kind (`Merge Request Hook` only; any other is acknowledged with 202 and not
 * put), then the body (400 with a short reason when it is not JSON or lacks a required field).
 * A merge request becomes one `GitLab Merge Request` event on the bus; a refused put answers 500
 * so GitLab delivers the hook again. The event carries the delivery's Idempotency-Key and event
 * UUID, which stay the same when GitLab retries: consumers de-duplicate on them.
 */
export async function receiveWebhook(request: WebhookRequest, deps: WebhookDeps): Promise<WebhookResponse> {
  const { logger } = deps;
  if (request.method !== 'POST') {
    return { status: 405, body: { message: 'only POST is accepted' } };
  }
  let authorised: boolean;
  try {
    authorised = await deps.token.matches(request.headers['x-gitlab-token']);
  } catch (error) {
    logger.warn('webhook token could not be read; answering 500 so that GitLab retries', {
      error: describeError(error),
    });
    return { status: 500, body: { message: 'temporarily unavailable' } };
  }
  if (!authorised) {
    logger.warn('webhook refused: X-Gitlab-Token missing or wrong', {
      tokenPresent: request.headers['x-gitlab-token'] !== undefined,
    });
    return { status: 401 };
  }

  const kind = request.headers['x-gitlab-event'];
  if (kind !== MERGE_REQUEST_HOOK) {
    logger.info('webhook ignored: only merge request hooks are put on the bus', {
      gitlabEvent: kind ?? null,
    });
    return { status: 202, body: { message: 'ignored: not a merge request hook' } };
  }

  let payload: unknown;
  try {
    payload = JSON.parse(request.body);
  } catch {
    return { status: 400, body: { message: 'body is not JSON' } };
  }
  let event: ReturnType<typeof mergeRequestBusEvent>;
  try {
    event = mergeRequestBusEvent(parseMergeRequestHook(payload, deliveryOf(request.headers)));
  } catch (error) {
    if (!isPermanentError(error)) throw error;
    const message = (error as Error).message;
    logger.warn('webhook rejected: not a merge request hook Flowkeeper can read', { reason: message });
    return { status: 400, body: { message } };
  }

  const { mergeRequest, project, delivery } = event.detail;
  const about = {
    project: project.id,
    mergeRequest: mergeRequest.iid,
    action: mergeRequest.action,
    ...delivery,
  };
  let eventId: string | null;
  try {
    ({ eventId } = await deps.bus.put(event));
  } catch (error) {
    logger.warn('event not put on the bus; answering 500 so that GitLab retries', {
      ...about,
      error: describeError(error),
    });
    return { status: 500, body: { message: 'the event could not be put on the bus; retry' } };
  }
  logger.info(deps.bus.name === null ? 'event not put (no bus configured)' : 'event put on the bus', {
    ...about,
    bus: deps.bus.name,
    eventId,
  });
  return {
    status: 200,
    body: {
      bus: deps.bus.name,
      eventId,
      event: { source: event.source, 'detail-type': event.detailType, detail: event.detail },
    },
  };
}

const describeError = (error: unknown): { type: string; message: string } =>
  error instanceof Error
    ? { type: error.name, message: error.message }
    : { type: 'Error', message: String(error) };
