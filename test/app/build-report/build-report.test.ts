import type { CodeCommitClient } from '@aws-sdk/client-codecommit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildStateEvent } from '#test/codebuild-events.ts';
import { pullRequestEvent } from '#test/codecommit-events.ts';
import type { BuildRecord } from '../../emulators/codebuild/server.ts';
import { type InProcessFlow, inProcessFlow } from '../../reliability/support/in-process.ts';
import {
  approvalsOf,
  arnOf,
  clientAs,
  commentsOn,
  flowActions,
  IDENTITIES,
  mergeFastForward,
  openPullRequest,
  openPullRequests,
  promotionChain,
  pullRequestFields,
  pushFiles,
} from '../../reliability/support/pull-requests.ts';
import { type Stack, startStack } from '../../reliability/support/stack.ts';

// The validation chain through the ports, in this process: the branch-flow service starts the build
// of an allowed pull request, the CodeBuild emulator runs it, and the build-report service (the
// approver, another identity) reports the result on the pull request and approves or revokes the
// revision that was built. Real CodeCommit, CodeBuild, SNS and SSM adapters against the emulators.

const PROJECT = 'manifests-validate';

let stack: Stack;
let developer: CodeCommitClient;
let repositories = 0;
const flows: InProcessFlow[] = [];

beforeAll(async () => {
  stack = await startStack([]);
  developer = clientAs(stack, IDENTITIES.developer);
  stack.emulators.codebuild.createProject(PROJECT);
  stack.emulators.codebuild.createProject('unit-tests');
});
afterAll(async () => {
  developer?.destroy();
  for (const flow of flows) flow.stop();
  await stack?.stop();
});

async function validatedRepository(onViolation: 'close' | 'revoke-approval' = 'close') {
  repositories += 1;
  const name = `report-${repositories}`;
  const configParameter = `/reliability/build-report/${name}`;
  await promotionChain(stack, developer, name, configParameter, {
    onViolation,
    openPromotionPullRequest: true,
    validation: { project: PROJECT, approve: true },
  });
  const flow = inProcessFlow(stack, configParameter, { accessKeyId: IDENTITIES.flowkeeper });
  const report = inProcessFlow(stack, configParameter, {
    accessKeyId: IDENTITIES.approver,
    // As the template sets it: BranchFlowFunction's identity is the one that starts validation builds.
    buildStarters: [IDENTITIES.flowkeeper],
  });
  flows.push(flow, report);
  return {
    name,
    flow: (events: unknown[]) => flow.invoke(events),
    report: (events: unknown[]) => report.invoke(events),
  };
}

/** Opens `feature/<name>` → dev and lets BranchFlowFunction start its validation build. */
async function validatedPullRequest(repo: Awaited<ReturnType<typeof validatedRepository>>, feature: string) {
  await pushFiles(developer, repo.name, feature, { 'app/change.yaml': `${feature}: 1\n` }, 'dev');
  const id = await openPullRequest(developer, repo.name, feature, 'dev');
  const fields = await pullRequestFields(developer, id);
  const [started] = await repo.flow([pullRequestEvent('pullRequestCreated', fields)]);
  const action = flowActions(started).find((a) => a.type === 'build');
  const build = stack.emulators.codebuild
    .builds()
    .find((b) => action?.type === 'build' && b.arn === action.buildArn);
  if (!build) throw new Error('no validation build was started');
  return { id, fields, build };
}

const finish = (build: BuildRecord, status: 'SUCCEEDED' | 'FAILED') =>
  stack.emulators.codebuild.finishBuild(build.id, status);

describe('a validation build', () => {
  it('is reported when it starts, with a link to the build instead of the null log link', async () => {
    const repo = await validatedRepository();
    const { id, build } = await validatedPullRequest(repo, 'feature/start');
    const [outcome] = await repo.report([buildStateEvent(build, 'IN_PROGRESS')]);
    expect(flowActions(outcome).map((a) => a.type)).toEqual(['comment']);
    const [comment] = await commentsOn(developer, id);
    expect(comment?.authorArn).toBe(arnOf(IDENTITIES.approver));
    expect(comment?.content).toContain(`**${PROJECT}** #${build.buildNumber} started (IN_PROGRESS).`);
    expect(comment?.content).toMatch(
      /Logs: https:\/\/[a-z0-9-]+\.console\.aws\.amazon\.com\/codesuite\/codebuild\/\d+\/projects\/manifests-validate\/build\/manifests-validate%3A[0-9a-f-]+\//,
    );
    expect(comment?.content).not.toContain('null');
  });

  it('approves the built revision on success, once however often the event arrives', async () => {
    const repo = await validatedRepository();
    const { id, fields, build } = await validatedPullRequest(repo, 'feature/green');
    const event = buildStateEvent(finish(build, 'SUCCEEDED'), 'SUCCEEDED');
    const outcomes = await repo.report([event, event]);
    expect(flowActions(outcomes[0])).toEqual([
      expect.objectContaining({ type: 'comment' }),
      expect.objectContaining({
        type: 'approval',
        state: 'APPROVE',
        outcome: 'done',
        revisionId: fields.revisionId,
      }),
    ]);
    expect(await approvalsOf(developer, id, fields.revisionId)).toEqual([
      `${arnOf(IDENTITIES.approver)} APPROVE`,
    ]);
    const comments = await commentsOn(developer, id);
    expect(comments).toHaveLength(1);
    expect(comments[0]?.content).toContain('succeeded in');
    expect(comments[0]?.content).toContain(`Flowkeeper approves revision ${fields.revisionId.slice(0, 12)}.`);
  });

  it('revokes its approval when a later build of the same revision fails, naming the failed phase', async () => {
    const repo = await validatedRepository();
    const { id, fields, build } = await validatedPullRequest(repo, 'feature/red');
    await repo.report([buildStateEvent(finish(build, 'SUCCEEDED'), 'SUCCEEDED')]);
    expect(await approvalsOf(developer, id, fields.revisionId)).toHaveLength(1);
    const rerun = await startBuildFor(fields, { as: IDENTITIES.flowkeeper });
    const [outcome] = await repo.report([buildStateEvent(finish(rerun, 'FAILED'), 'FAILED')]);
    expect(flowActions(outcome)).toEqual([
      expect.objectContaining({ type: 'comment' }),
      expect.objectContaining({ type: 'approval', state: 'REVOKE', outcome: 'done' }),
    ]);
    const comments = await commentsOn(developer, id);
    expect(comments).toHaveLength(2);
    expect(comments[1]?.content).toContain('failed in');
    expect(comments[1]?.content).toContain('Failure: `BUILD: COMMAND_EXECUTION_ERROR');
    expect(await approvalsOf(developer, id, fields.revisionId)).toEqual([]);
  });

  it('reports a result for a superseded revision as such and never approves with it', async () => {
    const repo = await validatedRepository();
    const { id, build } = await validatedPullRequest(repo, 'feature/moved');
    await pushFiles(developer, repo.name, 'feature/moved', { 'app/change.yaml': 'moved: 2\n' });
    const current = await pullRequestFields(developer, id);
    const [outcome] = await repo.report([buildStateEvent(finish(build, 'SUCCEEDED'), 'SUCCEEDED')]);
    expect(flowActions(outcome).map((a) => a.type)).toEqual(['comment']);
    const [comment] = await commentsOn(developer, id);
    expect(comment?.content).toContain('which is no longer the tip of this pull request');
    expect(await approvalsOf(developer, id, current.revisionId)).toEqual([]);
  });

  it('answers a result redelivered after the pull request moved with a skip, not a retry', async () => {
    const repo = await validatedRepository();
    const { id, build } = await validatedPullRequest(repo, 'feature/redelivered');
    const event = buildStateEvent(finish(build, 'SUCCEEDED'), 'SUCCEEDED');
    await repo.report([event]);
    await pushFiles(developer, repo.name, 'feature/redelivered', { 'app/change.yaml': 'moved: 3\n' });
    const [again] = await repo.report([event]);
    expect(again?.ok).toBe(true);
    expect(flowActions(again)).toEqual([
      expect.objectContaining({ type: 'skip', reason: expect.stringContaining('already posted') }),
    ]);
    expect(await commentsOn(developer, id)).toHaveLength(1);
  });

  it('skips a result for a pull request that was closed meanwhile, without a comment', async () => {
    const repo = await validatedRepository();
    const { id, build } = await validatedPullRequest(repo, 'feature/closed');
    const { UpdatePullRequestStatusCommand } = await import('@aws-sdk/client-codecommit');
    await developer.send(
      new UpdatePullRequestStatusCommand({ pullRequestId: id, pullRequestStatus: 'CLOSED' }),
    );
    const [outcome] = await repo.report([buildStateEvent(finish(build, 'SUCCEEDED'), 'SUCCEEDED')]);
    expect(flowActions(outcome)).toEqual([
      expect.objectContaining({
        type: 'skip',
        reason: expect.stringContaining(`pull request ${id} is closed`),
      }),
    ]);
    expect(await commentsOn(developer, id)).toEqual([]);
  });

  it('withholds approval from a pull request against the flow', async () => {
    const repo = await validatedRepository('revoke-approval');
    const id = await openPullRequest(developer, repo.name, 'dev', 'main');
    const fields = await pullRequestFields(developer, id);
    // A build started outside Flowkeeper (an EventBridge → CodeBuild target, say) with the same variables.
    const build = await startBuildFor(fields);
    const [outcome] = await repo.report([buildStateEvent(finish(build, 'SUCCEEDED'), 'SUCCEEDED')]);
    expect(flowActions(outcome)).toEqual([
      expect.objectContaining({ type: 'comment' }),
      expect.objectContaining({ type: 'approval', state: 'REVOKE' }),
    ]);
    expect((await commentsOn(developer, id))[0]?.content).toContain('Approval withheld');
    expect(await approvalsOf(developer, id, fields.revisionId)).toEqual([]);
  });

  it('cannot approve a pull request its own identity opened, and says so in the result', async () => {
    const repo = await validatedRepository();
    const approver = clientAs(stack, IDENTITIES.approver);
    try {
      const id = await openPullRequest(approver, repo.name, 'dev', 'stg');
      const fields = await pullRequestFields(developer, id);
      const build = await startBuildFor(fields, { as: IDENTITIES.flowkeeper });
      const [outcome] = await repo.report([buildStateEvent(finish(build, 'SUCCEEDED'), 'SUCCEEDED')]);
      expect(flowActions(outcome)[1]).toMatchObject({
        type: 'approval',
        state: 'APPROVE',
        outcome: 'own-pull-request',
      });
    } finally {
      approver.destroy();
    }
  });
});

describe('a build that could be forged into an approval', () => {
  // Anyone with StartBuild on the validation project can set its variables; none of these approves.
  async function forged(options: StartOptions, pr?: (id: string) => Promise<unknown>) {
    const repo = await validatedRepository();
    await pushFiles(developer, repo.name, 'feature/forged', { 'app/f.yaml': 'f: 1\n' }, 'dev');
    const id = await openPullRequest(developer, repo.name, 'feature/forged', 'dev');
    await pr?.(id);
    const fields = await pullRequestFields(developer, id);
    const build = await startBuildFor(fields, options);
    const [outcome] = await repo.report([buildStateEvent(finish(build, 'SUCCEEDED'), 'SUCCEEDED')]);
    expect(flowActions(outcome).map((a) => a.type)).toEqual(['comment']);
    expect(await approvalsOf(developer, id, fields.revisionId)).toEqual([]);
    const [comment] = await commentsOn(developer, id);
    return comment?.content ?? '';
  }

  it('a build started by hand with only PULL_REQUEST_ID', async () => {
    const content = await forged({ as: IDENTITIES.developer, only: ['PULL_REQUEST_ID', 'REPOSITORY_NAME'] });
    expect(content).toContain('No approval from this build: the build was not started by Flowkeeper.');
  });

  it('a build started by hand with every variable right', async () => {
    const content = await forged({ as: IDENTITIES.developer });
    expect(content).toContain('the build was not started by Flowkeeper');
  });

  it("a build of another commit than the one its variables name, even from Flowkeeper's identity", async () => {
    const content = await forged({ as: IDENTITIES.flowkeeper, sourceVersion: 'dev' });
    expect(content).toContain('does not name the commit it built');
    const other = await forged({ as: IDENTITIES.flowkeeper, sourceVersion: 'a'.repeat(40) });
    expect(other).toContain('the commit built is not the SOURCE_COMMIT the build names');
  });

  it('a build without SOURCE_COMMIT and REVISION_ID', async () => {
    const content = await forged({ as: IDENTITIES.flowkeeper, only: ['PULL_REQUEST_ID', 'REPOSITORY_NAME'] });
    expect(content).toContain('does not carry the SOURCE_COMMIT and REVISION_ID');
  });

  it('a build of the right commit after the source moved', async () => {
    const repo = await validatedRepository();
    await pushFiles(developer, repo.name, 'feature/late', { 'app/l.yaml': 'l: 1\n' }, 'dev');
    const id = await openPullRequest(developer, repo.name, 'feature/late', 'dev');
    const before = await pullRequestFields(developer, id);
    const build = await startBuildFor(before, { as: IDENTITIES.flowkeeper });
    await pushFiles(developer, repo.name, 'feature/late', { 'app/l.yaml': 'l: 2\n' });
    const after = await pullRequestFields(developer, id);
    const [outcome] = await repo.report([buildStateEvent(finish(build, 'SUCCEEDED'), 'SUCCEEDED')]);
    expect(flowActions(outcome).map((a) => a.type)).toEqual(['comment']);
    expect(await approvalsOf(developer, id, after.revisionId)).toEqual([]);
    expect(await approvalsOf(developer, id, before.revisionId)).toEqual([]);
  });

  it('a failing build started by hand does not revoke the approval Flowkeeper gave', async () => {
    const repo = await validatedRepository();
    const { id, fields, build } = await validatedPullRequest(repo, 'feature/kept');
    await repo.report([buildStateEvent(finish(build, 'SUCCEEDED'), 'SUCCEEDED')]);
    const hostile = await startBuildFor(fields, { as: IDENTITIES.developer });
    const [outcome] = await repo.report([buildStateEvent(finish(hostile, 'FAILED'), 'FAILED')]);
    expect(flowActions(outcome).map((a) => a.type)).toEqual(['comment']);
    expect(await approvalsOf(developer, id, fields.revisionId)).toEqual([
      `${arnOf(IDENTITIES.approver)} APPROVE`,
    ]);
  });
});

describe('other builds', () => {
  it('comments on other projects with pull-request context but leaves approval to the validation project', async () => {
    const repo = await validatedRepository();
    await pushFiles(developer, repo.name, 'feature/unit', { 'app/u.yaml': 'u: 1\n' }, 'dev');
    const id = await openPullRequest(developer, repo.name, 'feature/unit', 'dev');
    const build = await startBuildFor(await pullRequestFields(developer, id), { project: 'unit-tests' });
    const [outcome] = await repo.report([buildStateEvent(finish(build, 'SUCCEEDED'), 'SUCCEEDED')]);
    expect(flowActions(outcome).map((a) => a.type)).toEqual(['comment']);
  });

  it('ignores a build without pull-request context, with the reason', async () => {
    const repo = await validatedRepository();
    const calls = stack.codecommit.calls.length;
    const build = await startBuildFor(undefined);
    const [outcome] = await repo.report([buildStateEvent(finish(build, 'FAILED'), 'FAILED')]);
    expect(flowActions(outcome)).toEqual([
      { type: 'skip', reason: expect.stringContaining('carries no pull-request context') },
    ]);
    expect(stack.codecommit.calls.length).toBe(calls);
  });

  it('takes a promotion pull request opened by BranchFlowFunction through to approval', async () => {
    const repo = await validatedRepository();
    const merge = await openPullRequest(developer, repo.name, 'dev', 'stg');
    await mergeFastForward(developer, repo.name, merge);
    await repo.flow([
      pullRequestEvent('pullRequestMergeStatusUpdated', await pullRequestFields(developer, merge)),
    ]);
    const [promotion] = await openPullRequests(developer, repo.name);
    const fields = await pullRequestFields(developer, promotion ?? '');
    expect(fields.authorArn).toBe(arnOf(IDENTITIES.flowkeeper));
    const build = await startBuildFor(fields, { as: IDENTITIES.flowkeeper });
    const [outcome] = await repo.report([buildStateEvent(finish(build, 'SUCCEEDED'), 'SUCCEEDED')]);
    expect(flowActions(outcome)[1]).toMatchObject({ type: 'approval', state: 'APPROVE', outcome: 'done' });
  });
});

interface StartOptions {
  project?: string;
  /** The access key the build is started with; the emulator records it as the build's initiator. */
  as?: string;
  /** The source version to build; the pull request's source commit when left out. */
  sourceVersion?: string;
  /** Only these validation variables are set. */
  only?: string[];
}

/**
 * Starts a build through the CodeBuild API with the validation variables of `pr` (none when
 * undefined), by default as an identity that is not Flowkeeper's.
 */
async function startBuildFor(
  pr: Awaited<ReturnType<typeof pullRequestFields>> | undefined,
  options: StartOptions = {},
): Promise<BuildRecord> {
  const { CodeBuildClient, StartBuildCommand } = await import('@aws-sdk/client-codebuild');
  const client = new CodeBuildClient({
    endpoint: stack.emulators.codebuild.endpoint,
    region: stack.emulators.codebuild.region,
    credentials: { accessKeyId: options.as ?? 'pipeline', secretAccessKey: 'test' },
  });
  try {
    const variables = Object.entries(
      pr
        ? {
            PULL_REQUEST_ID: pr.id,
            REPOSITORY_NAME: pr.repositoryName,
            SOURCE_COMMIT: pr.sourceCommit,
            DESTINATION_COMMIT: pr.destinationCommit,
            REVISION_ID: pr.revisionId,
          }
        : {},
    ).filter(([name]) => options.only === undefined || options.only.includes(name));
    const { build } = await client.send(
      new StartBuildCommand({
        projectName: options.project ?? PROJECT,
        sourceVersion: options.sourceVersion ?? pr?.sourceCommit ?? 'main',
        environmentVariablesOverride: variables.map(([name, value]) => ({
          name,
          value,
          type: 'PLAINTEXT',
        })),
      }),
    );
    const record = stack.emulators.codebuild.builds().find((b) => b.arn === build?.arn);
    if (!record) throw new Error('the emulator holds no such build');
    return record;
  } finally {
    client.destroy();
  }
}
