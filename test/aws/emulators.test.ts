import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { BatchGetProjectsCommand, CodeBuildClient } from '@aws-sdk/client-codebuild';
import {
  CodeCommitClient,
  GetFileCommand,
  GetPullRequestCommand,
  GetRepositoryCommand,
} from '@aws-sdk/client-codecommit';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import { createSsmConfigLoader } from '#adapters/aws/ssm-config-loader.ts';
import { type Emulators, GITLAB_EMULATOR_TOKEN, startEmulators } from '#test/emulators.ts';

const exec = promisify(execFile);
const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));
const SCRIPT = fileURLToPath(new URL('../support/emulators-cli.ts', import.meta.url));

const portOf = (endpoint: string): number => Number(new URL(endpoint).port);

/** Whether something on this machine accepts a listener on the port (i.e. nobody holds it). */
function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

/** SDK clients configured from the printed environment only, as a shell that ran `eval` would be. */
function clientsFrom(env: Record<string, string>) {
  const common = {
    region: env.AWS_REGION,
    credentials: {
      accessKeyId: env.AWS_ACCESS_KEY_ID ?? '',
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '',
    },
  };
  return {
    ssm: new SSMClient({ ...common, endpoint: env.AWS_ENDPOINT_URL_SSM }),
    codecommit: new CodeCommitClient({ ...common, endpoint: env.AWS_ENDPOINT_URL_CODECOMMIT }),
    codebuild: new CodeBuildClient({ ...common, endpoint: env.AWS_ENDPOINT_URL_CODEBUILD }),
  };
}

async function withEmulators(
  options: Parameters<typeof startEmulators>[0],
  use: (emulators: Emulators) => Promise<void>,
): Promise<void> {
  const emulators = await startEmulators(options);
  try {
    await use(emulators);
  } finally {
    await emulators.stop();
  }
}

describe('startEmulators', () => {
  it('prints an environment that reaches moto and the CodeCommit and CodeBuild emulators', async () => {
    await withEmulators({ region: 'eu-central-1' }, async ({ env, moto, codecommit, codebuild }) => {
      expect(env).toStrictEqual({
        AWS_ENDPOINT_URL_SSM: moto.endpoint,
        AWS_ENDPOINT_URL_SECRETS_MANAGER: moto.endpoint,
        AWS_ENDPOINT_URL_ECR: moto.endpoint,
        AWS_ENDPOINT_URL_SNS: moto.endpoint,
        AWS_ENDPOINT_URL_SQS: moto.endpoint,
        AWS_ENDPOINT_URL_DYNAMODB: moto.endpoint,
        AWS_ENDPOINT_URL_CODEBUILD: codebuild.endpoint,
        AWS_ENDPOINT_URL_CODECOMMIT: codecommit.endpoint,
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_REGION: 'eu-central-1',
      });
      const clients = clientsFrom(env);
      await clients.ssm.send(new PutParameterCommand({ Name: '/probe', Value: 'up', Type: 'String' }));
      expect((await clients.ssm.send(new GetParameterCommand({ Name: '/probe' }))).Parameter?.Value).toBe(
        'up',
      );
      await expect(
        clients.codecommit.send(new GetRepositoryCommand({ repositoryName: 'app-manifests' })),
      ).rejects.toMatchObject({ name: 'RepositoryDoesNotExistException' });
    });
  });

  it('seeds the example repository, its configuration, a pull request against the flow and the validation project, and on stop frees the ports it picked and removes the repositories', async () => {
    const emulators = await startEmulators({ seed: true });
    try {
      const { env, seeded, repositoriesDir, gitlab } = emulators;
      const clients = clientsFrom(env);
      const { repositoryMetadata } = await clients.codecommit.send(
        new GetRepositoryCommand({ repositoryName: 'app-manifests' }),
      );
      expect(repositoryMetadata?.defaultBranch).toBe('main');
      const expected = await readFile(`${EXAMPLES}manifests/overlays/dev/kustomization.yaml`);
      for (const branch of ['main', 'dev', 'stg']) {
        const file = await clients.codecommit.send(
          new GetFileCommand({
            repositoryName: 'app-manifests',
            commitSpecifier: branch,
            filePath: 'overlays/dev/kustomization.yaml',
          }),
        );
        expect(Buffer.from(file.fileContent ?? new Uint8Array())).toStrictEqual(expected);
      }

      expect(seeded?.gitDir).toBe(`${repositoriesDir}/app-manifests.git`);
      const log = await exec('git', ['-C', seeded?.gitDir ?? '', 'log', '--all', '--format=%s']);
      expect(log.stdout.trim().split('\n').sort()).toStrictEqual([
        'Add a readiness probe',
        'Seed dev',
        'Seed main',
        'Seed stg',
      ]);
      const { pullRequest } = await clients.codecommit.send(
        new GetPullRequestCommand({ pullRequestId: seeded?.wrongSourcePullRequest }),
      );
      expect(pullRequest?.pullRequestTargets?.[0]).toMatchObject({
        sourceReference: 'refs/heads/feature/new-probe',
        destinationReference: 'refs/heads/main',
      });
      expect(pullRequest?.authorArn).toMatch(/:user\/developer$/);
      const projects = await clients.codebuild.send(
        new BatchGetProjectsCommand({ names: ['manifests-validate'] }),
      );
      expect(projects.projects?.map((project) => project.name)).toEqual(['manifests-validate']);

      expect(env.FLOWKEEPER_CONFIG_PARAMETER).toBe('/flowkeeper/config');
      const config = await createSsmConfigLoader({
        parameterName: '/flowkeeper/config',
        client: clients.ssm,
      }).load();
      expect(config.repositories).toStrictEqual({
        manifests: { provider: 'codecommit', name: 'app-manifests' },
        'app-source': { provider: 'codecommit', name: 'app-manifests' },
        'gitlab-manifests': {
          provider: 'gitlab',
          url: gitlab.url,
          project: 'platform/app-manifests',
          token: { ssm: '/flowkeeper/gitlab-token' },
        },
        'manifests-mirror': { provider: 'codecommit', name: 'app-manifests-mirror' },
      });
      expect(config.mirrors).toMatchObject([
        { gitlab: 'gitlab-manifests', codecommit: 'manifests-mirror', branches: ['main'], adopt: true },
      ]);
      // The mirror ran once: both sides of the pair hold the same main.
      const mirror = seeded?.mirror;
      const head = async (gitDir = '') =>
        (await exec('git', ['-C', gitDir, 'rev-parse', 'refs/heads/main'])).stdout.trim();
      expect(await head(mirror?.gitDir)).toBe(await head(mirror?.gitlabGitDir));
      const token = await clients.ssm.send(
        new GetParameterCommand({ Name: '/flowkeeper/gitlab-token', WithDecryption: true }),
      );
      expect(token.Parameter).toMatchObject({ Type: 'SecureString', Value: GITLAB_EMULATOR_TOKEN });
      expect(config.images.map((image) => image.ecr)).toStrictEqual(['my-app-dev', 'my-app']);
      expect(config.flow.manifests?.promotion).toStrictEqual(['dev', 'stg', 'main']);
      const stored = await clients.ssm.send(new GetParameterCommand({ Name: '/flowkeeper/config' }));
      expect(stored.Parameter?.Value).toContain('# Releases: semantic versions');
    } finally {
      await emulators.stop();
    }
    const ports = [portOf(emulators.moto.endpoint), portOf(emulators.codecommit.endpoint)];
    for (const port of ports) expect(await portIsFree(port)).toBe(true);
    await expect(readFile(`${emulators.repositoriesDir}/app-manifests.git/HEAD`)).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });

  it('listens on the ports asked for and frees them on stop', async () => {
    const motoPort = await freePort();
    const codecommitPort = await freePort();
    const emulators = await startEmulators({ motoPort, codecommitPort, seed: true });
    expect(emulators.env.AWS_ENDPOINT_URL_SSM).toBe(`http://127.0.0.1:${motoPort}`);
    expect(emulators.env.AWS_ENDPOINT_URL_CODECOMMIT).toBe(`http://127.0.0.1:${codecommitPort}`);
    const clients = clientsFrom(emulators.env);
    await clients.ssm.send(new PutParameterCommand({ Name: '/probe', Value: 'up', Type: 'String' }));
    const { repositoryMetadata } = await clients.codecommit.send(
      new GetRepositoryCommand({ repositoryName: 'app-manifests' }),
    );
    expect(repositoryMetadata?.repositoryName).toBe('app-manifests');
    expect(await portIsFree(motoPort)).toBe(false);
    expect(await portIsFree(codecommitPort)).toBe(false);

    await emulators.stop();
    await emulators.stop();
    expect(await portIsFree(motoPort)).toBe(true);
    expect(await portIsFree(codecommitPort)).toBe(true);
  });

  it('serves the GitLab API on the port asked for to its token only, and frees the port on stop', async () => {
    const gitlabPort = await freePort();
    const emulators = await startEmulators({ gitlabPort });
    try {
      expect(emulators.gitlab.url).toBe(`http://127.0.0.1:${gitlabPort}`);
      expect(emulators.gitlabToken).toBe(GITLAB_EMULATOR_TOKEN);
      await emulators.gitlab.createProject('platform/app-manifests', { main: { 'README.md': 'hello\n' } });
      const project = `${emulators.gitlab.url}/api/v4/projects/platform%2Fapp-manifests`;
      const answer = await fetch(project, { headers: { 'PRIVATE-TOKEN': emulators.gitlabToken } });
      expect(answer.status).toBe(200);
      expect(await answer.json()).toMatchObject({
        path_with_namespace: 'platform/app-manifests',
        default_branch: 'main',
      });
      expect((await fetch(project)).status).toBe(401);
    } finally {
      await emulators.stop();
    }
    expect(await portIsFree(gitlabPort)).toBe(true);
  });

  it('fails to start, leaving nothing running, when a port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    const takenPort = (blocker.address() as { port: number }).port;
    try {
      await expect(startEmulators({ codecommitPort: takenPort })).rejects.toMatchObject({
        code: 'EADDRINUSE',
      });
    } finally {
      blocker.close();
    }
    const { stdout } = await exec('ps', ['-o', 'args=', '--ppid', String(process.pid)]);
    expect(stdout).not.toContain('moto_server');
  });
});

describe('npm run emulators', () => {
  it('prints export lines and stops both emulators on SIGTERM', async () => {
    const envFile = join(await mkdtemp(join(tmpdir(), 'flowkeeper-env-')), 'emulators.env');
    const child = spawn(process.execPath, [SCRIPT, '--seed', '--write-env', envFile], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    let env: Record<string, string>;
    let gitlabUrl = '';
    try {
      await expect.poll(() => stdout, { timeout: 30_000, interval: 100 }).toContain('# Ctrl-C stops both.');
      env = Object.fromEntries(
        [...stdout.matchAll(/^export (\w+)=(.*)$/gm)].map((match) => [
          match[1] as string,
          match[2] as string,
        ]),
      );
      expect(env).toMatchObject({ AWS_ACCESS_KEY_ID: 'test', AWS_REGION: 'us-east-1' });
      expect(await readFile(envFile, 'utf8')).toBe(
        `${stdout
          .split('\n')
          .filter((line) => line.startsWith('export '))
          .join('\n')}\n`,
      );
      gitlabUrl = /^# GitLab emulator: (\S+)/m.exec(stdout)?.[1] ?? '';
      const gitlabToken = /^# GitLab token \(PRIVATE-TOKEN, scope api\): (\S+)$/m.exec(stdout)?.[1] ?? '';
      const unknownProject = await fetch(`${gitlabUrl}/api/v4/projects/no%2Fsuch`, {
        headers: { 'PRIVATE-TOKEN': gitlabToken },
      });
      expect(await unknownProject.json()).toEqual({ message: '404 Project Not Found' });
      const gitDir = /git -C (\S+) log/.exec(stdout)?.[1] ?? '';
      expect((await exec('git', ['-C', gitDir, 'log', '--format=%s', 'dev'])).stdout).toBe(
        'Seed dev\nSeed main\n',
      );
      const clients = clientsFrom(env);
      await clients.ssm.send(new PutParameterCommand({ Name: '/probe', Value: 'up', Type: 'String' }));
      await clients.codecommit.send(new GetRepositoryCommand({ repositoryName: 'app-manifests' }));
    } catch (error) {
      child.kill('SIGTERM');
      await exited;
      throw new Error(`the script failed; stderr: ${stderr}`, { cause: error });
    }

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    await rm(dirname(envFile), { recursive: true, force: true });
    for (const name of ['AWS_ENDPOINT_URL_SSM', 'AWS_ENDPOINT_URL_CODECOMMIT']) {
      expect(await portIsFree(portOf(env[name] ?? ''))).toBe(true);
    }
    expect(await portIsFree(portOf(gitlabUrl))).toBe(true);
  });
});
