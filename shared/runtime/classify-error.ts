import { isPermanentError } from '#domain/errors.ts';

export { isAwsAccessError } from '#domain/errors.ts';

/**
 * Permanent errors fail the same way on every retry (bad event, bad configuration, a manifest
 * without the target, a missing repository, a refused AWS permission): they are reported, not
 * retried. Everything else is transient and thrown, so the SDK, then Lambda's async retries, then
 * the dead-letter queue take over. The decision is the domain's `isPermanentError`: every
 * Flowkeeper error extends `PermanentError` or `TransientError` (shared/domain/errors.ts).
 */
export type ErrorClass = 'permanent' | 'transient';

export function classifyError(error: unknown): ErrorClass {
  return isPermanentError(error) ? 'permanent' : 'transient';
}
