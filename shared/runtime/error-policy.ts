import type { MiddlewareObj } from '@middy/core';
import { classifyError } from './classify-error.ts';
import { type EventContext, eventIdOf, rejectEvent } from './handle-event.ts';

/**
 * The error policy of one event, as a Middy `onError` middleware: a permanent error is logged,
 * alerted once and returned as the event's result (no retry can fix it); a transient one is logged
 * and rethrown so Lambda retries and finally dead-letters the event. Events `passThrough` accepts
 * (an SQS batch, which answers for each message itself) are left to fail as a whole.
 *
 * Use it after the Logger's `injectLambdaContext`: its `onError` then runs first, while the event's
 * correlation id is still on the logger, and the Logger's own `onError` still resets the keys.
 */
export function errorPolicy(
  context: EventContext,
  passThrough: (event: unknown) => boolean = () => false,
): MiddlewareObj {
  return {
    onError: async (request) => {
      if (passThrough(request.event)) return;
      const error = request.error instanceof Error ? request.error : new Error(String(request.error));
      if (classifyError(error) === 'transient') {
        context.logger.error('transient failure, the event will be retried', { error });
        request.error = error;
        return;
      }
      // Set, not returned: the remaining onError middlewares (the Logger's) still run.
      request.response = await rejectEvent(context, eventIdOf(request.event), error);
    },
  };
}
