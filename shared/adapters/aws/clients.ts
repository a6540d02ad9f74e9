import type { AssumedCredentials, CredentialsProvider } from './assumed-role.ts';
import { traceClient } from './tracing.ts';

/**
 * Where an AWS client sends its calls and as whom. Clients are shared for the container's life, one
 * per service and place: region, the identity that signs (`credentials` of an assumed role, none
 * for the function's own role) and the retry setting, and the environment's endpoint, region and
 * identity settings at the time (constant in Lambda; a process that runs several configurations, such as
 * the CLI's tests, gets a client per endpoint).
 */
export interface ClientPlace {
  /** The SDK's chain (AWS_REGION, profile) decides when absent. */
  region?: string;
  /** An assumed role's credentials (assumed-role.ts) sign the calls; the function's own role when absent. */
  credentials?: CredentialsProvider;
  /** Attempts of the SDK's standard retry strategy (throttling, 5xx); the SDK default (3) when absent. */
  maxAttempts?: number;
}

/** An `@aws-sdk/client-*` client class. */
export type ClientClass<C> = new (config: {
  region?: string;
  maxAttempts?: number;
  credentials?: () => Promise<AssumedCredentials>;
}) => C;

const clients = new Map<ClientClass<unknown>, Map<string, Promise<unknown>>>();

/**
 * The shared client of `Service` for `place`, created on first use and traced when tracing is on
 * (tracing.ts). Endpoint and credentials come from the SDK's standard chain, so
 * `AWS_ENDPOINT_URL_<SERVICE>` (or `AWS_ENDPOINT_URL`) redirects it to moto or an emulator.
 */
export function clientFor<C>(Service: ClientClass<C>, place: ClientPlace = {}): Promise<C> {
  let byPlace = clients.get(Service);
  if (byPlace === undefined) {
    byPlace = new Map();
    clients.set(Service, byPlace);
  }
  const key = `${place.region ?? ''}|${place.credentials?.cacheKey ?? ''}|${place.maxAttempts ?? ''}|${environmentPlace()}`;
  let client = byPlace.get(key) as Promise<C> | undefined;
  if (client === undefined) {
    const created = createClient(Service, place);
    byPlace.set(key, created);
    created.catch(() => byPlace.delete(key)); // a failure is not kept: the next call tries again
    client = created;
  }
  return client;
}

/** Identity settings of the environment: the key id names who signs (never the secret). */
const IDENTITY_SETTINGS = new Set(['AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_PROFILE']);

/** The environment settings the SDK reads for where a client sends its calls, and as whom. */
function environmentPlace(): string {
  const settings: string[] = [];
  for (const [name, value] of Object.entries(process.env)) {
    if (name.startsWith('AWS_ENDPOINT_URL') || IDENTITY_SETTINGS.has(name)) settings.push(`${name}=${value}`);
  }
  return settings.sort().join(',');
}

async function createClient<C>(Service: ClientClass<C>, place: ClientPlace): Promise<C> {
  const client = new Service({
    ...(place.region === undefined ? {} : { region: place.region }),
    ...(place.maxAttempts === undefined ? {} : { maxAttempts: place.maxAttempts }),
    ...(place.credentials === undefined ? {} : { credentials: place.credentials }),
  });
  return traceClient(client);
}
