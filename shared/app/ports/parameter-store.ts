/** The parameter store port (SSM Parameter Store) for the `ssm` target kind. */
export interface StoredParameter {
  value: string;
  version: number;
}

export interface ParameterStore {
  /** The current value, or undefined when the parameter does not exist. */
  get(name: string): Promise<StoredParameter | undefined>;
  /** Write a String parameter (creating or overwriting it); returns the new version. */
  put(name: string, value: string, description?: string): Promise<StoredParameter>;
}
