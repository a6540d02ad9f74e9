import { randomUUID } from 'node:crypto';
import { type Input, optionalBoolean, optionalString, optionalStructure } from '../codecommit/input.ts';
import {
  BUILD_TIMEOUT,
  COMPUTE_TYPES,
  ENVIRONMENT_TYPES,
  IMAGE_PULL_CREDENTIALS_TYPES,
  QUEUED_TIMEOUT,
  SOURCE_TYPES,
} from './enums.ts';
import type { Operation } from './operation-context.ts';
import { submittedPhases } from './phases.ts';
import { artifactsFrom, checkSource, environmentVariablesFrom } from './projects.ts';
import type { BuildRecord, EnvironmentVariable, ProjectRecord, SourceRecord } from './records.ts';
import {
  integerWithin,
  optionalEnum,
  optionalInteger,
  optionalNonEmptyString,
  requiredString,
  violation,
} from './validation.ts';
import { buildOutput } from './wire.ts';

/** JSON with object keys sorted at every level, so equal requests compare equal as text. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, member]) => member !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, member]) => `${JSON.stringify(key)}:${canonical(member)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The project's variables with the overrides applied: same name replaces in place, new names follow. */
function mergeVariables(
  project: EnvironmentVariable[],
  overrides: EnvironmentVariable[],
): EnvironmentVariable[] {
  const byName = new Map(overrides.map((variable) => [variable.name, variable]));
  const merged = project.map((variable) => byName.get(variable.name) ?? variable);
  for (const variable of byName.values()) {
    if (!project.some((original) => original.name === variable.name)) merged.push(variable);
  }
  return merged.map((variable) => ({ ...variable }));
}

function sourceWithOverrides(project: ProjectRecord, input: Input): SourceRecord {
  const type = optionalEnum(input, 'sourceTypeOverride', SOURCE_TYPES);
  const location = optionalNonEmptyString(input, 'sourceLocationOverride');
  const buildspec = optionalString(input, 'buildspecOverride');
  const gitCloneDepth = optionalInteger(input, 'gitCloneDepthOverride');
  if (gitCloneDepth !== undefined && gitCloneDepth < 0) {
    violation('gitCloneDepthOverride', gitCloneDepth, 'Member must have value greater than or equal to 0');
  }
  const source: SourceRecord = { ...project.source };
  if (type !== undefined) {
    source.type = type;
    if (type === 'NO_SOURCE') delete source.location;
  }
  if (location !== undefined) source.location = location;
  if (buildspec) source.buildspec = buildspec;
  if (gitCloneDepth !== undefined) source.gitCloneDepth = gitCloneDepth;
  checkSource(source);
  return source;
}

function newBuild(context: Parameters<Operation>[0], project: ProjectRecord, input: Input): BuildRecord {
  const { store, callerName } = context;
  const overrides = environmentVariablesFrom(
    input,
    'environmentVariablesOverride',
    'environmentVariablesOverride',
  );
  const source = sourceWithOverrides(project, input);
  const artifactsOverride = optionalStructure(input, 'artifactsOverride');
  const artifacts = artifactsOverride
    ? artifactsFrom(artifactsOverride, 'artifactsOverride')
    : project.artifacts;
  const sourceVersion = optionalNonEmptyString(input, 'sourceVersion') ?? project.sourceVersion;
  const environment = project.environment;
  const id = `${project.name}:${randomUUID()}`;
  const startTime = store.now();
  return {
    id,
    arn: `arn:aws:codebuild:${store.region}:${store.account}:build/${id}`,
    region: store.region,
    account: store.account,
    buildNumber: store.nextBuildNumber(project.name),
    projectName: project.name,
    status: 'IN_PROGRESS',
    currentPhase: 'SUBMITTED',
    complete: false,
    startTime,
    ...(sourceVersion === undefined ? {} : { sourceVersion }),
    source,
    artifacts: { ...artifacts },
    environment: {
      type: optionalEnum(input, 'environmentTypeOverride', ENVIRONMENT_TYPES) ?? environment.type,
      image: optionalNonEmptyString(input, 'imageOverride') ?? environment.image,
      computeType: optionalEnum(input, 'computeTypeOverride', COMPUTE_TYPES) ?? environment.computeType,
      privilegedMode: optionalBoolean(input, 'privilegedModeOverride') ?? environment.privilegedMode,
      imagePullCredentialsType:
        optionalEnum(input, 'imagePullCredentialsTypeOverride', IMAGE_PULL_CREDENTIALS_TYPES) ??
        environment.imagePullCredentialsType,
      environmentVariables: mergeVariables(environment.environmentVariables, overrides),
    },
    serviceRole: optionalNonEmptyString(input, 'serviceRoleOverride') ?? project.serviceRole,
    timeoutInMinutes:
      integerWithin(input, 'timeoutInMinutesOverride', BUILD_TIMEOUT) ?? project.timeoutInMinutes,
    queuedTimeoutInMinutes:
      integerWithin(input, 'queuedTimeoutInMinutesOverride', QUEUED_TIMEOUT) ??
      project.queuedTimeoutInMinutes,
    initiator: callerName,
    logs: store.pendingLogs(),
    phases: submittedPhases(startTime),
    encryptionKey: project.encryptionKey,
  };
}

/**
 * StartBuild. With an `idempotencyToken`, repeating the same request within 5 minutes answers the
 * build the first request started (in its current state); the same token with any other parameter
 * changed is rejected as invalid input.
 */
export const startBuild: Operation = (context, input) => {
  const { store } = context;
  const project = store.requireProject(requiredString(input, 'projectName'));
  const token = optionalString(input, 'idempotencyToken');
  const request = { ...input };
  delete request.idempotencyToken;
  const fingerprint = canonical(request);
  if (token !== undefined) {
    const earlier = store.replay(token, fingerprint);
    if (earlier !== undefined) return { build: buildOutput(earlier) };
  }
  const build = newBuild(context, project, input);
  store.addBuild(build);
  if (token !== undefined) store.rememberToken(token, fingerprint, build.id);
  return { build: buildOutput(build) };
};
