import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '#test/cli.ts';
import { ecrPushEvent } from '#test/events.ts';
import { createTestRepo, type TestRepo } from '#test/git-repo.ts';

let repo: TestRepo;
afterEach(() => repo?.cleanup());

const KUSTOMIZATION = 'images:\n  - name: my-app\n    newTag: 1.4.1\n';

interface Case {
  name: string;
  files?: Record<string, string>;
  target?: string;
  config?: (repoPath: string) => string;
  event?: unknown;
  rawEvent?: string;
  expected: string;
}

const configWith = (target: string) => (path: string) =>
  `repositories:
  manifests: { provider: local, path: ${JSON.stringify(path)} }
images:
  - ecr: my-app
    update:
      - ${target}
`;

const cases: Case[] = [
  { name: 'malformed JSON event', rawEvent: '{"version": "0",', expected: 'not valid JSON' },
  {
    name: 'event without detail.repository-name',
    event: (() => {
      const e = ecrPushEvent();
      delete (e.detail as Record<string, unknown>)['repository-name'];
      return e;
    })(),
    expected: 'EventError: detail.repository-name: missing',
  },
  {
    name: 'tag outside the OCI tag grammar',
    event: ecrPushEvent({ 'image-tag': '1.4.2;rm -rf' }),
    expected: 'detail.image-tag: "1.4.2;rm -rf" is not a valid image tag',
  },
  {
    name: 'manifest that is not valid YAML',
    files: { 'k.yaml': 'images:\n  - name: my-app\n    newTag: [1.4.1\n' },
    target: '{ repository: manifests, branch: stg, file: k.yaml, kind: kustomize, image: my-app }',
    expected: 'k.yaml',
  },
  {
    name: 'manifest that is not valid JSON',
    files: { 'd.json': '[{"name": "web", "imageUri": "a:1.4.1"},]' },
    target: '{ repository: manifests, branch: stg, file: d.json, kind: imagedefinitions, container: web }',
    expected: 'd.json: invalid JSON at line 1',
  },
  {
    name: 'target image absent',
    target: '{ repository: manifests, branch: stg, file: k.yaml, kind: kustomize, image: other-app }',
    expected: 'other-app',
  },
  {
    name: 'two matching targets',
    files: { 'k.yaml': `${KUSTOMIZATION}  - name: my-app\n    newTag: 1.4.0\n` },
    target: '{ repository: manifests, branch: stg, file: k.yaml, kind: kustomize, image: my-app }',
    expected: 'k.yaml',
  },
  {
    name: 'file missing on the branch',
    target: '{ repository: manifests, branch: stg, file: missing/k.yaml, kind: kustomize, image: my-app }',
    expected: 'missing/k.yaml does not exist on branch stg',
  },
  {
    name: 'branch missing',
    target: '{ repository: manifests, branch: prod, file: k.yaml, kind: kustomize, image: my-app }',
    expected: 'branch prod does not exist',
  },
  {
    name: 'configuration with an unknown key',
    target: '{ repository: manifests, branch: stg, file: k.yaml, kind: kustomize, image: my-app, tagg: x }',
    expected: 'images[0].update[0].tagg',
  },
  {
    name: 'configuration with a path escaping the repository',
    target: '{ repository: manifests, branch: stg, file: ../k.yaml, kind: kustomize, image: my-app }',
    expected: 'images[0].update[0].file: must be a relative path inside the repository',
  },
  {
    name: 'configuration with an absolute path',
    target: '{ repository: manifests, branch: stg, file: /etc/k.yaml, kind: kustomize, image: my-app }',
    expected: 'images[0].update[0].file: must be a relative path inside the repository',
  },
  {
    name: 'configuration with duplicate targets',
    target:
      '{ repository: manifests, branch: stg, file: k.yaml, kind: kustomize, image: my-app }\n      - { repository: manifests, branch: stg, file: k.yaml, kind: kustomize, image: my-app }',
    expected: 'images[0].update[1]',
  },
];

describe('bad input is rejected with a clear error and nothing is written', () => {
  it.each(cases)('$name', async (c) => {
    repo = await createTestRepo(c.files ?? { 'k.yaml': KUSTOMIZATION }, ['stg']);
    const config = join(repo.path, '..', `${repo.path.split('/').pop()}-config.yaml`);
    const target =
      c.target ?? '{ repository: manifests, branch: stg, file: k.yaml, kind: kustomize, image: my-app }';
    await writeFile(config, (c.config ?? configWith(target))(repo.path));
    const eventFile = `${config}.event.json`;
    await writeFile(eventFile, c.rawEvent ?? JSON.stringify(c.event ?? ecrPushEvent()));
    const before = await repo.refs();

    const run = await runCli(['invoke', 'ImageBumpFunction', '--event', eventFile, '--config', config]);

    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toContain(c.expected);
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(await repo.refs()).toBe(before);
    expect(await repo.git('status', '--porcelain')).toBe('');
  });

  it('skips a push to an ECR repository that is not configured (exit 0, nothing written)', async () => {
    repo = await createTestRepo({ 'k.yaml': KUSTOMIZATION }, ['stg']);
    const config = `${repo.path}-config.yaml`;
    await writeFile(
      config,
      configWith('{ repository: manifests, branch: stg, file: k.yaml, kind: kustomize, image: my-app }')(
        repo.path,
      ),
    );
    const eventFile = `${config}.event.json`;
    await writeFile(eventFile, JSON.stringify(ecrPushEvent({ 'repository-name': 'someone-else' })));
    const before = await repo.refs();
    const run = await runCli(['invoke', 'ImageBumpFunction', '--event', eventFile, '--config', config]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('ECR repository someone-else is not configured');
    expect(await repo.refs()).toBe(before);
  });
});
