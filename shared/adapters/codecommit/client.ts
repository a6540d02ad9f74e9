import { CodeCommitClient } from '@aws-sdk/client-codecommit';
import type { CredentialsProvider } from '../aws/assumed-role.ts';
import { clientFor } from '../aws/clients.ts';

/** What the CodeCommit adapters accept to reach the service. */
export interface CodeCommitClientOptions {
  /** An injected client (tests point one at an emulator); otherwise a shared default client. */
  client?: CodeCommitClient;
  /** Region of the default client; the SDK's chain (AWS_REGION, profile) decides when absent. */
  region?: string;
  /** Attempts of the default client's standard retry strategy (throttling, 5xx); SDK default 3. */
  maxAttempts?: number;
  /** Credentials of an assumed role (a repository in another account); the SDK's chain when absent. */
  credentials?: CredentialsProvider;
}

/**
 * The injected client, or the shared one for the region, retry setting and assumed role
 * (adapters/aws/clients.ts), created on first call, not at construction.
 */
export const codeCommitClient = async (options: CodeCommitClientOptions): Promise<CodeCommitClient> =>
  options.client ??
  clientFor(CodeCommitClient, {
    region: options.region,
    maxAttempts: options.maxAttempts,
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
  });

/** The SDK names a service error after its modelled exception (`PullRequestDoesNotExistException`). */
export const serviceErrorName = (error: unknown): string | undefined =>
  error instanceof Error && typeof error.name === 'string' ? error.name : undefined;
