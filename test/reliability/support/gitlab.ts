import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { expect } from 'vitest';
import type { CommitAction } from '#app/image-bump/result.ts';
import { invokeBundleWithOutput, type Outcome } from '#test/function-process/index.ts';
import type { GitLabCallRecord } from '../../emulators/gitlab/server.ts';
import { exampleManifests, releaseTags, releaseTargets } from './example.ts';
import { commitsSince, fileAt, headOf } from './git.ts';
import type { Stack } from './stack.ts';

const exec = promisify(execFile);

/** Where the GitLab token is stored for the functions: a SecureString, as deployed. */
export const TOKEN_PARAMETER = '/reliability/gitlab/token';

/** Stores `token` as the SecureString the configurations name. */
export async function storeToken(stack: Stack, token: string, name = TOKEN_PARAMETER): Promise<void> {
  await stack.ssm.send(
    new PutParameterCommand({ Name: name, Value: token, Type: 'SecureString', Overwrite: true }),
  );
}

export interface MirrorPairOptions {
  adopt?: boolean;
  /** Branches (globs allowed) the pair keeps; `main` by default. */
  branches?: string[];
  driftAlertMinutes?: number;
  /** The token source of the GitLab repository; the SecureString at `TOKEN_PARAMETER` by default. */
  token?: { ssm: string } | { secretsManager: string };
}

export interface MirrorPairFixture {
  /** Repository keys of the configuration. */
  gitlabKey: string;
  codecommitKey: string;
  /** The GitLab project path and the CodeCommit repository name. */
  project: string;
  codecommitName: string;
  gitlabGitDir: string;
  codecommitGitDir: string;
  mirrorId: number;
  /** The configuration's repositories and mirror entries for this pair. */
  repositories: Record<string, unknown>;
  mirror: Record<string, unknown>;
}

let pairs = 0;

/**
 * A GitLab project holding the example manifests on `main`, an empty CodeCommit repository, and
 * the push mirror between them, run once so both sides start equal.
 */
export async function mirrorPair(stack: Stack, options: MirrorPairOptions = {}): Promise<MirrorPairFixture> {
  pairs += 1;
  const { gitlab, codecommit } = stack.emulators;
  const project = `platform/manifests-${pairs}`;
  const codecommitName = `manifests-mirror-${pairs}`;
  const { gitDir: gitlabGitDir } = await gitlab.createProject(project, { main: await exampleManifests() });
  const { gitDir: codecommitGitDir } = await codecommit.createRepository(codecommitName);
  const mirrorId = gitlab.addRemoteMirror(project, {
    url: `https://flowkeeper-at-111122223333:mirror-password@git-codecommit.eu-west-1.amazonaws.com/v1/repos/${codecommitName}`,
    targetGitDir: codecommitGitDir,
  });
  await gitlab.runMirror(project, mirrorId);
  const gitlabKey = `gitlab-${pairs}`;
  const codecommitKey = `mirror-${pairs}`;
  return {
    gitlabKey,
    codecommitKey,
    project,
    codecommitName,
    gitlabGitDir,
    codecommitGitDir,
    mirrorId,
    repositories: {
      [gitlabKey]: {
        provider: 'gitlab',
        url: gitlab.url,
        project,
        token: options.token ?? { ssm: TOKEN_PARAMETER },
      },
      [codecommitKey]: { provider: 'codecommit', name: codecommitName },
    },
    mirror: {
      gitlab: gitlabKey,
      codecommit: codecommitKey,
      branches: options.branches ?? ['main'],
      adopt: options.adopt ?? false,
      driftAlertMinutes: options.driftAlertMinutes ?? 30,
    },
  };
}

/** A configuration with the pairs' repositories and mirrors, and the release images bumped on the first pair's GitLab side. */
export function mirrorConfig(fixtures: MirrorPairFixture[]): Record<string, unknown> {
  const [first] = fixtures;
  if (!first) throw new Error('mirrorConfig needs a pair');
  return {
    repositories: Object.assign({}, ...fixtures.map((fixture) => fixture.repositories)),
    images: [
      {
        ecr: 'my-app',
        tags: { semver: '>=1.0.0' },
        update: releaseTargets('main').map((target) => ({ ...target, repository: first.gitlabKey })),
      },
    ],
    mirrors: fixtures.map((fixture) => fixture.mirror),
  };
}

/** Both heads of `main`: GitLab's and CodeCommit's. */
export async function heads(fixture: MirrorPairFixture): Promise<{ gitlab: string; codecommit: string }> {
  const [gitlab, codecommit] = await Promise.all([
    headOf(fixture.gitlabGitDir, 'main'),
    headOf(fixture.codecommitGitDir, 'main'),
  ]);
  return { gitlab, codecommit };
}

/**
 * A commit made on GitLab outside the API on an existing branch, with author and committer dates
 * `ageMinutes` ago, so drift has an age to measure.
 */
export async function commitAgedOnGitLab(
  fixture: MirrorPairFixture,
  ageMinutes: number,
  message: string,
  branch = 'main',
): Promise<string> {
  const date = new Date(Date.now() - ageMinutes * 60_000).toISOString();
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 'Dana Developer',
    GIT_AUTHOR_EMAIL: 'dana@example.com',
    GIT_COMMITTER_NAME: 'Dana Developer',
    GIT_COMMITTER_EMAIL: 'dana@example.com',
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_DATE: date,
  };
  const run = async (...args: string[]) =>
    (await exec('git', ['-C', fixture.gitlabGitDir, ...args], { env })).stdout.trim();
  const parent = await run('rev-parse', `refs/heads/${branch}`);
  const tree = await run('rev-parse', `${parent}^{tree}`);
  const commit = await run('commit-tree', tree, '-p', parent, '-m', message);
  await run('update-ref', `refs/heads/${branch}`, commit, parent);
  return commit;
}

export const COMMIT_ROUTE = 'POST /projects/:id/repository/commits';
export const SYNC_ROUTE = 'POST /projects/:id/remote_mirrors/:mirror_id/sync';
/** The example's release files, each holding my-app's tag once. */
const RELEASE_FILES = [
  'base/kustomization.yaml',
  'charts/my-app/values.yaml',
  'ecs/imagedefinitions.json',
  'k8s/deployment.yaml',
];

/**
 * The project's GitLab calls since the last reset hold one commit, then one mirror start; the
 * commit changed the release files and nothing else, and CodeCommit holds it with my-app at 1.4.2.
 * Answers the heads after.
 */
export async function expectCommittedThenMirrored(
  stack: Stack,
  pair: MirrorPairFixture,
  before: { gitlab: string },
  commit: { commitId: string } | undefined,
): Promise<{ gitlab: string; codecommit: string }> {
  const routes = projectRoutes(stack.emulators.gitlab.calls, pair.project);
  expect(routes.filter((route) => route === COMMIT_ROUTE)).toHaveLength(1);
  expect(routes.filter((route) => route === SYNC_ROUTE)).toHaveLength(1);
  expect(routes.indexOf(SYNC_ROUTE)).toBeGreaterThan(routes.indexOf(COMMIT_ROUTE));
  const [created] = await commitsSince(pair.gitlabGitDir, before.gitlab, 'main');
  expect(created?.id).toBe(commit?.commitId);
  expect(created?.paths.sort()).toStrictEqual(RELEASE_FILES);
  const after = await heads(pair);
  expect(after.codecommit).toBe(commit?.commitId);
  expect(await releaseTags((path) => fileAt(pair.codecommitGitDir, 'refs/heads/main', path))).toStrictEqual([
    '1.4.2',
    '1.4.2',
    '1.4.2',
    '1.4.2',
  ]);
  return after;
}

/**
 * A bump's actions on a GitLab primary: its commit on the pair's GitLab main, made on `before`,
 * and the push mirror's start last. Answers the commit.
 */
export function expectCommitThenSync(
  actions: readonly { type: string }[],
  pair: MirrorPairFixture,
  before: { gitlab: string },
): { commitId: string } | undefined {
  const [commit] = actions.filter((action): action is CommitAction => action.type === 'commit');
  expect(commit).toMatchObject({ repository: pair.gitlabKey, branch: 'main', parentCommitId: before.gitlab });
  expect(actions.at(-1)).toStrictEqual({
    type: 'sync',
    gitlab: pair.gitlabKey,
    codecommit: pair.codecommitKey,
    mirrorId: pair.mirrorId,
  });
  return commit;
}

/** The project's GitLab calls since the last reset hold neither a commit nor a mirror start. */
export function expectNoCommitNorSync(stack: Stack, pair: MirrorPairFixture): void {
  const routes = projectRoutes(stack.emulators.gitlab.calls, pair.project);
  expect(routes).not.toContain(COMMIT_ROUTE);
  expect(routes).not.toContain(SYNC_ROUTE);
}

/** The GitLab calls of one project, as `<route>` names, in arrival order. */
export function projectRoutes(calls: readonly GitLabCallRecord[], project: string): string[] {
  const encoded = `/projects/${encodeURIComponent(project)}`;
  return calls.filter((call) => call.path.includes(encoded)).map((call) => call.route);
}

/** A commit status as GitLab's API lists it. */
export interface ListedStatus {
  name: string;
  status: string;
  target_url: string | null;
  description: string | null;
  sha: string;
}

/** `GET <path under /projects/:project>` on the GitLab emulator's API with `token`, as parsed JSON. */
export async function gitlabGet<T>(stack: Stack, project: string, path: string, token: string): Promise<T> {
  const url = `${stack.emulators.gitlab.url}/api/v4/projects/${encodeURIComponent(project)}${path}`;
  const response = await fetch(url, { headers: { 'PRIVATE-TOKEN': token } });
  if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** Every status of `sha` in `project`, through the API with `token`. */
export const statusesOf = (
  stack: Stack,
  project: string,
  sha: string,
  token: string,
): Promise<ListedStatus[]> =>
  gitlabGet(stack, project, `/repository/commits/${sha}/statuses?all=true`, token);

/**
 * Runs one function on `events` with debug logging on, and keeps everything the process printed,
 * so a test can check that no secret ever reaches the logs.
 */
export class InvocationLog {
  readonly printed: string[] = [];
  private readonly stack: Stack;

  constructor(stack: Stack) {
    this.stack = stack;
  }

  async invoke(
    logicalId: string,
    configParameter: string,
    events: unknown[],
    extra: Record<string, string> = {},
  ): Promise<{ outcomes: Outcome[]; stdout: string }> {
    const bundle = this.stack.bundles[logicalId];
    if (!bundle) throw new Error(`${logicalId} was not built for this stack`);
    const { outcomes, stdout, stderr } = await invokeBundleWithOutput(bundle, events, {
      env: this.stack.envFor(configParameter, { POWERTOOLS_LOG_LEVEL: 'DEBUG', ...extra }),
    });
    this.printed.push(stdout, stderr, JSON.stringify(outcomes));
    return { outcomes, stdout };
  }
}
