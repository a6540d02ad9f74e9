import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { git } from '#adapters/local/git-cli.ts';
import { runCli } from '#test/cli.ts';
import { createExampleRepository, type ExampleRepository } from '../../cli/example-repo.ts';
import { fromRoot } from '../../cli/paths.ts';

let dir: string;
let example: ExampleRepository;
const refs = () => git(['for-each-ref', '--format=%(refname) %(objectname)'], { cwd: example.repository });
const event = (name: string) => fromRoot('events', name);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flowkeeper-cli-'));
  example = await createExampleRepository(dir);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('flowkeeper invoke ImageBumpFunction', () => {
  it('prints the dry-run diff and writes nothing', async () => {
    const before = await refs();
    const run = await runCli([
      'invoke',
      'ImageBumpFunction',
      '--event',
      event('ecr-push-semver.json'),
      '--config',
      example.config,
      '--dry-run',
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('dry run: would commit on manifests/stg');
    expect(run.stdout).toContain('--- a/base/kustomization.yaml');
    expect(run.stdout).toMatch(/^-\s+newTag: 1\.4\.1 {2}# bumped by Flowkeeper$/m);
    expect(run.stdout).toMatch(/^\+\s+newTag: 1\.4\.2 {2}# bumped by Flowkeeper$/m);
    expect(await refs()).toBe(before);
  });

  it('commits once, then reports a skip when the same event is replayed', async () => {
    const args = [
      'invoke',
      'ImageBumpFunction',
      '--event',
      event('ecr-push-semver.json'),
      '--config',
      example.config,
      '--json',
    ];
    const first = await runCli(args);
    expect(first.code).toBe(0);
    const result = JSON.parse(first.stdout);
    expect(result.eventId).toBeTruthy();
    expect(result.actions.filter((a: { type: string }) => a.type === 'commit')).toHaveLength(1);
    expect(result.actions[0]).toMatchObject({ type: 'commit', repository: 'manifests', branch: 'stg' });
    expect(result.actions[0].changes).toHaveLength(4);
    expect(await git(['rev-parse', 'stg'], { cwd: example.repository })).toBe(result.actions[0].commitId);

    const before = await refs();
    const second = await runCli(args);
    expect(second.code).toBe(0);
    const replay = JSON.parse(second.stdout);
    expect(replay.actions.length).toBeGreaterThan(0);
    expect(replay.actions.every((a: { type: string }) => a.type === 'skip')).toBe(true);
    expect(await refs()).toBe(before);
  });

  it('skips a late, older tag', async () => {
    const before = await refs();
    const run = await runCli([
      'invoke',
      'ImageBumpFunction',
      '--event',
      event('ecr-push-semver-older.json'),
      '--config',
      example.config,
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('is older than the current 1.4.2');
    expect(await refs()).toBe(before);
  });

  it('rejects a malformed event with exit 1 and a one-line reason, writing nothing', async () => {
    const bad = join(dir, 'bad.json');
    await writeFile(bad, '{"id": "x", "detail": ');
    const before = await refs();
    const run = await runCli(['invoke', 'ImageBumpFunction', '--event', bad, '--config', example.config]);
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain(`${bad}: not valid JSON`);
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(await refs()).toBe(before);
  });

  it('exits 2 on usage errors', async () => {
    expect(
      (await runCli(['invoke', 'NoSuchFunction', '--event', 'x.json', '--config', example.config])).stderr,
    ).toContain('no function NoSuchFunction in template.yaml (functions: ImageBumpFunction');
    for (const args of [
      ['invoke', 'ImageBumpFunction'],
      ['frobnicate'],
      ['invoke', 'ImageBumpFunction', '--event', 'x', '--nope'],
    ]) {
      const run = await runCli(args);
      expect(run.code, args.join(' ')).toBe(2);
    }
    const noConfig = await runCli(['invoke', 'ImageBumpFunction', '--event', event('ecr-push-semver.json')]);
    expect(noConfig.code).toBe(2);
    expect(noConfig.stderr).toContain('no configuration: pass --config <file>');
  });
});

describe('flowkeeper invoke GitLabWebhookFunction', () => {
  const webhook = event('gitlab-webhook-merge-request.json');

  it('prints the event it would put, with no configuration and no bus', async () => {
    const run = await runCli(['invoke', 'GitLabWebhookFunction', '--event', webhook]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('HTTP 200');
    expect(run.stdout).toContain('this event would be put');
    const printed = JSON.parse(run.stdout.slice(run.stdout.indexOf('{'))) as { detail: unknown };
    const sample = JSON.parse(await readFile(event('gitlab-merge-request-opened.json'), 'utf8')) as {
      detail: unknown;
    };
    expect(printed.detail).toEqual(sample.detail);
    expect(run.stderr).toContain('accepting the X-Gitlab-Token the event carries');
  });

  it('refuses the sample with exit 1 when the configured token differs', async () => {
    const run = await runCli(['invoke', 'GitLabWebhookFunction', '--event', webhook], {
      FLOWKEEPER_WEBHOOK_TOKEN: 'another-token',
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim()).toBe('flowkeeper: rejected: HTTP 401: no detail');
  });
});

describe('flowkeeper config', () => {
  it('validates the example configuration', async () => {
    const run = await runCli(['config', 'validate', fromRoot('examples/flowkeeper.yaml')]);
    expect(run).toMatchObject({ code: 0 });
    expect(run.stdout).toContain('valid (2 images, 5 targets, branch flow on 1 repository)');
  });

  it('lists every problem of an invalid configuration with its path and exits 1', async () => {
    const file = join(dir, 'bad-config.yaml');
    await writeFile(
      file,
      `repositories: { manifests: { provider: local, path: ./m } }
images:
  - ecr: my-app
    update:
      - { repository: manifests, branch: stg, file: ../escape.yaml, kind: kustomize, image: a }
      - { repository: manifests, branch: stg, file: /abs.yaml, kind: kustomize, image: a, colour: red }
`,
    );
    const run = await runCli(['config', 'validate', file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('images[0].update[0].file: must be a relative path inside the repository');
    expect(run.stderr).toContain('images[0].update[1].file: must be a relative path inside the repository');
    expect(run.stderr).toContain('images[0].update[1].colour');
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });

  it('prints a JSON Schema', async () => {
    const run = await runCli(['config', 'schema']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toHaveProperty('properties.images');
  });
});

describe('flowkeeper invoke without a logical id', () => {
  it('runs the function whose rule matches the event', async () => {
    const run = await runCli([
      'invoke',
      '--event',
      event('ecr-push-semver.json'),
      '--config',
      example.config,
      '--dry-run',
    ]);
    expect(run.code).toBe(0);
    // ImageBumpFunction's answer: the stg targets of my-app (bumped by the tests above, or not).
    expect(run.stdout).toMatch(/manifests\/stg base\/kustomization\.yaml/);
  });

  it('names the candidates when the event reaches several functions', async () => {
    const run = await runCli([
      'invoke',
      '--event',
      event('codecommit-push-direct.json'),
      '--config',
      example.config,
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('reaches BranchFlowFunction and MirrorSyncFunction; name one');
  });

  it('says so when no rule delivers the event', async () => {
    const run = await runCli(['invoke', '--event', event('ecr-delete.json'), '--config', example.config]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no rule in template.yaml delivers the event');
  });
});
