import { GetParameterCommand, paginateGetParametersByPath, SSMClient } from '@aws-sdk/client-ssm';
import { loadConfigFile, parseConfigText } from '#config/load-file.ts';
import { mergeConfigParts } from '#config/merge-documents.ts';
import { parseConfig } from '#config/schema.ts';
import type { Config } from '#config/types.ts';
import { ConfigError } from '#domain/errors.ts';
import { clientFor } from './clients.ts';

export interface ConfigLoader {
  load(): Promise<Config>;
}

export interface SsmConfigLoaderOptions {
  parameterName: string;
  /** Defaults to a client shared by the container, created on first use. */
  client?: SSMClient;
  /** How long a loaded configuration is reused; default `FLOWKEEPER_CONFIG_TTL_SECONDS`, else 300. */
  ttlSeconds?: number;
  /** Clock in milliseconds (tests advance it). */
  now?: () => number;
}

export const DEFAULT_CONFIG_TTL_SECONDS = 300;

function ttlFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env.FLOWKEEPER_CONFIG_TTL_SECONDS;
  if (raw === undefined || raw.trim() === '') return undefined;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new ConfigError('environment', [
      `FLOWKEEPER_CONFIG_TTL_SECONDS: must be a number of seconds, 0 or more (got ${JSON.stringify(raw)})`,
    ]);
  }
  return seconds;
}

const isParameterNotFound = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ParameterNotFound';

/**
 * Configuration held in an SSM parameter (String or SecureString, YAML or JSON). The parsed
 * configuration is reused for `ttlSeconds`; concurrent callers share one request; a failed load
 * is not cached. `local` repository paths must be absolute there: there is no file to resolve
 * them against.
 */
export function createSsmConfigLoader(options: SsmConfigLoaderOptions): ConfigLoader {
  const { parameterName } = options;
  if (parameterName.trim() === '') throw new ConfigError('SSM parameter', ['the parameter name is empty']);
  const ttlMs = (options.ttlSeconds ?? ttlFromEnv(process.env) ?? DEFAULT_CONFIG_TTL_SECONDS) * 1000;
  const now = options.now ?? Date.now;
  const byPath = parameterName.endsWith('/');
  const source = byPath ? `SSM parameters under ${parameterName}` : `SSM parameter ${parameterName}`;
  let cached: { config: Config; expiresAt: number } | undefined;
  let inFlight: Promise<Config> | undefined;

  /** A configuration split across the parameters of a path, merged in name order. */
  async function fetchConfigParts(client: SSMClient): Promise<Config> {
    const path = parameterName.replace(/\/+$/, '') || '/';
    const parts = [];
    for await (const page of paginateGetParametersByPath(
      { client },
      { Path: path, Recursive: true, WithDecryption: true },
    )) {
      for (const parameter of page.Parameters ?? []) {
        const name = parameter.Name ?? '';
        parts.push({ name, document: parseConfigText(parameter.Value ?? '', name, `SSM parameter ${name}`) });
      }
    }
    if (parts.length === 0) {
      const region = await client.config.region();
      throw new ConfigError(source, [`no parameter under ${path} in ${region}`]);
    }
    return parseConfig(mergeConfigParts(parts, source), `${source} (${parts.map((p) => p.name).join(', ')})`);
  }

  async function fetchConfig(): Promise<Config> {
    const client = options.client ?? (await clientFor(SSMClient));
    if (byPath) return fetchConfigParts(client);
    let value: string | undefined;
    try {
      const output = await client.send(
        new GetParameterCommand({ Name: parameterName, WithDecryption: true }),
      );
      value = output.Parameter?.Value;
    } catch (error) {
      if (isParameterNotFound(error)) {
        const region = await client.config.region();
        throw new ConfigError(source, [`parameter not found in ${region}`]);
      }
      throw error;
    }
    return parseConfig(parseConfigText(value ?? '', parameterName, source), source);
  }

  return {
    load() {
      const startedAt = now();
      if (cached && startedAt < cached.expiresAt) return Promise.resolve(cached.config);
      inFlight ??= fetchConfig()
        .then((config) => {
          cached = { config, expiresAt: startedAt + ttlMs };
          return config;
        })
        .finally(() => {
          inFlight = undefined;
        });
      return inFlight;
    },
  };
}

/**
 * The loader the environment asks for: `FLOWKEEPER_CONFIG_PARAMETER` (an SSM parameter name, or a
 * path ending in `/` whose parameters are merged),
 * else `FLOWKEEPER_CONFIG_FILE` (a YAML or JSON file, parsed again whenever its modification time or size changes).
 */
export function configLoaderFromEnv(env: NodeJS.ProcessEnv = process.env): ConfigLoader {
  const parameterName = env.FLOWKEEPER_CONFIG_PARAMETER?.trim();
  if (parameterName) {
    return createSsmConfigLoader({
      parameterName,
      ttlSeconds: ttlFromEnv(env) ?? DEFAULT_CONFIG_TTL_SECONDS,
    });
  }
  const file = env.FLOWKEEPER_CONFIG_FILE?.trim();
  if (file) return { load: () => loadConfigFile(file) };
  throw new ConfigError('environment', [
    'no configuration source: set FLOWKEEPER_CONFIG_PARAMETER to an SSM parameter name, or FLOWKEEPER_CONFIG_FILE to a YAML or JSON file',
  ]);
}
