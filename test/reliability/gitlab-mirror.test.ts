import { CodeBuildClient, StartBuildCommand } from '@aws-sdk/client-codebuild';
import type { CodeCommitClient } from '@aws-sdk/client-codecommit';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowResult } from '#app/branch-flow/result.ts';
import type { MirrorAction, MirrorResult } from '#app/mirror/result.ts';
import { buildStateEvent } from '#test/codebuild-events.ts';
import { referenceEvent } from '#test/codecommit-events.ts';
import { ecrPushEvent } from '#test/events.ts';
import type { Outcome } from '#test/function-process/index.ts';
import { actionsOf, commitActions, resultOf } from './support/deliver.ts';
import { releaseTags, sampleEvent } from './support/example.ts';
import { commitsSince, fileAt, git } from './support/git.ts';
import {
  commitAgedOnGitLab,
  gitlabGet,
  heads,
  InvocationLog,
  type MirrorPairFixture,
  mirrorConfig,
  mirrorPair,
  projectRoutes,
  statusesOf,
  storeToken,
} from './support/gitlab.ts';
import { clientAs, IDENTITIES, pushFiles } from './support/pull-requests.ts';
import { eventResults, openImageEventQueue } from './support/queued.ts';
import { type Stack, startStack } from './support/stack.ts';

// GitLab is the primary and push-mirrors into CodeCommit, where CodeBuild builds. The chain runs
// against the GitLab emulator (REST v4 on real git repositories, with a push-mirror switch that
// copies refs into the CodeCommit emulator's repositories), the CodeCommit and CodeBuild emulators
// and moto (the token in an SSM SecureString, the alert topic).

const COMMIT_ROUTE = 'POST /projects/:id/repository/commits';
const SYNC_ROUTE = 'POST /projects/:id/remote_mirrors/:mirror_id/sync';
const PROJECT = 'manifests-validate';

let stack: Stack;
let log: InvocationLog;
let developer: CodeCommitClient;
let token: string;
let configs = 0;

beforeAll(async () => {
  stack = await startStack(['ImageBumpFunction', 'BuildReportFunction', 'MirrorSyncFunction']);
  log = new InvocationLog(stack);
  developer = clientAs(stack, IDENTITIES.developer);
  token = stack.emulators.gitlabToken;
  await storeToken(stack, token);
});
afterAll(async () => {
  developer?.destroy();
  await stack?.stop();
});

async function configure(fixtures: MirrorPairFixture[]): Promise<string> {
  const parameter = `/reliability/gitlab/config-${++configs}`;
  await stack.putConfig(parameter, mirrorConfig(fixtures));
  return parameter;
}

const mirrorActions = (outcome: Outcome | undefined): MirrorAction[] =>
  resultOf<MirrorResult>(outcome).actions;

/** The `referenceUpdated` CodeCommit sends when `main` of the pair's repository moved `from` → `to`. */
const mainMoved = (fixture: MirrorPairFixture, from: string, to: string, id?: string) =>
  referenceEvent(
    'referenceUpdated',
    { repositoryName: fixture.codecommitName, branch: 'main', oldCommitId: from, commitId: to },
    id,
  );

describe('a bump on a GitLab primary', () => {
  it('commits on GitLab, then starts the push mirror, so CodeCommit holds the bump at once', async () => {
    const pair = await mirrorPair(stack);
    const config = await configure([pair]);
    const before = await heads(pair);
    stack.emulators.gitlab.calls.length = 0;

    const push = ecrPushEvent({ 'image-tag': '1.4.2' }, 'gitlab-push-1.4.2');
    const { outcomes } = await log.invoke('ImageBumpFunction', config, [push]);
    const [outcome] = outcomes;
    const result = resultOf<{ actions: (MirrorAction | { type: string })[] }>(outcome);

    const [commit] = commitActions(actionsOf(outcome));
    expect(commit).toMatchObject({
      repository: pair.gitlabKey,
      branch: 'main',
      parentCommitId: before.gitlab,
    });
    expect(result.actions.at(-1)).toStrictEqual({
      type: 'sync',
      gitlab: pair.gitlabKey,
      codecommit: pair.codecommitKey,
      mirrorId: pair.mirrorId,
    });
    // One commit on GitLab, changing the four release files and nothing else, then the sync.
    const routes = projectRoutes(stack.emulators.gitlab.calls, pair.project);
    expect(routes.filter((route) => route === COMMIT_ROUTE)).toHaveLength(1);
    expect(routes.filter((route) => route === SYNC_ROUTE)).toHaveLength(1);
    expect(routes.indexOf(SYNC_ROUTE)).toBeGreaterThan(routes.indexOf(COMMIT_ROUTE));
    const [created] = await commitsSince(pair.gitlabGitDir, before.gitlab, 'main');
    expect(created?.id).toBe(commit?.commitId);
    expect(created?.paths.sort()).toStrictEqual([
      'base/kustomization.yaml',
      'charts/my-app/values.yaml',
      'ecs/imagedefinitions.json',
      'k8s/deployment.yaml',
    ]);
    const after = await heads(pair);
    expect(after.codecommit).toBe(commit?.commitId);
    expect(await releaseTags((path) => fileAt(pair.codecommitGitDir, 'refs/heads/main', path))).toStrictEqual(
      ['1.4.2', '1.4.2', '1.4.2', '1.4.2'],
    );

    // A redelivered push changes nothing on GitLab and starts no mirror.
    stack.emulators.gitlab.calls.length = 0;
    const { outcomes: replayed } = await log.invoke('ImageBumpFunction', config, [push]);
    expect(commitActions(actionsOf(replayed[0]))).toStrictEqual([]);
    const replayRoutes = projectRoutes(stack.emulators.gitlab.calls, pair.project);
    expect(replayRoutes).not.toContain(COMMIT_ROUTE);
    expect(replayRoutes).not.toContain(SYNC_ROUTE);
    expect(await heads(pair)).toStrictEqual(after);
  });

  it('keeps the commit and reports the mirror it could not start', async () => {
    const pair = await mirrorPair(stack);
    const config = await configure([pair]);
    const before = await heads(pair);
    stack.emulators.gitlab.faults.failSequence(Array(4).fill('internalServerError'), SYNC_ROUTE);
    try {
      const { outcomes } = await log.invoke('ImageBumpFunction', config, [
        ecrPushEvent({ 'image-tag': '1.5.0' }, 'gitlab-push-sync-down'),
      ]);
      const result = resultOf<{ actions: { type: string; reason?: string }[] }>(outcomes[0]);
      expect(commitActions(actionsOf(outcomes[0]))).toHaveLength(1);
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
});

describe('a bump on a GitLab primary, through the image event queue', () => {
  it('commits on GitLab, then starts the push mirror once, and a redelivery does neither', async () => {
    const pair = await mirrorPair(stack);
    const config = await configure([pair]);
    const before = await heads(pair);
    stack.emulators.gitlab.calls.length = 0;
    const push = ecrPushEvent({ 'image-tag': '1.4.2' }, 'queued-gitlab-push-1.4.2');
    const queue = await openImageEventQueue(stack, stack.envFor(config, { POWERTOOLS_LOG_LEVEL: 'DEBUG' }));
    try {
      const report = await queue.deliver([push]);
      log.printed.push(JSON.stringify(report.invocations));
      expect(report.invocations.map((invocation) => invocation.failed)).toStrictEqual([[]]);
      const results = eventResults(report);

      const [commit, ...more] = commitActions(results.get(push.id)?.actions ?? []);
      expect(more).toStrictEqual([]);
      expect(commit).toMatchObject({
        repository: pair.gitlabKey,
        branch: 'main',
        parentCommitId: before.gitlab,
      });
      // The batch starts the mirror once, after its commits.
      expect(results.get('mirror-sync')?.actions).toStrictEqual([
        { type: 'sync', gitlab: pair.gitlabKey, codecommit: pair.codecommitKey, mirrorId: pair.mirrorId },
      ]);
      // One commit on GitLab, changing the four release files and nothing else, then the sync.
      const routes = projectRoutes(stack.emulators.gitlab.calls, pair.project);
      expect(routes.filter((route) => route === COMMIT_ROUTE)).toHaveLength(1);
      expect(routes.filter((route) => route === SYNC_ROUTE)).toHaveLength(1);
      expect(routes.indexOf(SYNC_ROUTE)).toBeGreaterThan(routes.indexOf(COMMIT_ROUTE));
      const [created] = await commitsSince(pair.gitlabGitDir, before.gitlab, 'main');
      expect(created?.id).toBe(commit?.commitId);
      expect(created?.paths.sort()).toStrictEqual([
        'base/kustomization.yaml',
        'charts/my-app/values.yaml',
        'ecs/imagedefinitions.json',
        'k8s/deployment.yaml',
      ]);
      const after = await heads(pair);
      expect(after.codecommit).toBe(commit?.commitId);
      expect(
        await releaseTags((path) => fileAt(pair.codecommitGitDir, 'refs/heads/main', path)),
      ).toStrictEqual(['1.4.2', '1.4.2', '1.4.2', '1.4.2']);

      // The push redelivered after the queue's deduplication window changes nothing on GitLab and
      // starts no mirror.
      stack.emulators.gitlab.calls.length = 0;
      const replay = await queue.deliver([push], { deduplication: 'unique' });
      log.printed.push(JSON.stringify(replay.invocations));
      expect(replay.invocations.map((invocation) => invocation.failed)).toStrictEqual([[]]);
      const replayed = eventResults(replay);
      expect(replayed.get(push.id)?.actions.length).toBeGreaterThan(0);
      expect(commitActions(replayed.get(push.id)?.actions ?? [])).toStrictEqual([]);
      expect(replayed.has('mirror-sync')).toBe(false);
      const replayRoutes = projectRoutes(stack.emulators.gitlab.calls, pair.project);
      expect(replayRoutes).not.toContain(COMMIT_ROUTE);
      expect(replayRoutes).not.toContain(SYNC_ROUTE);
      expect(await heads(pair)).toStrictEqual(after);
    } finally {
      await queue.stop();
    }
  });
});

describe('CodeBuild results as GitLab commit statuses', () => {
  it('turns a failed build of the mirror into a failed status on the built commit, once', async () => {
    const pair = await mirrorPair(stack);
    const config = await configure([pair]);
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

    const report = (event: unknown) => log.invoke('BuildReportFunction', config, [event]);
    const started = await report(buildStateEvent(running, 'IN_PROGRESS'));
    expect(resultOf<FlowResult>(started.outcomes[0]).actions).toStrictEqual([
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
    const failed = await report(failedEvent);
    expect(resultOf<FlowResult>(failed.outcomes[0]).actions).toStrictEqual([
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
    const duplicate = await report(failedEvent);
    expect(resultOf<FlowResult>(duplicate.outcomes[0]).actions).toMatchObject([
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
    const pair = await mirrorPair(stack, { adopt: false });
    const config = await configure([pair]);
    const before = await heads(pair);
    await stack.drainAlerts(0);
    const foreign = await pushFiles(developer, pair.codecommitName, 'main', {
      'k8s/hotfix.yaml': 'replicas: 3\n',
    });

    const { outcomes } = await log.invoke('MirrorSyncFunction', config, [
      mainMoved(pair, before.codecommit, foreign),
    ]);
    expect(mirrorActions(outcomes[0]).map((action) => action.type)).toStrictEqual(['mirror', 'alert']);
    expect(mirrorActions(outcomes[0])[0]).toMatchObject({ state: 'codecommit-ahead', ahead: 1, behind: 0 });
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
    const pair = await mirrorPair(stack, { adopt: true });
    const config = await configure([pair]);
    const before = await heads(pair);
    await stack.drainAlerts(0);
    const foreign = await pushFiles(developer, pair.codecommitName, 'main', {
      'k8s/hotfix.yaml': 'replicas: 3\n',
    });
    const event = mainMoved(pair, before.codecommit, foreign, 'codecommit-only-commit');

    const { outcomes } = await log.invoke('MirrorSyncFunction', config, [event]);
    const actions = mirrorActions(outcomes[0]);
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
    const back = await log.invoke('MirrorSyncFunction', config, [mainMoved(pair, foreign, adopted ?? '')]);
    expect(mirrorActions(back.outcomes[0])).toStrictEqual([
      expect.objectContaining({ type: 'mirror', state: 'in-sync', ahead: 0, behind: 0 }),
    ]);
    // A redelivery of the first event finds the commit adopted: no second replay, no second alert.
    const again = await log.invoke('MirrorSyncFunction', config, [event]);
    expect(mirrorActions(again.outcomes[0]).map((action) => action.type)).toStrictEqual(['mirror', 'sync']);
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
    const config = await configure([inSync, lagging]);
    const stale = await commitAgedOnGitLab(lagging, 95, 'Raise the replica count');
    await stack.drainAlerts(0);

    const { outcomes, stdout } = await log.invoke('MirrorSyncFunction', config, [
      await sampleEvent('scheduled-drift-check.json'),
    ]);
    const actions = mirrorActions(outcomes[0]);
    expect(actions.filter((action) => action.type === 'mirror')).toMatchObject([
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
    const drift = byMirror(lagging);
    expect(drift).toMatchObject({
      Branch: 'main',
      MirrorInSync: 0,
      MirrorCommitsBehind: 1,
      MirrorCommitsAhead: 0,
    });
    expect(drift?.MirrorLagSeconds).toBeGreaterThanOrEqual(95 * 60);
    const [directive] = drift?._aws.CloudWatchMetrics ?? [];
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
    await storeToken(stack, revoked, '/reliability/gitlab/revoked-token');
    const pair = await mirrorPair(stack);
    const config = `/reliability/gitlab/config-${++configs}`;
    const settings = mirrorConfig([pair]) as { repositories: Record<string, Record<string, unknown>> };
    const gitlab = settings.repositories[pair.gitlabKey];
    if (gitlab) gitlab.token = { ssm: '/reliability/gitlab/revoked-token' };
    await stack.putConfig(config, settings);

    const { outcomes } = await log.invoke('MirrorSyncFunction', config, [
      await sampleEvent('scheduled-drift-check.json'),
    ]);
    // Refused credentials are not retried: the event is answered with the error, and nothing changed.
    const result = resultOf<MirrorResult & { error?: { type: string; message: string } }>(outcomes[0]);
    expect(result.actions).toStrictEqual([]);
    expect(result.error?.type).toBe('GitHostError');
    expect(result.error?.message).toMatch(
      /answered 401 .*check the GitLab access token in SSM parameter \/reliability\/gitlab\/revoked-token/,
    );
    expect(log.printed.join('\n')).not.toContain(revoked);
  });

  it('is read from Secrets Manager as well', async () => {
    const secrets = new SecretsManagerClient({
      endpoint: stack.emulators.moto.endpoint,
      region: stack.emulators.env.AWS_REGION ?? 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    try {
      await secrets.send(
        new CreateSecretCommand({ Name: 'reliability/gitlab-token', SecretString: `${token}\n` }),
      );
    } finally {
      secrets.destroy();
    }
    const pair = await mirrorPair(stack, { token: { secretsManager: 'reliability/gitlab-token' } });
    const config = await configure([pair]);
    const { outcomes } = await log.invoke('MirrorSyncFunction', config, [
      await sampleEvent('scheduled-drift-check.json'),
    ]);
    expect(mirrorActions(outcomes[0])).toMatchObject([{ type: 'mirror', state: 'in-sync' }]);
  });

  it('never appears in what any function printed or answered', () => {
    // Runs last: every invocation of this file logged at debug level into `log`.
    expect(log.printed.length).toBeGreaterThan(10);
    expect(log.printed.join('\n')).toContain('event handled');
    expect(log.printed.join('\n')).not.toContain(token);
  });
});
