import type { Logger } from '@aws-lambda-powertools/logger';
import { classifyError } from './classify-error.ts';

export interface FailedResult {
  eventId: string | null;
  actions: [];
  error: { type: string; message: string };
}

/**
 * Run one event through `work`, log the outcome, and apply the error policy: permanent errors are
 * logged and returned (no retry can fix them); transient ones are rethrown for Lambda to retry.
 */
export async function handleEvent<T extends object>(
  logger: Logger,
  event: unknown,
  work: (event: unknown) => Promise<T>,
): Promise<T | FailedResult> {
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
    logger.error('event rejected', { error: { type: err.name, message: err.message } });
    return { eventId: eventIdOf(event), actions: [], error: { type: err.name, message: err.message } };
  }
}

function eventIdOf(event: unknown): string | null {
  if (typeof event === 'object' && event !== null && 'id' in event && typeof event.id === 'string')
    return event.id;
  return null;
}
