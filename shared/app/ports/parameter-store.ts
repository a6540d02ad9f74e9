/** The parameter store port (SSM Parameter Store) for the `ssm` target kind. */
import type { AwsAccess } from '#config/types.ts';

/**
 * Where a parameter lives when it is not in the function's own account and region: the target's
 * `region`, and the role (`roleArn`, `externalId`) assumed to reach another account.
 */
export type ParameterLocation = AwsAccess;

export interface StoredParameter {
  value: string;
  version: number;
}

export interface ParameterStore {
  /** The current value, or undefined when the parameter does not exist. */
  get(name: string, at?: ParameterLocation): Promise<StoredParameter | undefined>;
  /** Write a String parameter (creating or overwriting it); returns the new version. */
  put(name: string, value: string, description?: string, at?: ParameterLocation): Promise<StoredParameter>;
}
