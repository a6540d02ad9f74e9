import { CodeBuildClient, StartBuildCommand } from '@aws-sdk/client-codebuild';
import type { CodeCommitClient } from '@aws-sdk/client-codecommit';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FlowResult } from '#app/branch-flow/result.ts';
import type { CommitAction } from '#app/image-bump/result.ts';
import { GitHostError } from '#app/ports/git-host.ts';
import { isPermanentError } from '#domain/errors.ts';
import { buildStateEvent } from '#test/codebuild-events.ts';
import { referenceEvent } from '#test/codecommit-events.ts';
import { ecrPushEvent } from '#test/events.ts';
import { resultOf } from '../../reliability/support/deliver.ts';
import { sampleEvent } from '../../reliability/support/example.ts';
import { commitsSince, fileAt, git } from '../../reliability/support/git.ts';
import {
  commitAgedOnGitLab,
  expectCommitThenSync,
  expectCommittedThenMirrored,
  expectNoCommitNorSync,
  gitlabGet,
  heads,
  type MirrorPairFixture,
  type MirrorPairOptions,
  mirrorConfig,
  mirrorPair,
  SYNC_ROUTE,
  statusesOf,
  storeToken,
} from '../../reliability/support/gitlab.ts';
import { inProcessFlow } from '../../reliability/support/in-process.ts';
import { type InProcessMirror, inProcessMirror } from '../../reliability/support/in-process-mirror.ts';
import { clientAs, IDENTITIES, pushFiles } from '../../reliability/support/pull-requests.ts';
import { type Stack, startStack } from '../../reliability/support/stack.ts';

// GitLab is the primary and push-mirrors into CodeCommit, where CodeBuild builds. The image-bump,
// mirror and build-report services run in this process through their ports, with the real
// adapters against the GitLab emulator (REST v4 on real git repositories, with a push-mirror
// switch that copies refs into the CodeCommit emulator's repositories), the CodeCommit and
// CodeBuild emulators and moto (the token in an SSM SecureString, the alert topic). The bundles
// themselves run in test/reliability/gitlab-mirror.test.ts.

const PROJECT = 'manifests-validate';

let stack: Stack;
let developer: CodeCommitClient;
let token: string;
let configs = 0;
const services: { stop(): void }[] = [];

beforeAll(async () => {
  stack = await startStack([]);
  developer = clientAs(stack, IDENTITIES.developer);
  token = stack.emulators.gitlabToken;
  await storeToken(stack, token);
});
afterAll(async () => {
  developer?.destroy();
  for (const service of services) service.stop();
  await stack?.stop();
});

/** Stores `config` under a parameter of its own and returns the mirror services reading it. */
async function mirrorServices(config: unknown): Promise<InProcessMirror & { parameter: string }> {
  const parameter = `/app/mirror/gitlab/config-${++configs}`;
  await stack.putConfig(parameter, config);
  const mirror = inProcessMirror(stack, parameter);
  services.push(mirror);
  return { ...mirror, parameter };
}

const configure = (fixtures: MirrorPairFixture[]) => mirrorServices(mirrorConfig(fixtures));

/** A new mirror pair, the services configured for it alone, and both heads before the test acts. */
async function mirroredPair(options?: MirrorPairOptions) {
  const pair = await mirrorPair(stack, options);
  const mirror = await configure([pair]);
  return { pair, mirror, before: await heads(pair) };
}

/** The `referenceUpdated` CodeCommit sends when `main` of the pair's repository moved `from` → `to`. */
const mainMoved = (fixture: MirrorPairFixture, from: string, to: string, id?: string) =>
  referenceEvent(
    'referenceUpdated',
    { repositoryName: fixture.codecommitName, branch: 'main', oldCommitId: from, commitId: to },
    id,
  );

const scheduledDriftCheck = () => sampleEvent('scheduled-drift-check.json');

const commitsOf = (actions: readonly { type: string }[]): CommitAction[] =>
  actions.filter((action): action is CommitAction => action.type === 'commit');

describe('a bump on a GitLab primary', () => {
  it('commits on GitLab, then starts the push mirror, so CodeCommit holds the bump at once', async () => {
    const { pair, mirror, before } = await mirroredPair();
    stack.emulators.gitlab.calls.length = 0;

    const push = ecrPushEvent({ 'image-tag': '1.4.2' }, 'gitlab-push-1.4.2');
    const result = await mirror.bump(push);

    const commit = expectCommitThenSync(result.actions, pair, before);
    const after = await expectCommittedThenMirrored(stack, pair, before, commit);

    // A redelivered push changes nothing on GitLab and starts no mirror.
    stack.emulators.gitlab.calls.length = 0;
    const replayed = await mirror.bump(push);
    expect(commitsOf(replayed.actions)).toStrictEqual([]);
    expectNoCommitNorSync(stack, pair);
    expect(await heads(pair)).toStrictEqual(after);
  });

  it('keeps the commit and reports the mirror it could not start', async () => {
    const { pair, mirror, before } = await mirroredPair();
    stack.emulators.gitlab.faults.failSequence(Array(4).fill('internalServerError'), SYNC_ROUTE);
    try {
      const result = await mirror.bump(ecrPushEvent({ 'image-tag': '1.5.0' }, 'gitlab-push-sync-down'));
      expect(commitsOf(result.actions)).toHaveLength(1);
      expect(result.actions.at(-1)).toMatchObject({
        type: 'skip',
        reason: expect.stringMatching(
          /push mirror .* was not started .*GitLab's own schedule will mirror the commit/,
        ),
      });
      const after = await heads(pair);
      expect(after.gitlab).not.toBe(before.gitlab);
      expect(after.codecommit).toBe(before.codecommit);
    } finally {
      stack.emulators.gitlab.faults.reset();
    }
  });

  it('in a batch of image events commits on GitLab, then starts the push mirror once, and a redelivery does neither', async () => {
    const { pair, mirror, before } = await mirroredPair();
    stack.emulators.gitlab.calls.length = 0;
    const push = ecrPushEvent({ 'image-tag': '1.4.2' }, 'queued-gitlab-push-1.4.2');

    const batch = await mirror.bumpBatch([push]);
    expect(batch.outcomes.map((outcome) => outcome.error)).toStrictEqual([undefined]);
    const [commit, ...more] = commitsOf(batch.outcomes[0]?.actions ?? []);
    expect(more).toStrictEqual([]);
    expect(commit).toMatchObject({
      repository: pair.gitlabKey,
      branch: 'main',
      parentCommitId: before.gitlab,
    });
    // The batch starts the mirror once, after its commits.
    expect(batch.mirrorSync).toStrictEqual([
      { type: 'sync', gitlab: pair.gitlabKey, codecommit: pair.codecommitKey, mirrorId: pair.mirrorId },
    ]);
    const after = await expectCommittedThenMirrored(stack, pair, before, commit);

    // The push redelivered (after the queue's deduplication window) changes nothing on GitLab and
    // starts no mirror.
    stack.emulators.gitlab.calls.length = 0;
    const replay = await mirror.bumpBatch([push]);
    expect(replay.outcomes.map((outcome) => outcome.error)).toStrictEqual([undefined]);
    expect(replay.outcomes[0]?.actions.length).toBeGreaterThan(0);
    expect(commitsOf(replay.outcomes[0]?.actions ?? [])).toStrictEqual([]);
    expect(replay.mirrorSync).toStrictEqual([]);
    expectNoCommitNorSync(stack, pair);
    expect(await heads(pair)).toStrictEqual(after);
  });
});

describe('CodeBuild results as GitLab commit statuses', () => {
  it('turns a failed build of the mirror into a failed status on the built commit, once', async () => {
    const pair = await mirrorPair(stack);
    const { parameter } = await configure([pair]);
    const flow = inProcessFlow(stack, parameter, { accessKeyId: IDENTITIES.approver });
    services.push(flow);
    // A merge request's commit, mirrored to CodeCommit, where CodeBuild builds it.
    await git(pair.gitlabGitDir, 'branch', 'feature/validated', 'main');
    const built = await commitAgedOnGitLab(pair, 0, 'Tighten the probe', 'feature/validated');
    await stack.emulators.gitlab.runMirror(pair.project);
    const other = await commitAgedOnGitLab(pair, 0, 'A commit the build did not build');
    const project = `${PROJECT}-${pair.codecommitName}`;
    stack.emulators.codebuild.createProject(project, {
      source: {
        type: 'CODECOMMIT',
        location: `https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/${pair.codecommitName}`,
      },
    });
    const codebuild = new CodeBuildClient({
      endpoint: stack.emulators.codebuild.endpoint,
      region: stack.emulators.codebuild.region,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    let buildId: string | undefined;
    try {
      const response = await codebuild.send(
        new StartBuildCommand({ projectName: project, sourceVersion: built }),
      );
      buildId = response.build?.id;
    } finally {
      codebuild.destroy();
    }
    const running = stack.emulators.codebuild.builds().find((build) => build.id === buildId);
    if (!running || buildId === undefined) throw new Error('the build did not start');

    // The merge request, in a project where pipelines must succeed.
    stack.emulators.gitlab.setPipelineMustSucceed(pair.project, true);
    const mergeRequest = stack.emulators.gitlab.createMergeRequest(pair.project, {
      source: 'feature/validated',
      target: 'main',
      title: 'Validated change',
    });
    const mergeStatus = async () => {
      const body = await gitlabGet<{
        detailed_merge_status: string;
        head_pipeline: { status: string } | null;
      }>(stack, pair.project, `/merge_requests/${mergeRequest}`, token);
      return { merge: body.detailed_merge_status, pipeline: body.head_pipeline?.status ?? null };
    };
    expect(await mergeStatus()).toStrictEqual({ merge: 'ci_must_pass', pipeline: null });

    const report = async (event: unknown) => resultOf<FlowResult>((await flow.invoke([event]))[0]).actions;
    expect(await report(buildStateEvent(running, 'IN_PROGRESS'))).toStrictEqual([
      {
        type: 'status',
        repository: pair.gitlabKey,
        commitId: built,
        name: `codebuild/${project}`,
        state: 'running',
        outcome: 'created',
      },
    ]);

    expect(await mergeStatus()).toStrictEqual({ merge: 'ci_still_running', pipeline: 'running' });

    const finished = stack.emulators.codebuild.finishBuild(buildId, 'FAILED', {
      phase: 'BUILD',
      context: 'COMMAND_EXECUTION_ERROR: Error while executing command: make validate. Reason: exit status 2',
    });
    const failedEvent = buildStateEvent(finished, 'FAILED');
    expect(await report(failedEvent)).toStrictEqual([
      {
        type: 'status',
        repository: pair.gitlabKey,
        commitId: built,
        name: `codebuild/${project}`,
        state: 'failed',
        outcome: 'created',
      },
      { type: 'note', repository: pair.gitlabKey, mergeRequest, commitId: built, outcome: 'created' },
    ]);
    // The failing CodeBuild now blocks the merge, and the merge request says why.
    const notes = async () =>
      (
        await gitlabGet<{ body: string }[]>(
          stack,
          pair.project,
          `/merge_requests/${mergeRequest}/notes`,
          token,
        )
      ).map((note) => note.body);
    const [note, ...otherNotes] = await notes();
    expect(otherNotes).toStrictEqual([]);
    expect(note).toContain(`**codebuild/${project}** failed on ${built.slice(0, 12)}`);
    expect(note).toContain('at `BUILD: COMMAND_EXECUTION_ERROR');
    expect(note).toMatch(/\[Build logs\]\(https:\/\/console\.aws\.amazon\.com\/cloudwatch\//);
    expect(await mergeStatus()).toStrictEqual({ merge: 'ci_must_pass', pipeline: 'failed' });
    expect(await report(failedEvent)).toMatchObject([
      { type: 'status', state: 'failed', outcome: 'unchanged' },
      { type: 'note', mergeRequest, outcome: 'unchanged' },
    ]);
    expect(await notes()).toHaveLength(1);

    const statuses = await statusesOf(stack, pair.project, built, token);
    const failedStatuses = statuses.filter((status) => status.status === 'failed');
    expect(failedStatuses).toHaveLength(1);
    expect(failedStatuses[0]).toMatchObject({
      name: `codebuild/${project}`,
      sha: built,
      target_url: expect.stringMatching(
        /^https:\/\/console\.aws\.amazon\.com\/cloudwatch\/home\?region=.*#logEvent:group=\/aws\/codebuild\//,
      ),
      description: expect.stringMatching(/failed .*at BUILD: COMMAND_EXECUTION_ERROR/),
    });
    expect(await statusesOf(stack, pair.project, other, token)).toStrictEqual([]);
  });
});

describe('commits made only on the CodeCommit side', () => {
  it('are alerted with their author, message and files, and left alone without adopt', async () => {
    const { pair, mirror, before } = await mirroredPair({ adopt: false });
    await stack.drainAlerts(0);
    const foreign = await pushFiles(developer, pair.codecommitName, 'main', {
      'k8s/hotfix.yaml': 'replicas: 3\n',
    });

    const { actions } = await mirror.mirrorSync(mainMoved(pair, before.codecommit, foreign));
    expect(actions.map((action) => action.type)).toStrictEqual(['mirror', 'alert']);
    expect(actions[0]).toMatchObject({ state: 'codecommit-ahead', ahead: 1, behind: 0 });
    const [alert, ...more] = await stack.drainAlerts();
    expect(more).toStrictEqual([]);
    expect(alert?.subject).toBe(`1 commit(s) only on CodeCommit ${pair.codecommitName}/main`);
    expect(alert?.message).toContain(foreign.slice(0, 12));
    expect(alert?.message).toContain('developer@example.com');
    expect(alert?.message).toContain('Change k8s/hotfix.yaml');
    expect(alert?.message).toContain('k8s/hotfix.yaml');
    expect((await heads(pair)).gitlab).toBe(before.gitlab);
  });

  it('are adopted onto GitLab with a trailer, mirrored back, and never replayed twice', async () => {
    const { pair, mirror, before } = await mirroredPair({ adopt: true });
    await stack.drainAlerts(0);
    const foreign = await pushFiles(developer, pair.codecommitName, 'main', {
      'k8s/hotfix.yaml': 'replicas: 3\n',
    });
    const event = mainMoved(pair, before.codecommit, foreign, 'codecommit-only-commit');

    const { actions } = await mirror.mirrorSync(event);
    expect(actions.map((action) => action.type)).toStrictEqual(['mirror', 'alert', 'adopt', 'sync']);
    const adopt = actions[2];
    if (adopt?.type !== 'adopt') throw new Error('no adoption');
    const adopted = adopt.commits[0]?.to;
    expect(adopt.commits).toStrictEqual([{ from: foreign, to: adopted }]);

    // GitLab holds the change, by the same author, with a trailer naming the original commit.
    const onGitLab = await commitsSince(pair.gitlabGitDir, before.gitlab, 'main');
    expect(onGitLab.map((commit) => commit.id)).toStrictEqual([adopted]);
    expect(await fileAt(pair.gitlabGitDir, 'refs/heads/main', 'k8s/hotfix.yaml')).toBe('replicas: 3');
    expect(await git(pair.gitlabGitDir, 'log', '-1', '--format=%an <%ae>', adopted ?? '')).toBe(
      'Developer <developer@example.com>',
    );
    expect(onGitLab[0]?.body).toContain(
      `Flowkeeper-Adopted-From: codecommit:${pair.codecommitName}@${foreign}`,
    );
    // The sync forced the mirror: CodeCommit now holds GitLab's commit, the change kept.
    expect(await heads(pair)).toStrictEqual({ gitlab: adopted, codecommit: adopted });
    const [alert] = await stack.drainAlerts();
    expect(alert?.message).toContain('Flowkeeper replays them onto GitLab');

    // The mirror push arrives as a CodeCommit update: in sync, nothing more.
    const back = await mirror.mirrorSync(mainMoved(pair, foreign, adopted ?? ''));
    expect(back.actions).toStrictEqual([
      expect.objectContaining({ type: 'mirror', state: 'in-sync', ahead: 0, behind: 0 }),
    ]);
    // A redelivery of the first event finds the commit adopted: no second replay, no second alert.
    const again = await mirror.mirrorSync(event);
    expect(again.actions.map((action) => action.type)).toStrictEqual(['mirror', 'sync']);
    expect(
      (await commitsSince(pair.gitlabGitDir, before.gitlab, 'main')).map((commit) => commit.id),
    ).toStrictEqual([adopted]);
    expect(await stack.drainAlerts(0)).toStrictEqual([]);
  });
});

interface EmfLine {
  _aws: {
    CloudWatchMetrics: {
      Namespace: string;
      Dimensions: string[][];
      Metrics: { Name: string; Unit: string }[];
    }[];
  };
  [key: string]: unknown;
}

/** What `run` wrote to this process's stdout (where the metrics adapter prints EMF), with its result. */
async function withStdout<T>(run: () => Promise<T>): Promise<{ result: T; stdout: string }> {
  const written: string[] = [];
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  });
  try {
    return { result: await run(), stdout: written.join('') };
  } finally {
    write.mockRestore();
  }
}

const emfLines = (stdout: string): EmfLine[] =>
  stdout
    .split('\n')
    .filter((line) => line.startsWith('{') && line.includes('"_aws"'))
    .map((line) => JSON.parse(line) as EmfLine);

describe('the scheduled drift check', () => {
  it('publishes drift metrics for every mirrored branch and alerts drift older than the threshold', async () => {
    // Branch globs are expanded from GitLab's branch list.
    const inSync = await mirrorPair(stack, { branches: ['main', 'release/*'] });
    await git(inSync.gitlabGitDir, 'branch', 'release/1.0', 'main');
    await git(inSync.gitlabGitDir, 'branch', 'feature/not-mirrored', 'main');
    await stack.emulators.gitlab.runMirror(inSync.project);
    const lagging = await mirrorPair(stack, { driftAlertMinutes: 30 });
    const mirror = await configure([inSync, lagging]);
    const stale = await commitAgedOnGitLab(lagging, 95, 'Raise the replica count');
    await stack.drainAlerts(0);

    const drift = await scheduledDriftCheck();
    const { result, stdout } = await withStdout(() => mirror.mirrorSync(drift));
    expect(result.actions.filter((action) => action.type === 'mirror')).toMatchObject([
      { gitlab: inSync.gitlabKey, branch: 'main', state: 'in-sync', lagSeconds: 0 },
      { gitlab: inSync.gitlabKey, branch: 'release/1.0', state: 'in-sync', lagSeconds: 0 },
      { gitlab: lagging.gitlabKey, branch: 'main', state: 'gitlab-ahead', behind: 1, ahead: 0 },
    ]);

    const metrics = emfLines(stdout);
    const byMirror = (fixture: MirrorPairFixture, branch = 'main') =>
      metrics.find(
        (line) => line.Mirror === `${fixture.gitlabKey}->${fixture.codecommitKey}` && line.Branch === branch,
      );
    expect(metrics).toHaveLength(3);
    expect(byMirror(inSync, 'release/1.0')).toMatchObject({ MirrorInSync: 1, MirrorCommitsBehind: 0 });
    expect(byMirror(inSync)).toMatchObject({
      Branch: 'main',
      MirrorInSync: 1,
      MirrorLagSeconds: 0,
      MirrorCommitsBehind: 0,
      MirrorCommitsAhead: 0,
    });
    const lag = byMirror(lagging);
    expect(lag).toMatchObject({
      Branch: 'main',
      MirrorInSync: 0,
      MirrorCommitsBehind: 1,
      MirrorCommitsAhead: 0,
    });
    expect(lag?.MirrorLagSeconds).toBeGreaterThanOrEqual(95 * 60);
    const [directive] = lag?._aws.CloudWatchMetrics ?? [];
    expect(directive?.Namespace).toBe('Flowkeeper');
    expect(directive?.Dimensions.flat()).toEqual(expect.arrayContaining(['Mirror', 'Branch']));
    expect(directive?.Metrics).toEqual(
      expect.arrayContaining([
        { Name: 'MirrorInSync', Unit: 'Count' },
        { Name: 'MirrorLagSeconds', Unit: 'Seconds' },
        { Name: 'MirrorCommitsBehind', Unit: 'Count' },
        { Name: 'MirrorCommitsAhead', Unit: 'Count' },
      ]),
    );

    const alerts = await stack.drainAlerts();
    expect(alerts.map((alert) => alert.subject)).toStrictEqual([
      `Mirror drift: ${lagging.codecommitName}/main gitlab-ahead for 95 min`,
    ]);
    expect(alerts[0]?.message).toContain(stale);
    // The check changes nothing on either side.
    expect((await heads(lagging)).codecommit).not.toBe(stale);
  });
});

describe('the GitLab token', () => {
  it('is refused by GitLab with an error naming where it is stored, not the token', async () => {
    const revoked = 'glpat-revoked-5f4e3d2c1b0a';
    await storeToken(stack, revoked, '/app/mirror/gitlab/revoked-token');
    const pair = await mirrorPair(stack);
    const config = mirrorConfig([pair]) as { repositories: Record<string, Record<string, unknown>> };
    const gitlab = config.repositories[pair.gitlabKey];
    if (gitlab) gitlab.token = { ssm: '/app/mirror/gitlab/revoked-token' };
    const mirror = await mirrorServices(config);
    const before = await heads(pair);

    const error = await mirror.mirrorSync(await scheduledDriftCheck()).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    // Refused credentials are permanent, so never retried; nothing changed.
    expect(error).toBeInstanceOf(GitHostError);
    expect(isPermanentError(error)).toBe(true);
    const { name, message } = error as GitHostError;
    expect(name).toBe('GitHostError');
    expect(message).toMatch(
      /answered 401 .*check the GitLab access token in SSM parameter \/app\/mirror\/gitlab\/revoked-token/,
    );
    expect(message).not.toContain(revoked);
    expect(await heads(pair)).toStrictEqual(before);
  });

  it('is read from Secrets Manager as well', async () => {
    const secrets = new SecretsManagerClient({
      endpoint: stack.emulators.moto.endpoint,
      region: stack.emulators.env.AWS_REGION ?? 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const secretId = `app/mirror/gitlab-token-${process.pid}`;
    try {
      await secrets.send(new CreateSecretCommand({ Name: secretId, SecretString: `${token}\n` }));
    } finally {
      secrets.destroy();
    }
    const pair = await mirrorPair(stack, { token: { secretsManager: secretId } });
    const mirror = await configure([pair]);
    const drift = await scheduledDriftCheck();
    const { result } = await withStdout(() => mirror.mirrorSync(drift));
    expect(result.actions).toMatchObject([{ type: 'mirror', state: 'in-sync' }]);
  });
});
