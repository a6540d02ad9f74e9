/**
 * Figures for a GitLab primary with a CodeCommit push mirror: GitLab API calls per event (from the
 * GitLab emulator's log) for a bump with its mirror sync, a no-op replay, a mirror update that is
 * in sync and a drift check; and how long after the ECR event CodeCommit holds the bump, against
 * the up to five minutes of GitLab's own mirror schedule.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { referenceEvent } from '../test/support/codecommit-events.ts';
import { startEmulators } from '../test/support/emulators.ts';
import { ecrPushEvent } from '../test/support/events.ts';
import { buildBundle, invokeBundle, type Outcome } from '../test/support/function-process/index.ts';
import { countedNames, median, ms } from './stats.ts';

const exec = promisify(execFile);
const BUMPS = Number(process.env.BENCH_GITLAB_BUMPS ?? 20);
const EXAMPLE = new URL('../examples/manifests/', import.meta.url).pathname;

async function exampleFiles(): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const entry of await readdir(EXAMPLE, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files[relative(EXAMPLE, path).split(sep).join('/')] = await readFile(path, 'utf8');
  }
  return files;
}

export async function gitlabBench(): Promise<void> {
  const dist = await mkdtemp(join(tmpdir(), 'flowkeeper-bench-gitlab-'));
  const emulators = await startEmulators();
  try {
    const [bump, mirrorSync] = await Promise.all([
      buildBundle('ImageBumpFunction', dist),
      buildBundle('MirrorSyncFunction', dist),
    ]);
    const { gitlab, codecommit, env } = emulators;
    const ssm = new SSMClient({
      endpoint: emulators.moto.endpoint,
      region: env.AWS_REGION,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    await ssm.send(
      new PutParameterCommand({
        Name: '/bench/gitlab-token',
        Value: emulators.gitlabToken,
        Type: 'SecureString',
        Overwrite: true,
      }),
    );
    const project = 'platform/bench-manifests';
    const { gitDir: gitlabDir } = await gitlab.createProject(project, { main: await exampleFiles() });
    const { gitDir: mirrorDir } = await codecommit.createRepository('bench-mirror');
    gitlab.addRemoteMirror(project, {
      url: 'https://flowkeeper-at-1:secret@git-codecommit.us-east-1.amazonaws.com/v1/repos/bench-mirror',
      targetGitDir: mirrorDir,
    });
    await gitlab.runMirror(project);
    const targets = [
      '{ repository: gl, branch: main, file: base/kustomization.yaml, kind: kustomize, image: my-app }',
      '{ repository: gl, branch: main, file: charts/my-app/values.yaml, kind: helm, path: image }',
      '{ repository: gl, branch: main, file: ecs/imagedefinitions.json, kind: imagedefinitions, container: web }',
      '{ repository: gl, branch: main, file: k8s/deployment.yaml, kind: kubernetes, container: web }',
    ];
    const config = `
repositories:
  gl: { provider: gitlab, url: '${gitlab.url}', project: ${project}, token: { ssm: /bench/gitlab-token } }
  cc: { provider: codecommit, name: bench-mirror }
images:
  - ecr: my-app
    tags: { semver: '>=1.0.0' }
    update:
${targets.map((target) => `      - ${target}`).join('\n')}
mirrors:
  - { gitlab: gl, codecommit: cc, branches: [main] }
`;
    await ssm.send(new PutParameterCommand({ Name: '/bench/gitlab-config', Value: config, Type: 'String' }));
    ssm.destroy();
    const benchEnv = { ...env, FLOWKEEPER_CONFIG_PARAMETER: '/bench/gitlab-config' };
    const head = async (gitDir: string) =>
      (await exec('git', ['-C', gitDir, 'rev-parse', 'refs/heads/main'])).stdout.trim();
    const callsDuring = async (work: () => Promise<Outcome[]>) => {
      const before = gitlab.calls.length;
      const outcomes = await work();
      for (const outcome of outcomes)
        if (!outcome.ok) throw new Error(`invocation failed: ${outcome.error.message}`);
      return { outcomes, calls: gitlab.calls.slice(before) };
    };

    console.log(
      '\nGitLab primary with a CodeCommit push mirror (bundles in fresh Node processes, GitLab + CodeCommit emulators, moto)',
    );
    // The first event of a process reads the configuration and the token: warm up with an unrelated push.
    const warm = ecrPushEvent({ 'repository-name': 'other', 'image-tag': '1.0.0' });
    const bumped = await callsDuring(() =>
      invokeBundle(bump, [warm, ecrPushEvent({ 'image-tag': '1.5.0' })], { env: benchEnv }),
    );
    const replay = await callsDuring(() =>
      invokeBundle(bump, [warm, ecrPushEvent({ 'image-tag': '1.5.0' })], { env: benchEnv }),
    );
    console.log(
      `  GitLab calls, four-file bump + mirror sync   ${countedNames(bumped.calls.map((call) => call.route))}`,
    );
    console.log(
      `  GitLab calls, no-op replay                   ${countedNames(replay.calls.map((call) => call.route))}`,
    );

    const current = await head(mirrorDir);
    const scheduled = {
      version: '0',
      id: 'bench-drift-check',
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '111122223333',
      time: '2026-01-01T00:00:00Z',
      region: 'us-east-1',
      resources: [],
      detail: {},
    };
    const drift = await callsDuring(() => invokeBundle(mirrorSync, [scheduled], { env: benchEnv }));
    const update = referenceEvent('referenceUpdated', {
      repositoryName: 'bench-mirror',
      branch: 'main',
      commitId: current,
      oldCommitId: current,
    });
    const inSync = await callsDuring(() => invokeBundle(mirrorSync, [update], { env: benchEnv }));
    console.log(
      `  GitLab calls, drift check (1 branch)         ${countedNames(drift.calls.map((call) => call.route))}`,
    );
    console.log(
      `  GitLab calls, mirror update in sync          ${countedNames(inSync.calls.map((call) => call.route))}`,
    );

    // Bump after bump: the wall time from the event to CodeCommit holding the commit.
    const lags: number[] = [];
    for (let i = 0; i < BUMPS; i++) {
      const started = performance.now();
      const [outcome] = await invokeBundle(bump, [ecrPushEvent({ 'image-tag': `2.0.${i}` })], {
        env: benchEnv,
      });
      if (!outcome?.ok) throw new Error('a bump failed');
      const [gitlabHead, mirrorHead] = await Promise.all([head(gitlabDir), head(mirrorDir)]);
      if (gitlabHead !== mirrorHead) throw new Error('the mirror did not follow the bump');
      lags.push(performance.now() - started);
    }
    console.log(
      `  event → CodeCommit holds the bump            median ${ms(median(lags))} over ${BUMPS} bumps (fresh process each, cold start included); GitLab's own schedule: up to 5 min`,
    );
  } finally {
    await emulators.stop();
    await rm(dist, { recursive: true, force: true });
  }
}
