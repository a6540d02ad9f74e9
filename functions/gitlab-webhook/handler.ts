import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { receiveWebhook, type WebhookResponse } from '#app/gitlab-ingress/receive-webhook.ts';
import { EventError } from '#domain/errors.ts';
import { parseFunctionUrlRequest } from '#parsers/gitlab-webhook.ts';
import { createWebhookContainer } from '#runtime/webhook-container.ts';

const container = createWebhookContainer();

/** The Function URL's answer (payload format 2.0). */
interface FunctionUrlResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

const toFunctionUrl = ({ status, body }: WebhookResponse): FunctionUrlResponse => ({
  statusCode: status,
  headers: body === undefined ? {} : { 'content-type': 'application/json' },
  body: body === undefined ? '' : JSON.stringify(body),
});

/** GitLab webhooks (through the Function URL) → `GitLab Merge Request` events on the bus. */
const receive = async (event: unknown): Promise<FunctionUrlResponse> => {
  let request: ReturnType<typeof parseFunctionUrlRequest>;
  try {
    request = parseFunctionUrlRequest(event);
  } catch (error) {
    if (!(error instanceof EventError)) throw error;
    return toFunctionUrl({ status: 400, body: { message: error.message } });
  }
  const correlation = request.headers['idempotency-key'] ?? request.headers['x-gitlab-event-uuid'];
  if (correlation) container.logger.setCorrelationId(correlation);
  return toFunctionUrl(await receiveWebhook(request, await container.deps()));
};

export const handler = middy(receive).use(injectLambdaContext(container.logger, { resetKeys: true }));
