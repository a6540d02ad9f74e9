import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliProcess as runCli } from '#test/cli.ts';
import { fromRoot } from '../../cli/paths.ts';

const run = promisify(execFile);
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flowkeeper-cli-conventions-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('flowkeeper <command> --help and --version', () => {
  it.each(['invoke', 'config', 'example', 'demo', 'status', 'functions'])(
    '%s --help prints that command’s usage and exits 0',
    async (command) => {
      const result = await runCli([command, '--help']);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^Usage: flowkeeper ${command}`));
      expect(result.stderr).toBe('');
    },
  );

  it('--version prints the package version', async () => {
    const { version } = JSON.parse(await readFile(fromRoot('package.json'), 'utf8')) as { version: string };
    const result = await runCli(['--version']);
    expect(result).toMatchObject({ code: 0, stdout: `flowkeeper ${version}\n` });
  });
});

describe('flowkeeper invoke', () => {
  it('prints a dry-run patch that git apply takes, CR of a CRLF file included', async () => {
    const repository = join(dir, 'crlf');
    await run('git', ['init', '-q', '-b', 'main', repository]);
    const file = 'apps/kustomization.yaml';
    await run('mkdir', ['-p', join(repository, 'apps')]);
    await writeFile(join(repository, file), 'images:\r\n  - name: my-app\r\n    newTag: 1.4.1\r\n');
    await run('git', ['-C', repository, 'add', '.']);
    await run('git', [
      '-C',
      repository,
      '-c',
      'user.name=t',
      '-c',
      'user.email=t@t',
      'commit',
      '-qm',
      'seed',
    ]);
    const config = join(dir, 'crlf.yaml');
    await writeFile(
      config,
      `repositories: { m: { provider: local, path: ${repository} } }\nimages:\n  - ecr: my-app\n    tags: { semver: '>=1.0.0' }\n    update: [{ repository: m, branch: main, file: ${file}, kind: kustomize, image: my-app }]\n`,
    );
    const result = await runCli([
      'invoke',
      'ImageBumpFunction',
      '--event',
      fromRoot('events', 'ecr-push-semver.json'),
      '--config',
      config,
      '--dry-run',
    ]);
    expect(result.code).toBe(0);
    const patch = join(dir, 'crlf.patch');
    await writeFile(patch, result.stdout.slice(result.stdout.indexOf('--- a/')));
    await run('git', ['-C', repository, 'apply', patch]);
    expect(await readFile(join(repository, file), 'utf8')).toBe(
      'images:\r\n  - name: my-app\r\n    newTag: 1.4.2\r\n',
    );
  });

  it('--json prints a result object with the error type when the function fails transiently', async () => {
    const config = join(dir, 'unreachable.yaml');
    await writeFile(
      config,
      "repositories: { m: { provider: codecommit, name: app-manifests } }\nimages:\n  - ecr: my-app\n    tags: { semver: '>=1.0.0' }\n    update: [{ repository: m, branch: main, file: a.yaml, kind: kustomize, image: my-app }]\n",
    );
    const result = await runCli(
      [
        'invoke',
        'ImageBumpFunction',
        '--event',
        fromRoot('events', 'ecr-push-semver.json'),
        '--config',
        config,
        '--json',
      ],
      {
        AWS_ENDPOINT_URL_CODECOMMIT: 'http://127.0.0.1:9',
        AWS_REGION: 'eu-west-1',
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_MAX_ATTEMPTS: '1',
      },
    );
    expect(result.code).toBe(1);
    const answer = JSON.parse(result.stdout) as { error: { type: string; message: string } };
    expect(answer.error.type).toEqual(expect.any(String));
    expect(answer.error.message).not.toBe('');
    expect(result.stderr).toContain('Lambda would retry');
  });
});
