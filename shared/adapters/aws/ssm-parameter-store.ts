import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { ParameterStore, StoredParameter } from '#app/ports/parameter-store.ts';
import { FlowkeeperError } from '#domain/errors.ts';
import type { CredentialsProvider } from './assumed-role.ts';
import { clientFor } from './clients.ts';

export interface SsmParameterStoreOptions {
  /** An injected client (tests point one at an emulator); otherwise a shared default client. */
  client?: SSMClient;
  /** Region of the default client; the SDK's chain (AWS_REGION, profile) decides when absent. */
  region?: string;
  /** Credentials of an assumed role (a parameter in another account); the SDK's chain when absent. */
  credentials?: CredentialsProvider;
}

/** A parameter name or value SSM would refuse; permanent, so it is reported rather than retried. */
export class ParameterStoreError extends FlowkeeperError {
  override name = 'ParameterStoreError';
}

export const MAX_NAME_LENGTH = 1011;
export const MAX_HIERARCHY_LEVELS = 15;
/** Standard-tier limit. Counted in UTF-8 bytes, the stricter reading of "4 KB". */
export const MAX_VALUE_BYTES = 4096;
export const MAX_DESCRIPTION_LENGTH = 1024;

const NAME_CHARACTERS = /^[a-zA-Z0-9_.\-/]+$/;

/**
 * Why SSM would refuse `name`, or undefined when it is acceptable. The `aws`/`ssm` prefixes are
 * reserved for writing only: public parameters such as `/aws/service/...` can be read.
 */
export function parameterNameProblem(name: string, purpose: 'read' | 'write'): string | undefined {
  if (name.length === 0) return 'the name is empty';
  if (name.length > MAX_NAME_LENGTH) {
    return `the name is ${name.length} characters long, more than the ${MAX_NAME_LENGTH} allowed`;
  }
  if (!NAME_CHARACTERS.test(name)) {
    const invalid = [...new Set(name.replace(/[a-zA-Z0-9_.\-/]/g, ''))];
    return `the name contains ${invalid.map((c) => JSON.stringify(c)).join(', ')}; only letters, digits and _ . - / are allowed`;
  }
  if (name.includes('/')) {
    if (!name.startsWith('/')) return 'a name with a "/" hierarchy must start with "/"';
    const levels = name.slice(1).split('/');
    if (levels.some((level) => level === '')) {
      return 'the hierarchy has an empty level (a doubled or trailing "/")';
    }
    if (levels.length > MAX_HIERARCHY_LEVELS) {
      return `the hierarchy has ${levels.length} levels, more than the ${MAX_HIERARCHY_LEVELS} allowed`;
    }
  }
  if (purpose === 'write' && /^\/?(aws|ssm)/i.test(name)) {
    return 'the name starts with "aws" or "ssm" (any case), which SSM reserves';
  }
  return undefined;
}

function requireName(name: string, purpose: 'read' | 'write'): void {
  const problem = parameterNameProblem(name, purpose);
  if (problem !== undefined) {
    const shown = name.length > 80 ? `${name.slice(0, 60)}...` : name;
    throw new ParameterStoreError(`invalid SSM parameter name ${JSON.stringify(shown)}: ${problem}`);
  }
}

function requireValue(name: string, value: string, description: string | undefined): void {
  if (value.length === 0) {
    throw new ParameterStoreError(
      `SSM parameter ${name}: the value is empty; SSM requires at least 1 character`,
    );
  }
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > MAX_VALUE_BYTES) {
    throw new ParameterStoreError(
      `SSM parameter ${name}: the value is ${bytes} bytes, more than the ${MAX_VALUE_BYTES} a standard-tier parameter holds`,
    );
  }
  if (description !== undefined && description.length > MAX_DESCRIPTION_LENGTH) {
    throw new ParameterStoreError(
      `SSM parameter ${name}: the description is ${description.length} characters, more than the ${MAX_DESCRIPTION_LENGTH} allowed`,
    );
  }
}

const isParameterNotFound = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ParameterNotFound';

/**
 * SSM Parameter Store. Reads decrypt SecureStrings; writes create or overwrite a standard-tier
 * String. Names and values are checked before any request; service errors propagate unchanged.
 */
export function createSsmParameterStore(options: SsmParameterStoreOptions = {}): ParameterStore {
  const client = async (): Promise<SSMClient> =>
    options.client ??
    clientFor(SSMClient, {
      region: options.region,
      ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
    });

  return {
    async get(name: string): Promise<StoredParameter | undefined> {
      requireName(name, 'read');
      try {
        const { Parameter } = await (await client()).send(
          new GetParameterCommand({ Name: name, WithDecryption: true }),
        );
        return { value: Parameter?.Value ?? '', version: Parameter?.Version ?? 0 };
      } catch (error) {
        if (isParameterNotFound(error)) return undefined;
        throw error;
      }
    },

    async put(name: string, value: string, description?: string): Promise<StoredParameter> {
      requireName(name, 'write');
      requireValue(name, value, description);
      const { Version } = await (await client()).send(
        new PutParameterCommand({
          Name: name,
          Value: value,
          Type: 'String',
          Overwrite: true,
          ...(description === undefined ? {} : { Description: description }),
        }),
      );
      if (Version === undefined) throw new Error(`SSM PutParameter for ${name} returned no version`);
      return { value, version: Version };
    },
  };
}
