import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { git } from '#adapters/local/git-cli.ts';
import { runCli } from '#test/cli.ts';
import { createExampleRepository, type ExampleRepository } from '../../cli/example-repo.ts';
import { fromRoot } from '../../cli/paths.ts';

let dir: string;
let example: ExampleRepository;
let config: string;
const refs = () => git(['for-each-ref', '--format=%(refname) %(objectname)'], { cwd: example.repository });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flowkeeper-cli-discover-'));
  example = await createExampleRepository(dir);
  config = join(dir, 'discover.yaml');
  await writeFile(
    config,
    [
      'repositories:',
      `  manifests: { provider: local, path: ${JSON.stringify(example.repository)} }`,
      'images:',
      '  - ecr: my-app',
      "    tags: { semver: '>=1.0.0' }",
      '    update:',
      "      - { kind: discover, repository: manifests, branch: stg, files: ['**/*.yaml', '**/*.json'] }",
      '',
    ].join('\n'),
  );
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('flowkeeper invoke --dry-run with a discover target', () => {
  it('lists every reference found and why the others were skipped, writing nothing', async () => {
    const before = await refs();
    const run = await runCli([
      'invoke',
      'ImageBumpFunction',
      '--event',
      fromRoot('events', 'ecr-push-semver.json'),
      '--config',
      config,
      '--dry-run',
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('dry run: would commit on manifests/stg');
    // Found: the init container the explicit configuration does not name, and the container.
    expect(run.stdout).toContain(
      'k8s/deployment.yaml  spec.template.spec.initContainers[name=migrate].image (Deployment/my-app)  1.4.1 → 1.4.2',
    );
    expect(run.stdout).toContain('ecs/imagedefinitions.json  [name=web].imageUri  1.4.1 → 1.4.2');
    // Skipped, with the reason.
    expect(run.stdout).toMatch(
      /^skip manifests\/stg ecs\/imagedefinitions\.json \[name=log-router\]\.imageUri: .*: another repository/m,
    );
    expect(run.stdout).toMatch(
      /^skip manifests\/stg base\/kustomization\.yaml images\[name=redis\]: redis:7\.2: another repository/m,
    );
    expect(await refs()).toBe(before);
  });
});

describe('flowkeeper config validate --check with discover targets', () => {
  it('warns about each glob that matches no file on its branch, and only with --check', async () => {
    const file = join(dir, 'discover-check.yaml');
    await writeFile(
      file,
      [
        'repositories:',
        `  manifests: { provider: local, path: ${JSON.stringify(example.repository)} }`,
        'images:',
        '  - ecr: my-app',
        "    tags: { semver: '>=1.0.0' }",
        '    update:',
        "      - { kind: discover, repository: manifests, branch: stg, files: ['k8s/*.yaml', 'apps/**/values.yaml'] }",
        "      - { kind: discover, repository: manifests, branch: no-such-branch, files: ['**/*.yaml'] }",
        '',
      ].join('\n'),
    );
    const plain = await runCli(['config', 'validate', file]);
    expect(plain.code).toBe(0);
    expect(plain.stderr).toBe('');

    const checked = await runCli(['config', 'validate', file, '--check']);
    expect(checked.code).toBe(0);
    expect(checked.stdout).toContain(`${file}: valid (1 images, 2 targets)`);
    const warnings = checked.stderr.trim().split('\n');
    expect(warnings).toEqual([
      'warning: images[0].update[0].files[1]: "apps/**/values.yaml" matches no file on manifests/stg',
      expect.stringMatching(/^warning: images\[0\]\.update\[1\]: cannot list manifests\/no-such-branch: /),
    ]);
  });
});
