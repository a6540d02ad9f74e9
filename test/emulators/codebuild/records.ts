/**
 * What the CodeBuild emulator holds: projects and builds, times in epoch milliseconds. The wire
 * shapes (epoch seconds, camelCase API members) are made from these in wire.ts.
 */
export type EnvironmentVariableType = 'PLAINTEXT' | 'PARAMETER_STORE' | 'SECRETS_MANAGER';

export interface EnvironmentVariable {
  name: string;
  /** For PARAMETER_STORE and SECRETS_MANAGER the parameter or secret name, never its value. */
  value: string;
  type: EnvironmentVariableType;
}

export type BuildStatus = 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED' | 'FAULT' | 'STOPPED' | 'TIMED_OUT';
export type TerminalStatus = Exclude<BuildStatus, 'IN_PROGRESS'>;

export interface PhaseContext {
  statusCode: string;
  message: string;
}

export interface PhaseRecord {
  /** SUBMITTED, QUEUED, PROVISIONING, …, FINALIZING, COMPLETED. */
  type: string;
  /** Absent while the phase runs, and on the final COMPLETED marker. */
  status?: string;
  startTime: number;
  endTime?: number;
  durationInSeconds?: number;
  contexts?: PhaseContext[];
}

export interface SourceRecord {
  type: string;
  location?: string;
  buildspec?: string;
  gitCloneDepth?: number;
}

export interface ArtifactsRecord {
  type: string;
  location?: string;
}

export interface EnvironmentRecord {
  type: string;
  image: string;
  computeType: string;
  privilegedMode: boolean;
  imagePullCredentialsType: string;
  environmentVariables: EnvironmentVariable[];
}

export interface ProjectRecord {
  name: string;
  arn: string;
  description?: string;
  source: SourceRecord;
  /** The version built when StartBuild names none. */
  sourceVersion?: string;
  artifacts: ArtifactsRecord;
  environment: EnvironmentRecord;
  serviceRole: string;
  timeoutInMinutes: number;
  queuedTimeoutInMinutes: number;
  encryptionKey: string;
  created: number;
  lastModified: number;
}

export interface LogsRecord {
  /** Absent until the build has a log stream (the deep link then names `group=null;stream=null`). */
  groupName?: string;
  streamName?: string;
  deepLink: string;
  cloudWatchLogsArn?: string;
}

export interface BuildRecord {
  /** `<project>:<uuid>`. */
  id: string;
  /** `arn:aws:codebuild:<region>:<account>:build/<project>:<uuid>`. */
  arn: string;
  region: string;
  account: string;
  /** Per project, from 1. */
  buildNumber: number;
  projectName: string;
  status: BuildStatus;
  currentPhase: string;
  complete: boolean;
  startTime: number;
  endTime?: number;
  sourceVersion?: string;
  source: SourceRecord;
  artifacts: ArtifactsRecord;
  /** The project's environment with StartBuild's overrides applied (variables merged by name). */
  environment: EnvironmentRecord;
  serviceRole: string;
  timeoutInMinutes: number;
  queuedTimeoutInMinutes: number;
  /** The caller's access key id, standing in for the identity CodeBuild records. */
  initiator: string;
  logs: LogsRecord;
  phases: PhaseRecord[];
  encryptionKey: string;
}

/** How a build ends, for `finishBuild` and for built events. */
export interface FinishOptions {
  /**
   * The phase that ends a build that does not succeed; BUILD by default (PROVISIONING for FAULT).
   * Ignored for SUCCEEDED.
   */
  phase?: string;
  /** That phase's context as `<statusCode>: <message>`; a status-specific default otherwise. */
  context?: string;
  /** How long the BUILD phase ran, in seconds. */
  buildSeconds?: number;
}
