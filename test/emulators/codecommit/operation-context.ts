import type { RepositoryStore } from './repositories.ts';

/** What an operation handler may use besides its input. */
export interface OperationContext {
  store: RepositoryStore;
  /** Where throw-away index files go. */
  scratchDir: string;
  /** The caller's access key id, standing in for the IAM identity the service would record. */
  callerName: string;
  /** The fault layer's "the branch moved meanwhile" hook. */
  beforeCreateCommit(repositoryName: string, branch: string): Promise<void>;
}
