import {
  type CodeCommitClient,
  CreateCommitCommand,
  CreatePullRequestCommand,
  EvaluatePullRequestApprovalRulesCommand,
  UpdatePullRequestStatusCommand,
} from '@aws-sdk/client-codecommit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectServiceException } from '../emulators/codecommit/assertions.ts';
import { emulatorClient } from '../emulators/codecommit/client.ts';
import { gitText } from '../emulators/codecommit/git.ts';
import { type CodeCommitEmulator, startCodeCommitEmulator } from '../emulators/codecommit/server.ts';

let emulator: CodeCommitEmulator;
let client: CodeCommitClient;
let repositoryCount = 0;

beforeAll(async () => {
  emulator = await startCodeCommitEmulator();
  client = emulatorClient(emulator);
});
afterAll(() => emulator.stop());

async function openPullRequest() {
  const repositoryName = `rules-${++repositoryCount}`;
  const { gitDir } = await emulator.createRepository(repositoryName, {
    main: { 'app.yaml': 'image: app:v1\n' },
    feature: { 'app.yaml': 'image: app:v2\n' },
  });
  const { pullRequest } = await client.send(
    new CreatePullRequestCommand({
      title: 'Promote',
      targets: [{ repositoryName, sourceReference: 'feature', destinationReference: 'main' }],
    }),
  );
  const pullRequestId = pullRequest?.pullRequestId as string;
  const revisionId = pullRequest?.revisionId as string;
  const feature = await gitText(gitDir, ['rev-parse', 'refs/heads/feature']);
  return { repositoryName, pullRequestId, revisionId, feature };
}

const evaluate = (pullRequestId: string | undefined, revisionId: string | undefined) =>
  client.send(new EvaluatePullRequestApprovalRulesCommand({ pullRequestId, revisionId } as never));

describe('EvaluatePullRequestApprovalRules', () => {
  it('answers approved, not overridden, with no rules, for the current revision', async () => {
    const { pullRequestId, revisionId } = await openPullRequest();
    const { evaluation } = await evaluate(pullRequestId, revisionId);
    expect(evaluation).toEqual({
      approved: true,
      overridden: false,
      approvalRulesSatisfied: [],
      approvalRulesNotSatisfied: [],
    });
  });

  it('throws RevisionNotCurrentException once the source branch moved', async () => {
    const { repositoryName, pullRequestId, revisionId, feature } = await openPullRequest();
    await client.send(
      new CreateCommitCommand({
        repositoryName,
        branchName: 'feature',
        parentCommitId: feature,
        putFiles: [{ filePath: 'app.yaml', fileContent: Buffer.from('image: app:v3\n') }],
      }),
    );
    await expectServiceException(evaluate(pullRequestId, revisionId), 'RevisionNotCurrentException');
  });

  it('still evaluates a closed pull request', async () => {
    const { pullRequestId, revisionId } = await openPullRequest();
    await client.send(new UpdatePullRequestStatusCommand({ pullRequestId, pullRequestStatus: 'CLOSED' }));
    expect((await evaluate(pullRequestId, revisionId)).evaluation?.approved).toBe(true);
  });

  it('throws the documented errors for missing, malformed and unknown ids', async () => {
    const { pullRequestId, revisionId } = await openPullRequest();
    await expectServiceException(evaluate(undefined, revisionId), 'PullRequestIdRequiredException');
    await expectServiceException(evaluate('abc', revisionId), 'InvalidPullRequestIdException');
    await expectServiceException(evaluate('999999', revisionId), 'PullRequestDoesNotExistException');
    await expectServiceException(evaluate(pullRequestId, undefined), 'RevisionIdRequiredException');
    await expectServiceException(evaluate(pullRequestId, 'not-a-revision'), 'InvalidRevisionIdException');
    await expectServiceException(evaluate(pullRequestId, 'a'.repeat(64)), 'InvalidRevisionIdException');
  });
});
