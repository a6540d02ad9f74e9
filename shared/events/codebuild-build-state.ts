/** `CodeBuild Build State Change` events, validated. */

export const BUILD_STATE_CHANGE = 'CodeBuild Build State Change';

export interface BuildPhase {
  type: string;
  status?: string;
  durationSeconds?: number;
  /** Failure reasons, e.g. `COMMAND_EXECUTION_ERROR: … exit status 1`; empty strings dropped. */
  context: string[];
}

export interface BuildStateEvent {
  id: string;
  account: string;
  region: string;
  time: string;
  /** `detail.build-id`: `arn:aws:codebuild:<region>:<account>:build/<project>:<uuid>`. */
  buildArn: string;
  project: string;
  /** IN_PROGRESS, SUCCEEDED, FAILED, FAULT, STOPPED, TIMED_OUT (others kept as given). */
  status: string;
  buildNumber?: number;
  /** Epoch ms, from `build-start-time` ("Mar 10, 2026 9:31:12 AM", UTC). */
  startedAt?: number;
  /** Epoch ms of the envelope `time`, when parseable. */
  at?: number;
  complete: boolean;
  /** `additional-information.source-version`: a commit, `pr/12`, `refs/heads/main^{sha}`, … */
  sourceVersion?: string;
  sourceType?: string;
  /** `environment.environment-variables`, name → value (overrides included). */
  environment: Record<string, string>;
  phases: BuildPhase[];
  /** `logs.deep-link` when it names a log stream (null group/stream links are dropped). */
  logsLink?: string;
}
