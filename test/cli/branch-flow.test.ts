import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CodeCommitClient,
  GetCommentsForPullRequestCommand,
  GetPullRequestCommand,
} from '@aws-sdk/client-codecommit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '#test/cli.ts';
import { type Emulators, startEmulators } from '#test/emulators.ts';
import { createExampleRepository, type ExampleRepository } from '../../cli/example-repo.ts';
import { fromRoot } from '../../cli/paths.ts';

const event = (name: string) => fromRoot('events', name);

describe('flowkeeper status on the example repository', () => {
  let dir: string;
  let example: ExampleRepository;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'flowkeeper-status-'));
    example = await createExampleRepository(dir);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('prints each image value on every environment branch and what waits to be promoted', async () => {
    const bump = await runCli([
      'invoke',
      'ImageBumpFunction',
      '--event',
      event('ecr-push-semver.json'),
      '--config',
      example.config,
    ]);
    expect(bump.code).toBe(0);
    const run = await runCli(['status', '--config', example.config]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe('manifests: dev → stg → main');
    expect(lines[1]).toMatch(/^ {2}IMAGE\s+FILE\s+dev\s+stg\s+main\s+WAITING$/);
    const row = (file: string) =>
      lines
        .find((line) => line.includes(` ${file} `))
        ?.trim()
        .split(/\s{2,}/);
    expect(row('base/kustomization.yaml')).toEqual([
      'my-app',
      'base/kustomization.yaml',
      '1.4.1',
      '1.4.2',
      '1.4.1',
      'stg → main',
    ]);
    expect(row('ecs/imagedefinitions.json')).toEqual([
      'my-app',
      'ecs/imagedefinitions.json',
      '1.4.1',
      '1.4.2',
      '1.4.1',
      'stg → main',
    ]);
    expect(run.stdout).toContain(
      'open promotion pull requests: manifests is a local repository: it has no pull requests',
    );
  });

  it('prints the same as data with --json', async () => {
    const run = await runCli(['status', '--config', example.config, '--json']);
    expect(run.code).toBe(0);
    const [status] = JSON.parse(run.stdout) as {
      repository: string;
      stages: string[];
      rows: { image: string; file: string; values: Record<string, { state: string; text?: string }> }[];
    }[];
    expect(status?.stages).toEqual(['dev', 'stg', 'main']);
    const overlay = status?.rows.find((row) => row.file === 'overlays/dev/kustomization.yaml');
    expect(overlay?.image).toBe('my-app-dev');
    expect(overlay?.values.dev).toMatchObject({ state: 'set', text: 'dev-20260228170000-1a2b3c4' });
  });

  it('says how to turn it on when no repository has a promotion order', async () => {
    const run = await runCli(['status', '--config', fromRoot('test/fixtures/config/valid.yaml')]);
    expect([run.code, run.stdout, run.stderr]).toEqual([
      0,
      'No repository has a promotion order: add a `flow:` section to the configuration.\n',
      '',
    ]);
  });

  it('is a usage error without a configuration', async () => {
    const run = await runCli(['status']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no configuration: pass --config <file>');
  });
});

describe('against the emulators', () => {
  let emulators: Emulators;
  let client: CodeCommitClient;

  beforeAll(async () => {
    emulators = await startEmulators({ seed: true });
    client = new CodeCommitClient({
      endpoint: emulators.env.AWS_ENDPOINT_URL_CODECOMMIT,
      region: emulators.env.AWS_REGION,
      credentials: { accessKeyId: 'developer', secretAccessKey: 'test' },
    });
  });
  afterAll(async () => {
    client?.destroy();
    await emulators?.stop();
  });

  it('leaves the seeded wrong-source pull request closed with one comment, however often it is replayed', async () => {
    const id = emulators.seeded?.wrongSourcePullRequest ?? '';
    const args = [
      'invoke',
      'BranchFlowFunction',
      '--event',
      event('codecommit-pr-created-wrong-source.json'),
    ];
    const first = await runCli(args, emulators.env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`violation: pull request ${id} feature/new-probe → main`);
    expect(first.stdout).toContain(`close pull request ${id}`);
    const again = await runCli(args, emulators.env);
    expect(again.stdout).toContain(`skip: pull request ${id} is already closed`);

    const { pullRequest } = await client.send(new GetPullRequestCommand({ pullRequestId: id }));
    expect(pullRequest?.pullRequestStatus).toBe('CLOSED');
    const { commentsForPullRequestData } = await client.send(
      new GetCommentsForPullRequestCommand({ pullRequestId: id }),
    );
    const comments = (commentsForPullRequestData ?? []).flatMap((group) => group.comments ?? []);
    expect(comments).toHaveLength(1);
    expect(comments[0]?.content).toContain('main accepts pull requests only from stg');
  });

  it('prints the environment table of the CodeCommit repository with its open promotion pull requests', async () => {
    const run = await runCli(['status'], emulators.env);
    expect(run.stderr).toBe('');
    expect(run.stdout.split('\n')[0]).toBe('manifests: dev → stg → main');
    expect(run.stdout).toMatch(/my-app\s+base\/kustomization\.yaml\s+1\.4\.1\s+1\.4\.1\s+1\.4\.1\s+in sync/);
    expect(run.stdout).toContain('open promotion pull requests: none');
  });
});
