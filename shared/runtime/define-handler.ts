import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import { parseEnvelope } from '#parsers/envelope.ts';
import type { DetailParsers, EventOf, EventUnion } from '#parsers/event-union.ts';
import { errorPolicy } from './error-policy.ts';
import type { EventContext } from './handle-event.ts';

/**
 * What each kind of a function's events comes to: one route per member of the union, keyed by its
 * `kind`, so a kind the parser reads but no route takes does not compile.
 */
export type Routes<P extends DetailParsers, C> = {
  readonly [K in keyof P & string]: (
    event: Extract<EventOf<P>, { kind: K }>,
    container: C,
  ) => Promise<object>;
};

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
 * A Lambda handler: parse the envelope, take its id as the log's correlation id, read it into the
 * function's union of events (`events`, event-union.ts), run the route of its kind with the
 * function's container, log the result, and apply the error policy (error-policy.ts). `container`
 * is created once per Lambda container, at import; it loads its adapters on first use.
 */
export function defineHandler<P extends DetailParsers, C extends EventContext>(
  name: string,
  container: (name: string) => C,
  events: EventUnion<P>,
  routes: Routes<P, C>,
  { batch, outcome }: HandlerOptions<C> = {},
) {
  const context = container(name);
  const { logger } = context;

  async function handle(event: unknown): Promise<object> {
    if (batch?.accepts(event)) return batch.handle(event, context);
    const envelope = parseEnvelope(event);
    logger.setCorrelationId(envelope.id);
    const parsed = events(envelope);
    const route = routes[parsed.kind] as (event: EventOf<P>, container: C) => Promise<object>;
    const result = await route(parsed, context);
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
