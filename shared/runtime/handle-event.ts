import type { Logger } from '@aws-lambda-powertools/logger';
import type { AlertSink } from '#app/ports/alert-sink.ts';
import { classifyError, isAwsAccessError } from './classify-error.ts';

export interface FailedResult {
  eventId: string | null;
  actions: [];
  error: { type: string; message: string };
}

export interface EventContext {
  logger: Logger;
  /** Where permanent failures are reported once. */
  alerts: () => AlertSink;
  /** Function name for alert subjects. */
  name: string;
}

/**
 * Run one event through `work`, log the outcome, and apply the error policy: permanent errors are
 * logged, alerted once and returned (no retry can fix them); transient ones are rethrown so Lambda
 * retries and finally dead-letters the event.
 */
export async function handleEvent<T extends object>(
  context: EventContext,
  event: unknown,
  work: (event: unknown) => Promise<T>,
): Promise<T | FailedResult> {
  const { logger } = context;
  try {
    const result = await work(event);
    logger.info('event handled', { result });
    return result;
  } catch (error) {
    const err = error instanceof Error ? error : new Error(String(error));
    if (classifyError(err) === 'transient') {
      logger.error('transient failure, the event will be retried', { error: err });
      throw err;
    }
    return rejectEvent(context, eventIdOf(event), err);
  }
}

/** A permanent failure: logged, alerted once, and returned as the event's result (never retried). */
export async function rejectEvent(
  context: EventContext,
  eventId: string | null,
  error: Error,
): Promise<FailedResult> {
  const err = isAwsAccessError(error) ? accessDenied(error) : error;
  context.logger.error('event rejected', { eventId, error: { type: err.name, message: err.message } });
  await reportOnce(context, {
    subject: `${context.name}: ${err.name}`,
    message: err.message,
    ...(eventId ? { eventId } : {}),
    details: { type: err.name },
  });
  return { eventId, actions: [], error: { type: err.name, message: err.message } };
}

/** Publish an alert; a failing alert channel is logged, never allowed to turn the event into a retry. */
export async function reportOnce(
  context: EventContext,
  alert: Parameters<AlertSink['publish']>[0],
): Promise<void> {
  try {
    await context.alerts().publish(alert);
  } catch (error) {
    context.logger.error('could not publish the alert', { error, alert });
  }
}

export function eventIdOf(event: unknown): string | null {
  if (typeof event === 'object' && event !== null && 'id' in event && typeof event.id === 'string')
    return event.id;
  return null;
}

/** AWS's own message names the action and resource refused; say what to do about it. */
function accessDenied(error: Error): Error {
  const refused = new Error(
    `${error.message} (AWS refused the call: grant the function's role this action on this resource in template.yaml, or check the resource name in the configuration)`,
  );
  refused.name = error.name;
  return refused;
}
