import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MirrorAction, MirrorResult } from '#app/mirror/result.ts';
import { ecrPushEvent } from '#test/events.ts';
import { actionsOf, commitActions, resultOf } from './support/deliver.ts';
import { sampleEvent } from './support/example.ts';
import {
  expectCommitThenSync,
  expectCommittedThenMirrored,
  expectNoCommitNorSync,
  heads,
  InvocationLog,
  mirrorConfig,
  mirrorPair,
  storeToken,
} from './support/gitlab.ts';
import { eventResults, openImageEventQueue } from './support/queued.ts';
import { type Stack, startStack } from './support/stack.ts';

// GitLab is the primary and push-mirrors into CodeCommit. What stays here runs through the bundles
// as deployed: the image event queue's batch (its commits, then one mirror start), the container
// wiring of ImageBumpFunction and MirrorSyncFunction (the GitLab token
// read by the function's own SSM and Secrets Manager clients, configured from its environment, and
// the error policy answering a refused token) and everything the processes print, against the
// GitLab emulator (REST v4 on real git repositories, with a push-mirror switch that copies refs
// into the CodeCommit emulator's repositories), the CodeCommit emulator and moto. The services'
// behaviours (mirror starts, build statuses, foreign commits, drift) are tested in process in
// test/app/mirror/gitlab-mirror.test.ts.

let stack: Stack;
let log: InvocationLog;
let token: string;
let configs = 0;

beforeAll(async () => {
  stack = await startStack(['ImageBumpFunction', 'MirrorSyncFunction']);
  log = new InvocationLog(stack);
  token = stack.emulators.gitlabToken;
  await storeToken(stack, token);
});
afterAll(async () => {
  await stack?.stop();
});

async function configure(config: unknown): Promise<string> {
  const parameter = `/reliability/gitlab/config-${++configs}`;
  await stack.putConfig(parameter, config);
  return parameter;
}

describe('a bump on a GitLab primary', () => {
  it('commits on GitLab, then starts the push mirror, so CodeCommit holds the bump at once', async () => {
    const pair = await mirrorPair(stack);
    const config = await configure(mirrorConfig([pair]));
    const before = await heads(pair);
    stack.emulators.gitlab.calls.length = 0;

    const push = ecrPushEvent({ 'image-tag': '1.4.2' }, 'gitlab-push-1.4.2');
    const { outcomes } = await log.invoke('ImageBumpFunction', config, [push]);
    const [outcome] = outcomes;
    const result = resultOf<{ actions: (MirrorAction | { type: string })[] }>(outcome);
    const commit = expectCommitThenSync(result.actions, pair, before);
    // One commit on GitLab, changing the four release files and nothing else, then the sync.
    const after = await expectCommittedThenMirrored(stack, pair, before, commit);

    // A redelivered push changes nothing on GitLab and starts no mirror.
    stack.emulators.gitlab.calls.length = 0;
    const { outcomes: replayed } = await log.invoke('ImageBumpFunction', config, [push]);
    expect(commitActions(actionsOf(replayed[0]))).toStrictEqual([]);
    expectNoCommitNorSync(stack, pair);
    expect(await heads(pair)).toStrictEqual(after);
  });
});

describe('a bump on a GitLab primary, through the image event queue', () => {
  it('commits on GitLab, then starts the push mirror once, and a redelivery does neither', async () => {
    const pair = await mirrorPair(stack);
    const config = await configure(mirrorConfig([pair]));
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
      const after = await expectCommittedThenMirrored(stack, pair, before, commit);

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
      expectNoCommitNorSync(stack, pair);
      expect(await heads(pair)).toStrictEqual(after);
    } finally {
      await queue.stop();
    }
  });
});

describe('the GitLab token', () => {
  it('is read by the functions from SSM or Secrets Manager, and never appears in what they printed or answered, even refused', async () => {
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
    const fromSecret = await mirrorPair(stack, { token: { secretsManager: 'reliability/gitlab-token' } });
    const drift = await sampleEvent('scheduled-drift-check.json');
    const read = await log.invoke('MirrorSyncFunction', await configure(mirrorConfig([fromSecret])), [drift]);
    expect(resultOf<MirrorResult>(read.outcomes[0]).actions).toMatchObject([
      { type: 'mirror', state: 'in-sync' },
    ]);

    const revoked = 'glpat-revoked-5f4e3d2c1b0a';
    await storeToken(stack, revoked, '/reliability/gitlab/revoked-token');
    const refusedPair = await mirrorPair(stack);
    const settings = mirrorConfig([refusedPair]) as {
      repositories: Record<string, Record<string, unknown>>;
    };
    const gitlab = settings.repositories[refusedPair.gitlabKey];
    if (gitlab) gitlab.token = { ssm: '/reliability/gitlab/revoked-token' };
    const refused = await log.invoke('MirrorSyncFunction', await configure(settings), [drift]);
    // Refused credentials are not retried: the event is answered with the error, and nothing changed.
    const result = resultOf<MirrorResult & { error?: { type: string; message: string } }>(
      refused.outcomes[0],
    );
    expect(result.actions).toStrictEqual([]);
    expect(result.error?.type).toBe('GitHostError');
    expect(result.error?.message).toMatch(
      /answered 401 .*check the GitLab access token in SSM parameter \/reliability\/gitlab\/revoked-token/,
    );

    // Runs last: every invocation of this file logged at debug level into `log`.
    const printed = log.printed.join('\n');
    expect(log.printed.length).toBeGreaterThan(10);
    expect(printed).toContain('event handled');
    expect(printed).not.toContain(token);
    expect(printed).not.toContain(revoked);
  });
});
