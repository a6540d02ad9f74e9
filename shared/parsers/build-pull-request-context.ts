import { type BuildStateEvent, buildArnParts } from './codebuild-build-state.ts';
import { isCommitId, isPullRequestId, isRevisionId } from './codecommit-pull-request.ts';

/** Which pull request (and which revision of it) a validation build was started for. */
export interface BuildPullRequestContext {
  pullRequestId: string;
  repositoryName?: string;
  sourceCommit?: string;
  destinationCommit?: string;
  revisionId?: string;
  /** Values that were set but unusable, and so ignored, e.g. `SOURCE_COMMIT: "abc" is not a commit id …`. */
  problems: string[];
}

/** The variable names of one way of passing the context into a build. */
interface VariableNames {
  pullRequestId: string;
  repositoryName: string;
  sourceCommit: string;
  destinationCommit: string;
  revisionId: string;
}

/** What Flowkeeper sets when it starts a validation build. */
const FLOWKEEPER_VARIABLES: VariableNames = {
  pullRequestId: 'PULL_REQUEST_ID',
  repositoryName: 'REPOSITORY_NAME',
  sourceCommit: 'SOURCE_COMMIT',
  destinationCommit: 'DESTINATION_COMMIT',
  revisionId: 'REVISION_ID',
};

/** What the AWS sample pull-request pipelines set (EventBridge input transformer → StartBuild). */
const CAMEL_CASE_VARIABLES: VariableNames = {
  pullRequestId: 'pullRequestId',
  repositoryName: 'repositoryName',
  sourceCommit: 'sourceCommit',
  destinationCommit: 'destinationCommit',
  revisionId: 'revisionId',
};

const REPOSITORY_NAME = /^[\w.-]{1,100}$/;
const PR_SOURCE_VERSION = /^pr\/(.*)$/;
const CODECOMMIT_LOCATION =
  /^https:\/\/git-codecommit(?:-fips)?\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?\/v1\/repos\/([^/]+)\/?$/;

/**
 * The pull request a build belongs to, from (first match wins) Flowkeeper's variables, the camelCase
 * variables of the AWS samples, or a `pr/<n>` source version. A source matches when it names a valid
 * pull request id; its other values are taken only when valid. Undefined when no source matches:
 * {@link readPullRequestContext} also says why.
 */
export function pullRequestContext(build: BuildStateEvent): BuildPullRequestContext | undefined {
  return readPullRequestContext(build).context;
}

/** {@link pullRequestContext}, plus every ignored value even when no source matched. */
export function readPullRequestContext(build: BuildStateEvent): {
  context?: BuildPullRequestContext;
  problems: string[];
} {
  const problems: string[] = [];
  const found =
    fromVariables(build.environment, FLOWKEEPER_VARIABLES, problems) ??
    fromVariables(build.environment, CAMEL_CASE_VARIABLES, problems) ??
    fromSourceVersion(build, problems);
  return found ? { context: { ...found, problems }, problems } : { problems };
}

type Found = Omit<BuildPullRequestContext, 'problems'>;

function fromVariables(
  environment: Record<string, string>,
  names: VariableNames,
  problems: string[],
): Found | undefined {
  const id = environment[names.pullRequestId];
  if (id === undefined) return undefined;
  if (!isPullRequestId(id)) {
    problems.push(
      `${names.pullRequestId}: ${JSON.stringify(id)} is not a pull request id (a positive whole number); ignored`,
    );
    return undefined;
  }
  const found: Found = { pullRequestId: id };
  const take = (key: keyof VariableNames & keyof Found, valid: (value: string) => boolean, what: string) => {
    const value = environment[names[key]];
    if (value === undefined || value === '') return;
    if (valid(value)) found[key] = value;
    else problems.push(`${names[key]}: ${JSON.stringify(value)} is not ${what}; ignored`);
  };
  take('repositoryName', isRepositoryName, 'a repository name');
  take('sourceCommit', isCommitId, 'a commit id (40 lowercase hex digits)');
  take('destinationCommit', isCommitId, 'a commit id (40 lowercase hex digits)');
  take('revisionId', isRevisionId, 'a revision id (64 lowercase hex digits)');
  return found;
}

function fromSourceVersion(build: BuildStateEvent, problems: string[]): Found | undefined {
  const match = PR_SOURCE_VERSION.exec(build.sourceVersion ?? '');
  if (!match) return undefined;
  const id = match[1] ?? '';
  if (!isPullRequestId(id)) {
    problems.push(`source version ${JSON.stringify(build.sourceVersion)} names no pull request id; ignored`);
    return undefined;
  }
  const found: Found = { pullRequestId: id };
  const repository =
    build.sourceType === 'CODECOMMIT' ? CODECOMMIT_LOCATION.exec(build.sourceLocation ?? '')?.[1] : undefined;
  if (repository !== undefined && isRepositoryName(repository)) found.repositoryName = repository;
  return found;
}

function isRepositoryName(value: string): boolean {
  return REPOSITORY_NAME.test(value) && value !== '.' && value !== '..';
}

/** The CodeBuild console page of a build, or undefined for a malformed build ARN. */
export function buildConsoleLink(buildArn: string): string | undefined {
  const parts = buildArnParts(buildArn);
  if (!parts) return undefined;
  const { region, account, project, uuid } = parts;
  return `https://${region}.${consoleDomain(parts)}/codesuite/codebuild/${account}/projects/${project}/build/${project}%3A${uuid}/?region=${region}`;
}

function consoleDomain({ partition, region }: { partition: string; region: string }): string {
  if (partition === 'aws-cn' || region.startsWith('cn-')) return 'console.amazonaws.cn';
  if (partition === 'aws-us-gov') return 'console.amazonaws-us-gov.com';
  return 'console.aws.amazon.com';
}

/**
 * How long the build ran, in seconds: the sum of its phase durations, or, before any phase has a
 * duration (an IN_PROGRESS event), the time from its start to the event.
 */
export function buildDuration(
  build: Pick<BuildStateEvent, 'phases' | 'startedAt' | 'at'>,
): number | undefined {
  const timed = build.phases.filter((phase) => phase.durationSeconds !== undefined);
  if (timed.length > 0) return timed.reduce((sum, phase) => sum + (phase.durationSeconds ?? 0), 0);
  if (build.startedAt === undefined || build.at === undefined || build.at < build.startedAt) return undefined;
  return Math.round((build.at - build.startedAt) / 1000);
}
