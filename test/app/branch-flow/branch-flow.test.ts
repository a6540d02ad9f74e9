import type { CodeCommitClient } from '@aws-sdk/client-codecommit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullRequestEvent, referenceEvent } from '#test/codecommit-events.ts';
import { buildBundle, invokeBundle } from '#test/function-process/index.ts';
import { type InProcessFlow, inProcessFlow } from '../../reliability/support/in-process.ts';
import {
  arnOf,
  clientAs,
  commentsOn,
  flowActions,
  headOf,
  IDENTITIES,
  mergeFastForward,
  openPullRequest,
  openPullRequests,
  promotionChain,
  pullRequestFields,
  pullRequestStatus,
  pushFiles,
} from '../../reliability/support/pull-requests.ts';
import { type Stack, startStack } from '../../reliability/support/stack.ts';

// The branch-flow service in this process, through its ports: the real CodeCommit, CodeBuild, SNS
// and SSM adapters against the CodeCommit and CodeBuild emulators and moto, with a developer and
// Flowkeeper as two different identities. The bundle itself runs in test/reliability.

let stack: Stack;
let developer: CodeCommitClient;
let repositories = 0;
const flows: InProcessFlow[] = [];

beforeAll(async () => {
  stack = await startStack([]);
  developer = clientAs(stack, IDENTITIES.developer);
  stack.emulators.codebuild.createProject('manifests-validate');
});
afterAll(async () => {
  developer?.destroy();
  for (const flow of flows) flow.stop();
  await stack?.stop();
});

interface FlowOptions {
  onViolation?: 'comment' | 'close' | 'revoke-approval';
  validation?: boolean;
  trustedPushers?: string[];
}

/** A promotion chain dev → stg → main and the configuration of its flow. */
async function flowRepository(options: FlowOptions = {}) {
  repositories += 1;
  const name = `flow-${repositories}`;
  const configParameter = `/reliability/branch-flow/${name}`;
  await promotionChain(stack, developer, name, configParameter, {
    trustedPushers: options.trustedPushers ?? [],
    onViolation: options.onViolation ?? 'close',
    openPromotionPullRequest: true,
    ...(options.validation ? { validation: { project: 'manifests-validate', approve: true } } : {}),
  });
  const flow = inProcessFlow(stack, configParameter, { accessKeyId: IDENTITIES.flowkeeper });
  flows.push(flow);
  return { name, configParameter, invoke: flow.invoke };
}

describe('a pull request against the flow', () => {
  it('is commented on once and closed, however often the event arrives', async () => {
    const repo = await flowRepository({ onViolation: 'close' });
    await pushFiles(developer, repo.name, 'feature/probe', { 'app/probe.yaml': 'probe: true\n' });
    const id = await openPullRequest(developer, repo.name, 'feature/probe', 'main');
    const event = pullRequestEvent('pullRequestCreated', await pullRequestFields(developer, id));

    const [first] = await repo.invoke([event]);
    expect(flowActions(first).map((a) => a.type)).toEqual(['check', 'comment', 'close']);
    await repo.invoke([event, event]);
    await repo.invoke([event, event], 2);

    expect(await pullRequestStatus(developer, id)).toBe('CLOSED');
    const comments = await commentsOn(developer, id);
    expect(comments).toHaveLength(1);
    expect(comments[0]?.authorArn).toBe(arnOf(IDENTITIES.flowkeeper));
    expect(comments[0]?.content).toContain('Pull request from feature/probe into main refused');
    expect(comments[0]?.content).toContain('Allowed sources: `stg`');
    expect(comments[0]?.content).toContain('Flowkeeper closed this pull request');
  });

  it('stays open with one comment when the flow only comments', async () => {
    const repo = await flowRepository({ onViolation: 'comment' });
    const id = await openPullRequest(developer, repo.name, 'dev', 'main');
    const [outcome] = await repo.invoke([
      pullRequestEvent('pullRequestCreated', await pullRequestFields(developer, id)),
    ]);
    expect(flowActions(outcome).map((a) => a.type)).toEqual(['check', 'comment']);
    expect(await pullRequestStatus(developer, id)).toBe('OPEN');
    const [comment] = await commentsOn(developer, id);
    expect(comment?.content).toContain('would skip stg');
  });

  it('is only commented on with revoke-approval (the approver withholds its approval)', async () => {
    const repo = await flowRepository({ onViolation: 'revoke-approval', validation: true });
    const id = await openPullRequest(developer, repo.name, 'stg', 'dev');
    const [outcome] = await repo.invoke([
      pullRequestEvent('pullRequestCreated', await pullRequestFields(developer, id)),
    ]);
    expect(flowActions(outcome).map((a) => a.type)).toEqual(['check', 'comment']);
    expect((await commentsOn(developer, id))[0]?.content).toContain('withholds its approval');
    expect(
      stack.emulators.codebuild
        .builds()
        .filter((b) =>
          b.environment.environmentVariables.some((v) => v.value === id && v.name === 'PULL_REQUEST_ID'),
        ),
    ).toEqual([]);
  });
});

describe('an allowed pull request', () => {
  it('starts one validation build of its revision, with the pull request in the variables', async () => {
    const repo = await flowRepository({ validation: true });
    const source = await pushFiles(developer, repo.name, 'feature/ok', { 'app/extra.yaml': 'a: 1\n' }, 'dev');
    const id = await openPullRequest(developer, repo.name, 'feature/ok', 'dev');
    const fields = await pullRequestFields(developer, id);
    const event = pullRequestEvent('pullRequestCreated', fields);
    const before = stack.emulators.codebuild.builds().length;

    const outcomes = await repo.invoke([event, event]);
    expect(flowActions(outcomes[0]).map((a) => a.type)).toEqual(['check', 'build']);
    const builds = stack.emulators.codebuild.builds().slice(before);
    expect(builds).toHaveLength(1);
    expect(builds[0]?.sourceVersion).toBe(source);
    const variables = Object.fromEntries(
      builds[0]?.environment.environmentVariables.map((v) => [v.name, v.value]) ?? [],
    );
    expect(variables).toMatchObject({
      PULL_REQUEST_ID: id,
      REPOSITORY_NAME: repo.name,
      SOURCE_BRANCH: 'feature/ok',
      DESTINATION_BRANCH: 'dev',
      SOURCE_COMMIT: source,
      DESTINATION_COMMIT: fields.destinationCommit,
      REVISION_ID: fields.revisionId,
    });
    expect(await commentsOn(developer, id)).toEqual([]);
  });

  it('builds the new revision when the source moves, and leaves a superseded revision alone', async () => {
    const repo = await flowRepository({ validation: true });
    await pushFiles(developer, repo.name, 'feature/moving', { 'app/a.yaml': 'a: 1\n' }, 'dev');
    const id = await openPullRequest(developer, repo.name, 'feature/moving', 'dev');
    const first = await pullRequestFields(developer, id);
    await pushFiles(developer, repo.name, 'feature/moving', { 'app/a.yaml': 'a: 2\n' });
    const second = await pullRequestFields(developer, id);
    expect(second.revisionId).not.toBe(first.revisionId);
    const before = stack.emulators.codebuild.builds().length;

    const [updated, late] = await repo.invoke([
      pullRequestEvent('pullRequestSourceBranchUpdated', second),
      pullRequestEvent('pullRequestCreated', first),
    ]);
    expect(flowActions(updated).map((a) => a.type)).toEqual(['check', 'build']);
    expect(flowActions(late).at(-1)).toMatchObject({
      type: 'skip',
      reason: expect.stringContaining('superseded'),
    });
    const builds = stack.emulators.codebuild.builds().slice(before);
    expect(builds.map((b) => b.sourceVersion)).toEqual([second.sourceCommit]);
  });
});

describe('a merge into a stage', () => {
  it('opens one promotion pull request to the next stage, listing the image that changes', async () => {
    const repo = await flowRepository();
    const id = await openPullRequest(developer, repo.name, 'dev', 'stg');
    await mergeFastForward(developer, repo.name, id);
    const merged = await pullRequestFields(developer, id);
    const event = pullRequestEvent('pullRequestMergeStatusUpdated', merged);
    const before = new Set(await openPullRequests(developer, repo.name));

    const outcomes = await repo.invoke([event, event]);
    await repo.invoke([event], 1);
    const opened = (await openPullRequests(developer, repo.name)).filter((pr) => !before.has(pr));
    expect(opened).toHaveLength(1);
    const promotion = await pullRequestFields(developer, opened[0] ?? '');
    expect([promotion.source, promotion.destination]).toEqual(['stg', 'main']);
    expect(promotion.authorArn).toBe(arnOf(IDENTITIES.flowkeeper));
    expect(flowActions(outcomes[0])).toEqual([
      expect.objectContaining({
        type: 'promotion',
        source: 'stg',
        destination: 'main',
        changes: [expect.objectContaining({ image: 'my-app', from: '1.4.0', to: '1.4.2' })],
      }),
    ]);
  });
});

describe('other pull-request events', () => {
  it('opens no second promotion while one is open, and none after the last stage or a close', async () => {
    const repo = await flowRepository();
    const first = await openPullRequest(developer, repo.name, 'dev', 'stg');
    await mergeFastForward(developer, repo.name, first);
    await repo.invoke([
      pullRequestEvent('pullRequestMergeStatusUpdated', await pullRequestFields(developer, first)),
    ]);
    const [promotion] = await openPullRequests(developer, repo.name);

    await pushFiles(developer, repo.name, 'dev', { 'app/more.yaml': 'b: 1\n' });
    const second = await openPullRequest(developer, repo.name, 'dev', 'stg');
    await mergeFastForward(developer, repo.name, second);
    const [again] = await repo.invoke([
      pullRequestEvent('pullRequestMergeStatusUpdated', await pullRequestFields(developer, second)),
    ]);
    expect(flowActions(again)).toEqual([
      expect.objectContaining({
        type: 'skip',
        reason: expect.stringContaining(`pull request ${promotion} (stg → main) is already open`),
      }),
    ]);

    await mergeFastForward(developer, repo.name, promotion ?? '');
    const [last] = await repo.invoke([
      pullRequestEvent('pullRequestMergeStatusUpdated', await pullRequestFields(developer, promotion ?? '')),
    ]);
    expect(flowActions(last)).toEqual([
      expect.objectContaining({
        type: 'skip',
        reason: expect.stringContaining('main is the last stage of dev → stg → main'),
      }),
    ]);

    const abandoned = await openPullRequest(developer, repo.name, 'dev', 'stg');
    const [closed] = await repo.invoke([
      pullRequestEvent('pullRequestStatusChanged', {
        ...(await pullRequestFields(developer, abandoned)),
        status: 'CLOSED',
      }),
    ]);
    expect(flowActions(closed)).toEqual([
      expect.objectContaining({ type: 'skip', reason: expect.stringContaining('closed without merging') }),
    ]);
    expect(await openPullRequests(developer, repo.name)).toEqual([abandoned]);
  });

  it('skips an event of a repository without flow rules', async () => {
    const repo = await flowRepository();
    const id = await openPullRequest(developer, repo.name, 'dev', 'main');
    const fields = { ...(await pullRequestFields(developer, id)), repositoryName: 'not-configured' };
    const [outcome] = await repo.invoke([pullRequestEvent('pullRequestCreated', fields)]);
    expect(flowActions(outcome)).toEqual([
      expect.objectContaining({
        type: 'skip',
        reason: 'repository not-configured has no flow rules in the configuration',
      }),
    ]);
    expect(await commentsOn(developer, id)).toEqual([]);
  });
});

describe('a branch update', () => {
  const sessionOf = (role: string) => `arn:aws:sts::111122223333:assumed-role/${role}/session-1`;

  /** Alice pushes straight to main; the alert queue is drained first. */
  async function directPush(content: string) {
    const repo = await flowRepository();
    const old = await headOf(developer, repo.name, 'main');
    const pushed = await pushFiles(developer, repo.name, 'main', { 'app/hotfix.yaml': content });
    await stack.drainAlerts(0);
    const event = referenceEvent('referenceUpdated', {
      repositoryName: repo.name,
      branch: 'main',
      oldCommitId: old,
      commitId: pushed,
      callerArn: 'arn:aws:iam::111122223333:user/alice',
    });
    return { repo, old, pushed, event };
  }

  it('alerts once per event on a direct push to a protected branch, naming caller, commits and files', async () => {
    const { repo, old, pushed, event } = await directPush('x: 1\n');
    const [outcome] = await repo.invoke([event]);
    expect(flowActions(outcome).map((a) => a.type)).toEqual(['check', 'alert']);
    const alerts = await stack.drainAlerts(2);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.subject).toBe(`Direct push to protected main in manifests`);
    expect(alerts[0]?.eventId).toBe(event.id);
    expect(alerts[0]?.message).toContain(
      'by arn:aws:iam::111122223333:user/alice, who is not a trusted pusher',
    );
    expect(alerts[0]?.message).toContain(`Commits: ${old} → ${pushed}`);
    expect(alerts[0]?.message).toContain('Files changed (1):\n  app/hotfix.yaml');
    expect(await headOf(developer, repo.name, 'main')).toBe(pushed);
  });

  it('still alerts on a direct push when the changed files cannot be read, saying so', async () => {
    const { repo, event } = await directPush('x: 2\n');
    stack.codecommit.faults.failSequence(Array(10).fill('internalFailure'), 'GetDifferences');
    try {
      const [outcome] = await repo.invoke([event]);
      expect(outcome?.ok).toBe(true);
      expect(flowActions(outcome).map((a) => a.type)).toEqual(['check', 'alert']);
    } finally {
      stack.codecommit.faults.reset();
    }
    const alerts = await stack.drainAlerts(2);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.message).toContain('who is not a trusted pusher');
    expect(alerts[0]?.message).toContain('The changed files could not be read');
  });

  it('accepts trusted pushers (a role covers its sessions), unprotected branches and merges of allowed pull requests', async () => {
    const repo = await flowRepository({ trustedPushers: ['arn:aws:iam::111122223333:role/ops/release-bot'] });
    const old = await headOf(developer, repo.name, 'main');
    const pushed = await pushFiles(developer, repo.name, 'main', { 'app/release.yaml': 'r: 1\n' });
    const feature = await pushFiles(developer, repo.name, 'feature/x', { 'app/x.yaml': 'x: 1\n' }, 'dev');
    const id = await openPullRequest(developer, repo.name, 'dev', 'stg');
    const stgBefore = await headOf(developer, repo.name, 'stg');
    await mergeFastForward(developer, repo.name, id);
    const stgAfter = await headOf(developer, repo.name, 'stg');
    await stack.drainAlerts(0);

    const outcomes = await repo.invoke([
      referenceEvent('referenceUpdated', {
        repositoryName: repo.name,
        branch: 'main',
        oldCommitId: old,
        commitId: pushed,
        callerArn: sessionOf('release-bot'),
      }),
      referenceEvent('referenceUpdated', {
        repositoryName: repo.name,
        branch: 'feature/x',
        oldCommitId: old,
        commitId: feature,
        callerArn: 'arn:aws:iam::111122223333:user/alice',
      }),
      referenceEvent('referenceUpdated', {
        repositoryName: repo.name,
        branch: 'stg',
        oldCommitId: stgBefore,
        commitId: stgAfter,
        callerArn: arnOf(IDENTITIES.developer),
        merge: { option: 'FAST_FORWARD_MERGE', sourceCommitId: stgAfter, destinationCommitId: stgBefore },
      }),
      referenceEvent('referenceUpdated', {
        repositoryName: repo.name,
        branch: 'main',
        oldCommitId: old,
        commitId: pushed,
        callerArn: 'arn:aws:iam::111122223333:role/flowkeeper-image-bump',
      }),
    ]);
    expect(outcomes.slice(0, 3).map((o) => flowActions(o).map((a) => a.type))).toEqual([
      ['check'],
      ['check'],
      ['check'],
    ]);
    expect(flowActions(outcomes[0])[0]).toMatchObject({
      allowed: true,
      reason: expect.stringContaining('trusted pusher'),
    });
    expect(flowActions(outcomes[1])[0]).toMatchObject({
      allowed: true,
      reason: 'feature/x is not protected',
    });
    expect(flowActions(outcomes[2])[0]).toMatchObject({
      allowed: true,
      reason: `merge of allowed pull request ${id}`,
    });
    // A role that is not trusted is reported like anyone else.
    expect(flowActions(outcomes[3]).map((a) => a.type)).toEqual(['check', 'alert']);
    expect(await stack.drainAlerts(2)).toHaveLength(1);
  });

  it('trusts the identity the deployment passes in TRUSTED_PUSHER_ARNS', async () => {
    const repo = await flowRepository();
    const old = await headOf(developer, repo.name, 'stg');
    const pushed = await pushFiles(developer, repo.name, 'stg', { 'app/bump.yaml': 'b: 1\n' });
    const role = 'arn:aws:iam::111122223333:role/stack-ImageBumpFunctionRole-ABC';
    const event = referenceEvent('referenceUpdated', {
      repositoryName: repo.name,
      branch: 'stg',
      oldCommitId: old,
      commitId: pushed,
      callerArn: sessionOf('stack-ImageBumpFunctionRole-ABC'),
    });
    // Through the bundle, as deployed: the variable reaches the service only through the function's wiring.
    const env = stack.envFor(repo.configParameter, { AWS_ACCESS_KEY_ID: IDENTITIES.flowkeeper });
    const bundle = await buildBundle('BranchFlowFunction', stack.distDir);
    const [outcome] = await invokeBundle(bundle, [event], { env: { ...env, TRUSTED_PUSHER_ARNS: role } });
    expect(flowActions(outcome)).toEqual([expect.objectContaining({ type: 'check', allowed: true })]);
  });

  it('reports the merge of a pull request the flow refused', async () => {
    const repo = await flowRepository({ onViolation: 'comment' });
    const id = await openPullRequest(developer, repo.name, 'dev', 'main');
    const before = await headOf(developer, repo.name, 'main');
    await mergeFastForward(developer, repo.name, id);
    const after = await headOf(developer, repo.name, 'main');
    await stack.drainAlerts(0);
    const [outcome] = await repo.invoke([
      referenceEvent('referenceUpdated', {
        repositoryName: repo.name,
        branch: 'main',
        oldCommitId: before,
        commitId: after,
        callerArn: arnOf(IDENTITIES.developer),
        merge: { option: 'FAST_FORWARD_MERGE', sourceCommitId: after, destinationCommitId: before },
      }),
    ]);
    expect(flowActions(outcome).map((a) => a.type)).toEqual(['check', 'alert']);
    const [alert] = await stack.drainAlerts(2);
    expect(alert?.message).toContain(`It is the merge of pull request ${id} (dev → main)`);
    expect(alert?.message).toContain('app/kustomization.yaml');
  });
});

describe('a branch deletion', () => {
  it('alerts when a protected branch is deleted, with the commit to recreate it at', async () => {
    const repo = await flowRepository();
    const old = await headOf(developer, repo.name, 'stg');
    await stack.drainAlerts(0);
    const [deleted, feature] = await repo.invoke([
      referenceEvent('referenceDeleted', {
        repositoryName: repo.name,
        branch: 'stg',
        oldCommitId: old,
        callerArn: 'arn:aws:iam::111122223333:user/alice',
      }),
      referenceEvent('referenceDeleted', {
        repositoryName: repo.name,
        branch: 'feature/done',
        oldCommitId: old,
        callerArn: 'arn:aws:iam::111122223333:user/alice',
      }),
    ]);
    expect(flowActions(deleted).map((a) => a.type)).toEqual(['check', 'alert']);
    expect(flowActions(feature)).toEqual([expect.objectContaining({ type: 'check', allowed: true })]);
    const alerts = await stack.drainAlerts(2);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.subject).toBe('Protected branch deleted: stg in manifests');
    expect(alerts[0]?.message).toContain(`Recreate it at ${old}`);
  });
});
