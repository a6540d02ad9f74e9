import type { Input } from '../codecommit/input.ts';
import type { CodeBuildStore } from './store.ts';

/** What an operation handler may use besides its input. */
export interface OperationContext {
  store: CodeBuildStore;
  /** The caller's access key id, standing in for the IAM identity CodeBuild records as initiator. */
  callerName: string;
}

export type Operation = (context: OperationContext, input: Input) => Record<string, unknown>;
