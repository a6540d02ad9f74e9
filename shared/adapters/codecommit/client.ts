import { CodeCommitClient } from '@aws-sdk/client-codecommit';
import { clientFor } from '../aws/clients.ts';

/** What the CodeCommit adapters accept to reach the service. */
export interface CodeCommitClientOptions {
  /** An injected client (tests point one at an emulator); otherwise a shared default client. */
  client?: CodeCommitClient;
  /** Region of the default client; the SDK's chain (AWS_REGION, profile) decides when absent. */
  region?: string;
  /** Attempts of the default client's standard retry strategy (throttling, 5xx); SDK default 3. */
  maxAttempts?: number;
}

/**
 * The injected client, or the shared one for the region and retry setting (adapters/aws/clients.ts),
 * created on first call, not at construction.
 */
export const codeCommitClient = async (options: CodeCommitClientOptions): Promise<CodeCommitClient> =>
  options.client ?? clientFor(CodeCommitClient, { region: options.region, maxAttempts: options.maxAttempts });

/** The SDK names a service error after its modelled exception (`PullRequestDoesNotExistException`). */
export const serviceErrorName = (error: unknown): string | undefined =>
  error instanceof Error && typeof error.name === 'string' ? error.name : undefined;
