import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { TokenSource } from '#config/types.ts';
import { FlowkeeperError } from '#domain/errors.ts';
import { clientFor } from '../aws/clients.ts';
import type { TokenSupplier } from './api.ts';

/** Clients the token is read with; shared default clients (SDK chain for region and endpoint) otherwise. */
export interface TokenClients {
  ssm?: SSMClient;
  secretsManager?: SecretsManagerClient;
  /** Region of the default clients. */
  region?: string;
}

/** A token source that is missing or holds no usable token; permanent until the setup is fixed. */
export class TokenSourceError extends FlowkeeperError {
  override name = 'TokenSourceError';
}

/** `SSM parameter /flowkeeper/gitlab-token`, for messages; never the value. */
export const describeTokenSource = (source: TokenSource): string =>
  'ssm' in source ? `SSM parameter ${source.ssm}` : `Secrets Manager secret ${source.secretsManager}`;

/** Tokens by client and source, for the container's life; only successful reads are kept. */
const cache = new WeakMap<object, Map<string, Promise<string>>>();

const errorName = (error: unknown): string | undefined => (error instanceof Error ? error.name : undefined);

async function readSsm(client: SSMClient, name: string, what: string): Promise<string | undefined> {
  try {
    const { Parameter } = await client.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
    return Parameter?.Value;
  } catch (error) {
    if (errorName(error) === 'ParameterNotFound') {
      throw new TokenSourceError(`the ${what} SSM parameter ${name} does not exist`, { cause: error });
    }
    throw error;
  }
}

async function readSecret(
  client: SecretsManagerClient,
  secretId: string,
  what: string,
): Promise<string | undefined> {
  try {
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    return SecretString;
  } catch (error) {
    if (errorName(error) === 'ResourceNotFoundException') {
      throw new TokenSourceError(
        `the ${what} Secrets Manager secret ${secretId} does not exist (or has no current value)`,
        { cause: error },
      );
    }
    throw error;
  }
}

interface Reader {
  /** The client, which keys the cache (a test's client never shares a default client's tokens). */
  client(): Promise<object>;
  fetch(): Promise<string | undefined>;
}

function ssmReader(name: string, clients: TokenClients, what: string): Reader {
  const client = async (): Promise<SSMClient> =>
    clients.ssm ?? clientFor(SSMClient, { region: clients.region });
  return { client, fetch: async () => readSsm(await client(), name, what) };
}

function secretReader(secretId: string, clients: TokenClients, what: string): Reader {
  const client = async (): Promise<SecretsManagerClient> =>
    clients.secretsManager ?? clientFor(SecretsManagerClient, { region: clients.region });
  return { client, fetch: async () => readSecret(await client(), secretId, what) };
}

/**
 * A reader of the raw value held by a token source (an SSM parameter, decrypted, or a Secrets
 * Manager secret's string), uncached; the webhook token check keeps its own TTL cache over it.
 */
export function tokenSourceReader(
  source: TokenSource,
  clients: TokenClients = {},
  what = 'GitLab webhook token',
): () => Promise<string | undefined> {
  return (
    'ssm' in source
      ? ssmReader(source.ssm, clients, what)
      : secretReader(source.secretsManager, clients, what)
  ).fetch;
}

/**
 * Reads the GitLab access token from its source once per container: an SSM parameter (decrypted)
 * or a Secrets Manager secret's string value, surrounding whitespace removed. A failed read is not
 * cached, so a token created after a failure is picked up by the next call; `fresh` reads it again
 * (after GitLab refused the cached one, which may have been rotated). `what` names the secret in
 * messages (the Slack webhook URL is read the same way).
 */
export function tokenProvider(
  source: TokenSource,
  clients: TokenClients = {},
  what = 'GitLab token',
): TokenSupplier {
  const description = describeTokenSource(source);
  const read =
    'ssm' in source
      ? ssmReader(source.ssm, clients, what)
      : secretReader(source.secretsManager, clients, what);

  return async (options = {}) => {
    const client = await read.client();
    let tokens = cache.get(client);
    if (tokens === undefined) {
      tokens = new Map();
      cache.set(client, tokens);
    }
    const cached = tokens.get(description);
    if (cached !== undefined && !options.fresh) return cached;
    const pending = read.fetch().then((value) => {
      const token = value?.trim() ?? '';
      if (token === '') throw new TokenSourceError(`the ${what} in ${description} is empty`);
      return token;
    });
    tokens.set(description, pending);
    pending.catch(() => {
      if (tokens.get(description) === pending) tokens.delete(description);
    });
    return pending;
  };
}
