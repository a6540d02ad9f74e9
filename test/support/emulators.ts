import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CodeCommitClient,
  CreateBranchCommand,
  CreateCommitCommand,
  CreatePullRequestCommand,
  GetBranchCommand,
} from '@aws-sdk/client-codecommit';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { parseDocument } from 'yaml';
import { createSsmParameterStore } from '#adapters/aws/ssm-parameter-store.ts';
import { type CodeBuildEmulator, startCodeBuildEmulator } from '../emulators/codebuild/server.ts';
import { type CodeCommitEmulator, startCodeCommitEmulator } from '../emulators/codecommit/server.ts';
import { type GitLabEmulator, startGitLabEmulator } from '../emulators/gitlab/server.ts';
import { type MotoServer, spawnMoto, startMoto } from './moto.ts';

export interface EmulatorsOptions {
  /** Region of the printed environment and of the emulated resources; default us-east-1. */
  region?: string;
  /** 0 or absent: a free port. */
  motoPort?: number;
  /** 0 or absent: a free port. */
  codecommitPort?: number;
  /** 0 or absent: a free port. */
  codebuildPort?: number;
  /** 0 or absent: a free port. */
  gitlabPort?: number;
  /** Where the CodeCommit repositories persist; a temporary directory (removed on stop) by default. */
  root?: string;
  /** Create repository `app-manifests` and parameter `/flowkeeper/config` from examples/. */
  seed?: boolean;
}

export interface SeededExample {
  repositoryName: string;
  branches: string[];
  /** The bare repository behind the CodeCommit repository (`git -C <gitDir> log --all`). */
  gitDir: string;
  configParameter: string;
  /** Id of the seeded pull request that breaks the flow (`feature/new-probe` → `main`). */
  wrongSourcePullRequest: string;
  /** GitLab project holding the example on `main`, push-mirrored into `mirror.repositoryName`. */
  mirror: SeededMirror;
}

export interface SeededMirror {
  project: string;
  gitlabGitDir: string;
  repositoryName: string;
  /** The bare repository behind the CodeCommit mirror. */
  gitDir: string;
  mirrorId: number;
  /** The SSM SecureString holding the GitLab token the configuration names. */
  tokenParameter: string;
}

export interface Emulators {
  /** Variables that point the AWS SDK (and Flowkeeper) at the emulators. */
  env: Record<string, string>;
  moto: MotoServer;
  codecommit: CodeCommitEmulator;
  /** StartBuild with its overrides and idempotency tokens, which moto ignores. */
  codebuild: CodeBuildEmulator;
  /** GitLab REST API v4 at `gitlab.url`; `gitlabToken` has the `api` scope on every project. */
  gitlab: GitLabEmulator;
  gitlabToken: string;
  /** The directory holding the CodeCommit repositories, one bare `<name>.git` each. */
  repositoriesDir: string;
  seeded?: SeededExample;
  /** Stops moto and the emulators; safe to call more than once. */
  stop(): Promise<void>;
}

/** Services moto answers for Flowkeeper; each gets `AWS_ENDPOINT_URL_<SERVICE>`. */
export const MOTO_SERVICES = ['SSM', 'SECRETS_MANAGER', 'ECR', 'SNS', 'SQS', 'DYNAMODB'] as const;

export const EXAMPLE_REPOSITORY = 'app-manifests';
export const EXAMPLE_BRANCHES = ['main', 'dev', 'stg'];
export const EXAMPLE_CONFIG_PARAMETER = '/flowkeeper/config';
/** The personal access token the GitLab emulator accepts (scope `api`, every project). */
export const GITLAB_EMULATOR_TOKEN = 'glpat-flowkeeper-emulator';

const EXAMPLES_DIR = fileURLToPath(new URL('../../examples/', import.meta.url));

/** Every file under `dir`, keyed by its `/`-separated path relative to `dir`. */
async function readTree(dir: string): Promise<Record<string, Uint8Array>> {
  const files: Record<string, Uint8Array> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files[relative(dir, path).split(sep).join('/')] = await readFile(path);
  }
  return files;
}

/**
 * examples/flowkeeper.yaml with its local repositories (the manifests and the stand-in application
 * repository of the previews) turned into the CodeCommit one; comments stay.
 * With `gitlabUrl`, also the seeded GitLab project and its CodeCommit push mirror as a mirror pair.
 */
export async function exampleConfigForCodeCommit(
  repositoryName = EXAMPLE_REPOSITORY,
  gitlabUrl?: string,
): Promise<string> {
  const document = parseDocument(await readFile(join(EXAMPLES_DIR, 'flowkeeper.yaml'), 'utf8'));
  const repository = document.createNode({ provider: 'codecommit', name: repositoryName }, { flow: true });
  document.setIn(['repositories', 'manifests'], repository);
  document.setIn(['repositories', 'app-source'], repository.clone());
  if (gitlabUrl !== undefined) {
    document.setIn(
      ['repositories', 'gitlab-manifests'],
      document.createNode({
        provider: 'gitlab',
        url: gitlabUrl,
        project: EXAMPLE_GITLAB_PROJECT,
        token: { ssm: EXAMPLE_GITLAB_TOKEN_PARAMETER },
      }),
    );
    document.setIn(
      ['repositories', 'manifests-mirror'],
      document.createNode({ provider: 'codecommit', name: EXAMPLE_MIRROR_REPOSITORY }, { flow: true }),
    );
    document.set(
      'mirrors',
      document.createNode([
        { gitlab: 'gitlab-manifests', codecommit: 'manifests-mirror', branches: ['main'], adopt: true },
      ]),
    );
  }
  return document.toString({ lineWidth: 0 });
}

/** The seeded pull request that breaks the example's flow (dev → stg → main): it skips two stages. */
export const EXAMPLE_WRONG_SOURCE = { branch: 'feature/new-probe', into: 'main' } as const;
/** The access key id standing for the developer who opens it (not Flowkeeper's `test`). */
export const EXAMPLE_DEVELOPER = 'developer';
export const EXAMPLE_VALIDATION_PROJECT = 'manifests-validate';
/** The seeded GitLab primary, its CodeCommit push mirror (the names the mirror samples in events/ use) and the token's parameter. */
export const EXAMPLE_GITLAB_PROJECT = 'platform/app-manifests';
export const EXAMPLE_MIRROR_REPOSITORY = 'app-manifests-mirror';
export const EXAMPLE_GITLAB_TOKEN_PARAMETER = '/flowkeeper/gitlab-token';

/**
 * Branch `feature/new-probe` with one commit, and pull request 1 from it into `main`, opened by the
 * developer. Pull requests live in the emulator's memory, so this runs on every start.
 */
async function seedWrongSourcePullRequest(endpoint: string, region: string): Promise<string> {
  const client = new CodeCommitClient({
    endpoint,
    region,
    credentials: { accessKeyId: EXAMPLE_DEVELOPER, secretAccessKey: 'test' },
  });
  try {
    const repositoryName = EXAMPLE_REPOSITORY;
    const { branch, into } = EXAMPLE_WRONG_SOURCE;
    const main = await client.send(new GetBranchCommand({ repositoryName, branchName: into }));
    const head = main.branch?.commitId;
    if (head === undefined) throw new Error(`seed: ${repositoryName} has no ${into} branch`);
    const existing = await client
      .send(new GetBranchCommand({ repositoryName, branchName: branch }))
      .catch(() => undefined);
    if (existing === undefined) {
      await client.send(new CreateBranchCommand({ repositoryName, branchName: branch, commitId: head }));
      await client.send(
        new CreateCommitCommand({
          repositoryName,
          branchName: branch,
          parentCommitId: head,
          authorName: 'Developer',
          email: 'developer@example.com',
          commitMessage: 'Add a readiness probe',
          putFiles: [
            { filePath: 'k8s/probe-note.md', fileContent: new TextEncoder().encode('readiness probe\n') },
          ],
        }),
      );
    }
    const created = await client.send(
      new CreatePullRequestCommand({
        title: 'Add a readiness probe',
        description: 'Straight to main.',
        targets: [{ repositoryName, sourceReference: branch, destinationReference: into }],
        clientRequestToken: 'seed-wrong-source',
      }),
    );
    return created.pullRequest?.pullRequestId ?? '';
  } finally {
    client.destroy();
  }
}

/**
 * GitLab project `platform/app-manifests` (the example on `main`) push-mirrored into CodeCommit
 * repository `app-manifests-mirror`, the mirror run once so both sides start equal.
 */
async function seedMirror(
  gitlab: GitLabEmulator,
  codecommit: CodeCommitEmulator,
  files: Record<string, Uint8Array>,
  region: string,
): Promise<Omit<SeededMirror, 'tokenParameter'>> {
  const project = EXAMPLE_GITLAB_PROJECT;
  const { gitDir: gitlabGitDir } = await gitlab.createProject(project, { main: files });
  const repositoryName = EXAMPLE_MIRROR_REPOSITORY;
  let gitDir = codecommit.gitDir(repositoryName);
  if (!existsSync(gitDir)) ({ gitDir } = await codecommit.createRepository(repositoryName));
  const mirrorId = gitlab.addRemoteMirror(project, {
    url: `https://flowkeeper-at-123456789012:mirror-password@git-codecommit.${region}.amazonaws.com/v1/repos/${repositoryName}`,
    targetGitDir: gitDir,
  });
  await gitlab.runMirror(project, mirrorId);
  return { project, gitlabGitDir, repositoryName, gitDir, mirrorId };
}

async function seedExample(emulators: {
  codecommit: CodeCommitEmulator;
  codebuild: CodeBuildEmulator;
  gitlab: GitLabEmulator;
  motoEndpoint: string;
  region: string;
}): Promise<SeededExample> {
  const { codecommit, codebuild, gitlab, motoEndpoint, region } = emulators;
  const files = await readTree(join(EXAMPLES_DIR, 'manifests'));
  let gitDir = codecommit.gitDir(EXAMPLE_REPOSITORY);
  // A persistent root may hold the repository from an earlier run: keep its history.
  if (!existsSync(gitDir)) {
    ({ gitDir } = await codecommit.createRepository(
      EXAMPLE_REPOSITORY,
      Object.fromEntries(EXAMPLE_BRANCHES.map((branch) => [branch, files])),
    ));
  }
  const client = new SSMClient({
    endpoint: motoEndpoint,
    region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const mirror = await seedMirror(gitlab, codecommit, files, region);
  try {
    await createSsmParameterStore({ client }).put(
      EXAMPLE_CONFIG_PARAMETER,
      await exampleConfigForCodeCommit(EXAMPLE_REPOSITORY, gitlab.url),
      'Flowkeeper configuration for the example manifests repository',
    );
    await client.send(
      new PutParameterCommand({
        Name: EXAMPLE_GITLAB_TOKEN_PARAMETER,
        Value: GITLAB_EMULATOR_TOKEN,
        Type: 'SecureString',
        Overwrite: true,
      }),
    );
  } finally {
    client.destroy();
  }
  const wrongSourcePullRequest = await seedWrongSourcePullRequest(codecommit.endpoint, region);
  codebuild.createProject(EXAMPLE_VALIDATION_PROJECT, {
    source: {
      type: 'CODECOMMIT',
      location: `https://git-codecommit.${region}.amazonaws.com/v1/repos/${EXAMPLE_REPOSITORY}`,
    },
  });
  return {
    repositoryName: EXAMPLE_REPOSITORY,
    branches: EXAMPLE_BRANCHES,
    gitDir,
    configParameter: EXAMPLE_CONFIG_PARAMETER,
    wrongSourcePullRequest,
    mirror: { ...mirror, tokenParameter: EXAMPLE_GITLAB_TOKEN_PARAMETER },
  };
}

/**
 * Listens on a fixed local port and relays every connection to `target`: the moto harness picks its
 * own port, and HTTP clients keep their Host header, so moto's URLs name the fixed port.
 */
async function relay(port: number, target: URL): Promise<{ endpoint: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    const upstream = connect(Number(target.port), target.hostname);
    for (const end of [socket, upstream]) {
      sockets.add(end);
      end.once('close', () => sockets.delete(end));
      end.on('error', () => {
        socket.destroy();
        upstream.destroy();
      });
    }
    socket.pipe(upstream).pipe(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * moto on `port` (relayed) or its own. A seeded set writes the example's fixed names
 * (`/flowkeeper/config`, …), so it gets a server of its own even in a test run sharing one.
 */
async function startMotoOn(port: number | undefined, own: boolean): Promise<MotoServer> {
  const moto = await (own ? spawnMoto() : startMoto());
  if (!port) return moto;
  try {
    const relayed = await relay(port, new URL(moto.endpoint));
    return {
      endpoint: relayed.endpoint,
      stop: async () => {
        await relayed.close();
        await moto.stop();
      },
    };
  } catch (error) {
    await moto.stop();
    throw error;
  }
}

/**
 * moto_server and the CodeCommit, CodeBuild and GitLab emulators, on 127.0.0.1, optionally seeded with
 * the example. The GitLab projects always live in a temporary directory.
 */
export async function startEmulators(options: EmulatorsOptions = {}): Promise<Emulators> {
  const region = options.region ?? 'us-east-1';
  const temporaryRoot = options.root === undefined;
  const root = options.root ?? (await mkdtemp(join(tmpdir(), 'flowkeeper-codecommit-')));
  const started: {
    moto?: MotoServer;
    codecommit?: CodeCommitEmulator;
    codebuild?: CodeBuildEmulator;
    gitlab?: GitLabEmulator;
  } = {};
  let stopping: Promise<void> | undefined;

  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      const results = await Promise.allSettled([
        started.moto?.stop(),
        started.codecommit?.stop(),
        started.codebuild?.stop(),
        started.gitlab?.stop(),
      ]);
      if (temporaryRoot) await rm(root, { recursive: true, force: true });
      const failure = results.find((result) => result.status === 'rejected');
      if (failure) throw failure.reason;
    })();
    return stopping;
  };

  try {
    const [motoStart, codecommitStart, codebuildStart, gitlabStart] = await Promise.allSettled([
      startMotoOn(options.motoPort, options.seed === true).then((moto) => (started.moto = moto)),
      startCodeCommitEmulator({
        root,
        region,
        ...(options.codecommitPort ? { port: options.codecommitPort } : {}),
      }).then((codecommit) => (started.codecommit = codecommit)),
      startCodeBuildEmulator({
        region,
        ...(options.codebuildPort ? { port: options.codebuildPort } : {}),
      }).then((codebuild) => (started.codebuild = codebuild)),
      startGitLabEmulator(options.gitlabPort ? { port: options.gitlabPort } : {}).then(
        (gitlab) => (started.gitlab = gitlab),
      ),
    ]);
    if (motoStart.status === 'rejected') throw motoStart.reason;
    if (codecommitStart.status === 'rejected') throw codecommitStart.reason;
    if (codebuildStart.status === 'rejected') throw codebuildStart.reason;
    if (gitlabStart.status === 'rejected') throw gitlabStart.reason;
    const moto = motoStart.value;
    const codecommit = codecommitStart.value;
    const codebuild = codebuildStart.value;
    const gitlab = gitlabStart.value;
    gitlab.addToken(GITLAB_EMULATOR_TOKEN, { username: 'flowkeeper', name: 'Flowkeeper' });
    const seeded = options.seed
      ? await seedExample({ codecommit, codebuild, gitlab, motoEndpoint: moto.endpoint, region })
      : undefined;
    const env: Record<string, string> = {
      ...Object.fromEntries(MOTO_SERVICES.map((service) => [`AWS_ENDPOINT_URL_${service}`, moto.endpoint])),
      AWS_ENDPOINT_URL_CODECOMMIT: codecommit.endpoint,
      AWS_ENDPOINT_URL_CODEBUILD: codebuild.endpoint,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_REGION: region,
      ...(seeded ? { FLOWKEEPER_CONFIG_PARAMETER: seeded.configParameter } : {}),
    };
    return {
      env,
      moto,
      codecommit,
      codebuild,
      gitlab,
      gitlabToken: GITLAB_EMULATOR_TOKEN,
      repositoriesDir: root,
      ...(seeded ? { seeded } : {}),
      stop,
    };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}
