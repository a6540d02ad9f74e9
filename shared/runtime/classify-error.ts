import { BuildStartError } from '#app/build-starter.ts';
import { GitHostError } from '#app/git-host.ts';
import { RegistryError } from '#app/image-registry.ts';
import { FlowkeeperError } from '#domain/errors.ts';

/**
 * Permanent errors fail the same way on every retry (bad event, bad configuration, a manifest
 * without the target, a missing repository): they are reported, not retried. Everything else is
 * transient and thrown, so the SDK, then Lambda's async retries, then the dead-letter queue take over.
 */
export type ErrorClass = 'permanent' | 'transient';

/**
 * AWS answers that no retry can change: the role lacks a permission, or the credentials are not
 * valid in this account. Alerted once, naming what was refused, instead of retried into a queue.
 */
const AWS_ACCESS_ERRORS = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnrecognizedClient',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'AuthorizationError',
  'AuthorizationErrorException',
  'NotAuthorized',
]);

export function isAwsAccessError(error: unknown): error is Error {
  return error instanceof Error && AWS_ACCESS_ERRORS.has(error.name);
}

export function classifyError(error: unknown): ErrorClass {
  if (isAwsAccessError(error)) return 'permanent';
  if (
    error instanceof FlowkeeperError ||
    error instanceof GitHostError ||
    error instanceof RegistryError ||
    error instanceof BuildStartError
  ) {
    return 'permanent';
  }
  return 'transient';
}

export const isPermanent = (error: unknown): boolean => classifyError(error) === 'permanent';
