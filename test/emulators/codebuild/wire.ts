import type { BuildRecord, EnvironmentRecord, PhaseRecord, ProjectRecord, SourceRecord } from './records.ts';

/** awsJson timestamps are epoch seconds (with fractions); the SDK turns them into `Date`s. */
const seconds = (ms: number): number => ms / 1000;

function sourceOutput(source: SourceRecord): Record<string, unknown> {
  return {
    type: source.type,
    ...(source.location === undefined ? {} : { location: source.location }),
    ...(source.buildspec === undefined ? {} : { buildspec: source.buildspec }),
    ...(source.gitCloneDepth === undefined ? {} : { gitCloneDepth: source.gitCloneDepth }),
    insecureSsl: false,
  };
}

function environmentOutput(environment: EnvironmentRecord): Record<string, unknown> {
  return {
    type: environment.type,
    image: environment.image,
    computeType: environment.computeType,
    environmentVariables: environment.environmentVariables.map(({ name, value, type }) => ({
      name,
      value,
      type,
    })),
    privilegedMode: environment.privilegedMode,
    imagePullCredentialsType: environment.imagePullCredentialsType,
  };
}

function phaseOutput(phase: PhaseRecord): Record<string, unknown> {
  return {
    phaseType: phase.type,
    ...(phase.status === undefined ? {} : { phaseStatus: phase.status }),
    startTime: seconds(phase.startTime),
    ...(phase.endTime === undefined ? {} : { endTime: seconds(phase.endTime) }),
    ...(phase.durationInSeconds === undefined ? {} : { durationInSeconds: phase.durationInSeconds }),
    ...(phase.contexts === undefined ? {} : { contexts: phase.contexts.map((context) => ({ ...context })) }),
  };
}

export function projectOutput(project: ProjectRecord): Record<string, unknown> {
  return {
    name: project.name,
    arn: project.arn,
    ...(project.description === undefined ? {} : { description: project.description }),
    source: sourceOutput(project.source),
    secondarySources: [],
    ...(project.sourceVersion === undefined ? {} : { sourceVersion: project.sourceVersion }),
    secondarySourceVersions: [],
    artifacts: { ...project.artifacts },
    secondaryArtifacts: [],
    cache: { type: 'NO_CACHE' },
    environment: environmentOutput(project.environment),
    serviceRole: project.serviceRole,
    timeoutInMinutes: project.timeoutInMinutes,
    queuedTimeoutInMinutes: project.queuedTimeoutInMinutes,
    encryptionKey: project.encryptionKey,
    tags: [],
    created: seconds(project.created),
    lastModified: seconds(project.lastModified),
    badge: { badgeEnabled: false },
    projectVisibility: 'PRIVATE',
  };
}

export function buildOutput(build: BuildRecord): Record<string, unknown> {
  return {
    id: build.id,
    arn: build.arn,
    buildNumber: build.buildNumber,
    startTime: seconds(build.startTime),
    ...(build.endTime === undefined ? {} : { endTime: seconds(build.endTime) }),
    currentPhase: build.currentPhase,
    buildStatus: build.status,
    ...(build.sourceVersion === undefined ? {} : { sourceVersion: build.sourceVersion }),
    projectName: build.projectName,
    phases: build.phases.map(phaseOutput),
    source: sourceOutput(build.source),
    secondarySources: [],
    secondarySourceVersions: [],
    artifacts: { location: build.artifacts.location ?? '' },
    secondaryArtifacts: [],
    cache: { type: 'NO_CACHE' },
    environment: environmentOutput(build.environment),
    serviceRole: build.serviceRole,
    logs: { ...build.logs, cloudWatchLogs: { status: 'ENABLED' } },
    timeoutInMinutes: build.timeoutInMinutes,
    queuedTimeoutInMinutes: build.queuedTimeoutInMinutes,
    buildComplete: build.complete,
    initiator: build.initiator,
    encryptionKey: build.encryptionKey,
  };
}
