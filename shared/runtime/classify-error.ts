import { BuildStartError } from '#adapters/codebuild-build-starter.ts';
import { GitHostError } from '#app/git-host.ts';
import { RegistryError } from '#app/image-registry.ts';
import { FlowkeeperError } from '#domain/errors.ts';

/**
 * Permanent errors fail the same way on every retry (bad event, bad configuration, a manifest
 * without the target, a missing repository): they are reported, not retried. Everything else is
 * transient and thrown, so the SDK, then Lambda's async retries, then the dead-letter queue take over.
 */
export type ErrorClass = 'permanent' | 'transient';

export function classifyError(error: unknown): ErrorClass {
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
