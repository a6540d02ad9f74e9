import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import { type Envelope, parseEnvelope, unhandledKind } from '#parsers/envelope.ts';
import { errorPolicy } from './error-policy.ts';
import type { EventContext } from './handle-event.ts';

/** What one kind of event comes to, given its envelope and the function's container. */
export type Route<C> = (envelope: Envelope, container: C) => Promise<object>;

/**
 * Routes by `detail-type`; any other detail-type is rejected naming the ones handled. A single
 * route takes every detail-type (its parser checks the kind).
 */
export type Routes<C> = Readonly<Record<string, Route<C>>> | Route<C>;

/** Events that are not one EventBridge event: a batch answered as a whole (SQS). */
export interface BatchRoute<C> {
  accepts(event: unknown): boolean;
  handle(event: unknown, container: C): Promise<object>;
}

export interface HandlerOptions<C> {
  /** Events that are not one EventBridge event: a batch answered as a whole (SQS). */
  batch?: BatchRoute<C>;
  /**
   * Told the event's outcome once it is settled, whether the work returned it or the error policy
   * rejected the event (chat notifications). It must not throw: the outcome stands whatever it does.
   */
  outcome?: (outcome: object, container: C) => Promise<void>;
}

/**
 * A Lambda handler: parse the envelope, take its id as the log's correlation id, run the route of
 * its detail-type with the function's container, log the result, and apply the error policy
 * (error-policy.ts). `container` is created once per Lambda container, at import; it loads its
 * adapters on first use.
 */
export function defineHandler<C extends EventContext>(
  name: string,
  container: (name: string) => C,
  routes: Routes<C>,
  { batch, outcome }: HandlerOptions<C> = {},
) {
  const context = container(name);
  const { logger } = context;

  async function handle(event: unknown): Promise<object> {
    if (batch?.accepts(event)) return batch.handle(event, context);
    const envelope = parseEnvelope(event);
    logger.setCorrelationId(envelope.id);
    const result = await routeOf(routes, envelope)(envelope, context);
    logger.info('event handled', { result });
    return result;
  }

  const told: MiddlewareObj = {
    after: async (request) => {
      if (outcome && isObject(request.response)) await outcome(request.response, context);
    },
    // Runs after the error policy's onError: a rejected event has its result by then.
    onError: async (request) => {
      if (outcome && isObject(request.response)) await outcome(request.response, context);
    },
  };
  return middy(handle)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(told)
    .use(errorPolicy(context, (event) => batch?.accepts(event) === true));
}

const isObject = (value: unknown): value is object => typeof value === 'object' && value !== null;

function routeOf<C>(routes: Routes<C>, envelope: Envelope): Route<C> {
  if (typeof routes === 'function') return routes;
  const route = Object.hasOwn(routes, envelope.detailType) ? routes[envelope.detailType] : undefined;
  if (route !== undefined) return route;
  throw unhandledKind(envelope, Object.keys(routes));
}
