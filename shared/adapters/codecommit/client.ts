import { CodeCommitClient } from '@aws-sdk/client-codecommit';
import type { CredentialsProvider } from '../aws/assumed-role.ts';

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

const defaultClients = new Map<string, CodeCommitClient>();

/**
 * One client per region, retry setting and assumed role, created on first use and kept for the container's life.
 * Endpoint and credentials come from the SDK's standard chain, so `AWS_ENDPOINT_URL_CODECOMMIT`
 * redirects it (to an emulator, say).
 */
function defaultClient(
  region: string | undefined,
  maxAttempts: number | undefined,
  credentials: CredentialsProvider | undefined,
): CodeCommitClient {
  const key = `${region ?? ''}|${maxAttempts ?? ''}|${credentials?.cacheKey ?? ''}`;
  let client = defaultClients.get(key);
  if (client === undefined) {
    client = new CodeCommitClient({
      ...(region === undefined ? {} : { region }),
      ...(maxAttempts === undefined ? {} : { maxAttempts }),
      ...(credentials === undefined ? {} : { credentials }),
    });
    defaultClients.set(key, client);
  }
  return client;
}

/** The injected client, or the shared default one (created on first call, not at construction). */
export const codeCommitClient = (options: CodeCommitClientOptions): CodeCommitClient =>
  options.client ?? defaultClient(options.region, options.maxAttempts, options.credentials);

/** The SDK names a service error after its modelled exception (`PullRequestDoesNotExistException`). */
export const serviceErrorName = (error: unknown): string | undefined =>
  error instanceof Error && typeof error.name === 'string' ? error.name : undefined;
