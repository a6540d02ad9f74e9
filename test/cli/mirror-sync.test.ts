import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CodeCommitClient, CreateCommitCommand, GetBranchCommand } from '@aws-sdk/client-codecommit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '#test/cli.ts';
import { type Emulators, type SeededMirror, startEmulators } from '#test/emulators.ts';
import { fromRoot } from '../../cli/paths.ts';
import { git } from '../reliability/support/git.ts';

const event = (name: string) => fromRoot('events', name);

describe('flowkeeper invoke MirrorSyncFunction against the seeded emulators', () => {
  let emulators: Emulators;
  let mirror: SeededMirror;
  let dir: string;
  let developer: CodeCommitClient;

  beforeAll(async () => {
    emulators = await startEmulators({ seed: true });
    if (!emulators.seeded) throw new Error('the emulators were not seeded');
    mirror = emulators.seeded.mirror;
    dir = await mkdtemp(join(tmpdir(), 'flowkeeper-mirror-cli-'));
    developer = new CodeCommitClient({
      endpoint: emulators.codecommit.endpoint,
      region: emulators.env.AWS_REGION ?? 'us-east-1',
      credentials: { accessKeyId: 'developer', secretAccessKey: 'test' },
    });
  });
  afterAll(async () => {
    developer?.destroy();
    await emulators?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const invoke = (eventFile: string) =>
    runCli(['invoke', 'MirrorSyncFunction', '--event', eventFile], emulators.env);

  it('reports the seeded mirror in sync on the drift check', async () => {
    const run = await invoke(event('scheduled-drift-check.json'));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('mirror gitlab-manifests → manifests-mirror main: in-sync');
    expect(run.stdout).not.toContain(emulators.gitlabToken);
    // Metrics stay out of the printed result, so --json is one JSON document.
    expect(run.stdout).not.toContain('"_aws"');
    const json = await runCli(
      ['invoke', 'MirrorSyncFunction', '--event', event('scheduled-drift-check.json'), '--json'],
      emulators.env,
    );
    expect(JSON.parse(json.stdout)).toMatchObject({
      actions: [{ type: 'mirror', state: 'in-sync', ahead: 0, behind: 0 }],
    });
  });

  it('adopts a commit made on the CodeCommit mirror onto GitLab, from the sample event', async () => {
    const repositoryName = mirror.repositoryName;
    const { branch } = await developer.send(new GetBranchCommand({ repositoryName, branchName: 'main' }));
    const parent = branch?.commitId ?? '';
    const { commitId } = await developer.send(
      new CreateCommitCommand({
        repositoryName,
        branchName: 'main',
        parentCommitId: parent,
        authorName: 'Bob',
        email: 'bob@example.com',
        commitMessage: 'Scale the web deployment by hand',
        putFiles: [
          { filePath: 'k8s/hand-edit.yaml', fileContent: new TextEncoder().encode('replicas: 5\n') },
        ],
      }),
    );
    // The sample, pointed at the commits that exist here.
    const sample = JSON.parse(await readFile(event('codecommit-push-codecommit-only.json'), 'utf8')) as {
      detail: Record<string, unknown>;
    };
    Object.assign(sample.detail, { oldCommitId: parent, commitId });
    const file = join(dir, 'codecommit-only.json');
    await writeFile(file, JSON.stringify(sample));

    const run = await invoke(file);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(
      /^mirror gitlab-manifests → manifests-mirror main: codecommit-ahead \(0 behind, 1 only on CodeCommit, lag \d+s\)$/,
    );
    expect(lines).toContain(`alert: 1 commit(s) only on CodeCommit ${repositoryName}/main`);
    expect(lines).toContain('adopted onto gitlab-manifests/main:');
    expect(lines).toContain(
      `started the push mirror gitlab-manifests → manifests-mirror (mirror ${mirror.mirrorId})`,
    );
    const adopted = await git(mirror.gitlabGitDir, 'log', '-1', '--format=%an|%B', 'refs/heads/main');
    expect(adopted).toContain('Bob|Scale the web deployment by hand');
    expect(adopted).toContain(`Flowkeeper-Adopted-From: codecommit:${repositoryName}@${commitId}`);

    // The mirror brought CodeCommit back in line; the same event again adopts nothing.
    const again = await invoke(file);
    expect(again.code).toBe(0);
    expect(again.stdout).not.toContain('adopted onto');
    expect(await git(mirror.gitDir, 'rev-parse', 'refs/heads/main')).toBe(
      await git(mirror.gitlabGitDir, 'rev-parse', 'refs/heads/main'),
    );
    expect(run.stdout + again.stdout).not.toContain(emulators.gitlabToken);
  });
});
