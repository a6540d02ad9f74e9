import type { Logger } from '@aws-lambda-powertools/logger';
import type { AlertSink } from '#app/ports/alert-sink.ts';
import { isAwsAccessError } from './classify-error.ts';

/**
 * What a rejected event comes to, and the context its rejection is reported in. The policy that
 * decides between rejecting and retrying is error-policy.ts (a Middy middleware); the SQS batch
 * path (bump-events.ts) rejects single messages with `rejectEvent` itself.
 */
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

/** The alert sink of `context` for the application: a failing alert channel is logged, never thrown. */
export function reportingAlerts(context: EventContext): AlertSink {
  return { publish: (alert) => reportOnce(context, alert) };
}
