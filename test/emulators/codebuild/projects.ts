import { type Input, optionalBoolean, optionalList, optionalString } from '../codecommit/input.ts';
import {
  ARTIFACTS_TYPES,
  BATCH_LIMIT,
  BUILD_TIMEOUT,
  COMPUTE_TYPES,
  ENVIRONMENT_TYPES,
  ENVIRONMENT_VARIABLE_TYPES,
  IMAGE_PULL_CREDENTIALS_TYPES,
  LOCATED_SOURCE_TYPES,
  QUEUED_TIMEOUT,
  SOURCE_TYPES,
} from './enums.ts';
import type { Operation } from './operation-context.ts';
import type {
  ArtifactsRecord,
  EnvironmentRecord,
  EnvironmentVariable,
  ProjectRecord,
  SourceRecord,
} from './records.ts';
import type { CodeBuildStore } from './store.ts';
import {
  enumValue,
  integerWithin,
  invalidInput,
  optionalEnum,
  optionalInteger,
  requiredString,
  requiredStructure,
  stringList,
  violation,
} from './validation.ts';
import { projectOutput } from './wire.ts';

const PROJECT_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{1,254}$/;

/** Checks a source as a whole: a location where the type needs one, a buildspec for NO_SOURCE. */
export function checkSource(source: SourceRecord): void {
  if (LOCATED_SOURCE_TYPES.has(source.type) && !source.location) {
    invalidInput(`Invalid source: a location is required for source type ${source.type}.`);
  }
  if (source.type === 'NO_SOURCE' && !source.buildspec) {
    invalidInput('Invalid source: a buildspec is required when the source type is NO_SOURCE.');
  }
}

function sourceFrom(input: Input, path: string): SourceRecord {
  const type = enumValue(requiredString(input, 'type', `${path}.type`), SOURCE_TYPES, `${path}.type`);
  const location = optionalString(input, 'location');
  const buildspec = optionalString(input, 'buildspec');
  const gitCloneDepth = optionalInteger(input, 'gitCloneDepth');
  if (gitCloneDepth !== undefined && gitCloneDepth < 0) {
    violation(`${path}.gitCloneDepth`, gitCloneDepth, 'Member must have value greater than or equal to 0');
  }
  const source: SourceRecord = {
    type,
    ...(location ? { location } : {}),
    ...(buildspec ? { buildspec } : {}),
    ...(gitCloneDepth === undefined ? {} : { gitCloneDepth }),
  };
  checkSource(source);
  return source;
}

export function artifactsFrom(input: Input, path: string): ArtifactsRecord {
  const type = enumValue(requiredString(input, 'type', `${path}.type`), ARTIFACTS_TYPES, `${path}.type`);
  const location = optionalString(input, 'location');
  if (type === 'S3' && !location) invalidInput('Invalid artifacts: a location is required for S3 artifacts.');
  return { type, ...(location ? { location } : {}) };
}

/** `[{name, value, type?}]`; the type defaults to PLAINTEXT. */
export function environmentVariablesFrom(input: Input, member: string, path: string): EnvironmentVariable[] {
  return optionalList(input, member).map((variable, index) => {
    const at = `${path}.${index + 1}.member`;
    return {
      name: requiredString(variable, 'name', `${at}.name`),
      value: requiredString(variable, 'value', `${at}.value`, 0),
      type: optionalEnum(variable, 'type', ENVIRONMENT_VARIABLE_TYPES, `${at}.type`) ?? 'PLAINTEXT',
    };
  });
}

function environmentFrom(input: Input, path: string): EnvironmentRecord {
  return {
    type: enumValue(requiredString(input, 'type', `${path}.type`), ENVIRONMENT_TYPES, `${path}.type`),
    image: requiredString(input, 'image', `${path}.image`),
    computeType: enumValue(
      requiredString(input, 'computeType', `${path}.computeType`),
      COMPUTE_TYPES,
      `${path}.computeType`,
    ),
    privilegedMode: optionalBoolean(input, 'privilegedMode') ?? false,
    imagePullCredentialsType:
      optionalEnum(
        input,
        'imagePullCredentialsType',
        IMAGE_PULL_CREDENTIALS_TYPES,
        `${path}.imagePullCredentialsType`,
      ) ?? 'CODEBUILD',
    environmentVariables: environmentVariablesFrom(
      input,
      'environmentVariables',
      `${path}.environmentVariables`,
    ),
  };
}

/** A CreateProject request, validated the way CodeBuild does, as the project it creates. */
export function projectFrom(input: Input, store: CodeBuildStore): ProjectRecord {
  const name = requiredString(input, 'name', 'name', 2);
  if (!PROJECT_NAME.test(name)) {
    violation(
      'name',
      name,
      `Member must satisfy regular expression pattern: ${PROJECT_NAME.source.slice(1, -1)}`,
    );
  }
  const source = sourceFrom(requiredStructure(input, 'source'), 'source');
  const artifacts = artifactsFrom(requiredStructure(input, 'artifacts'), 'artifacts');
  if ((source.type === 'CODEPIPELINE') !== (artifacts.type === 'CODEPIPELINE')) {
    invalidInput('Invalid input: source and artifacts must both be CODEPIPELINE, or neither.');
  }
  const environment = environmentFrom(requiredStructure(input, 'environment'), 'environment');
  const serviceRole = requiredString(input, 'serviceRole');
  const description = optionalString(input, 'description');
  const sourceVersion = optionalString(input, 'sourceVersion');
  const now = store.now();
  return {
    name,
    arn: store.projectArn(name),
    ...(description === undefined ? {} : { description }),
    source,
    ...(sourceVersion ? { sourceVersion } : {}),
    artifacts,
    environment,
    serviceRole,
    timeoutInMinutes: integerWithin(input, 'timeoutInMinutes', BUILD_TIMEOUT) ?? BUILD_TIMEOUT.default,
    queuedTimeoutInMinutes:
      integerWithin(input, 'queuedTimeoutInMinutes', QUEUED_TIMEOUT) ?? QUEUED_TIMEOUT.default,
    encryptionKey: `arn:aws:kms:${store.region}:${store.account}:alias/aws/s3`,
    created: now,
    lastModified: now,
  };
}

export const createProject: Operation = ({ store }, input) => {
  const project = projectFrom(input, store);
  store.addProject(project);
  return { project: projectOutput(project) };
};

/** Names or ARNs; each unknown one is listed as given in `projectsNotFound`. */
export const batchGetProjects: Operation = ({ store }, input) => {
  const names = [...new Set(stringList(input, 'names', { min: 1, max: BATCH_LIMIT }))];
  const projects: Record<string, unknown>[] = [];
  const projectsNotFound: string[] = [];
  for (const name of names) {
    const project = store.project(name);
    if (project === undefined) projectsNotFound.push(name);
    else projects.push(projectOutput(project));
  }
  return { projects, projectsNotFound };
};
