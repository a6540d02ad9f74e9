import {
  CodeCommitClient,
  CreateCommitCommand,
  CreatePullRequestCommand,
  GetCommentsForPullRequestCommand,
  GetPullRequestApprovalStatesCommand,
  GetPullRequestCommand,
  ListPullRequestsCommand,
  MergePullRequestByFastForwardCommand,
  PostCommentForPullRequestCommand,
  type PullRequest,
  UpdatePullRequestApprovalStateCommand,
  UpdatePullRequestStatusCommand,
} from '@aws-sdk/client-codecommit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectServiceException } from '../emulators/codecommit/assertions.ts';
import { emulatorClient } from '../emulators/codecommit/client.ts';
import { gitText } from '../emulators/codecommit/git.ts';
import { type CodeCommitEmulator, startCodeCommitEmulator } from '../emulators/codecommit/server.ts';

let emulator: CodeCommitEmulator;
/** Signs with access key `test`: the author of every pull request below. */
let client: CodeCommitClient;
/** Signs with access key `reviewer`: another user. */
let reviewer: CodeCommitClient;
let repositoryCount = 0;

const AUTHOR_ARN = 'arn:aws:iam::123456789012:user/test';
const REVIEWER_ARN = 'arn:aws:iam::123456789012:user/reviewer';

beforeAll(async () => {
  emulator = await startCodeCommitEmulator();
  client = emulatorClient(emulator);
  reviewer = new CodeCommitClient({
    endpoint: emulator.endpoint,
    region: emulator.region,
    credentials: { accessKeyId: 'reviewer', secretAccessKey: 'test' },
  });
});
afterAll(() => emulator.stop());

/** `main` with one commit and `feature` one commit ahead of it. */
async function repositoryWithFeature() {
  const name = `pulls-${++repositoryCount}`;
  const { gitDir } = await emulator.createRepository(name, {
    main: { 'deploy/app.yaml': 'image: app:v1\n' },
    feature: { 'deploy/app.yaml': 'image: app:v2\n' },
  });
  const head = (branch: string) => gitText(gitDir, ['rev-parse', `refs/heads/${branch}`]);
  return { name, gitDir, head, main: await head('main'), feature: await head('feature') };
}

async function openPullRequest(name: string, options: { title?: string; token?: string } = {}) {
  const { pullRequest } = await client.send(
    new CreatePullRequestCommand({
      title: options.title ?? 'Deploy v2',
      description: 'Promotes app to v2',
      targets: [{ repositoryName: name, sourceReference: 'feature', destinationReference: 'main' }],
      clientRequestToken: options.token,
    }),
  );
  return pullRequest as PullRequest & { pullRequestId: string; revisionId: string };
}

async function commitTo(name: string, branch: string, parentCommitId: string, content: string) {
  const { commitId } = await client.send(
    new CreateCommitCommand({
      repositoryName: name,
      branchName: branch,
      parentCommitId,
      putFiles: [{ filePath: 'deploy/app.yaml', fileContent: Buffer.from(content) }],
    }),
  );
  return commitId as string;
}

describe('CreatePullRequest and GetPullRequest', () => {
  it('creates an open pull request whose commits and merge base come from the branches', async () => {
    const { name, main, feature } = await repositoryWithFeature();
    const created = await openPullRequest(name);
    expect(created).toMatchObject({
      title: 'Deploy v2',
      description: 'Promotes app to v2',
      pullRequestStatus: 'OPEN',
      authorArn: AUTHOR_ARN,
      pullRequestTargets: [
        {
          repositoryName: name,
          sourceReference: 'refs/heads/feature',
          destinationReference: 'refs/heads/main',
          sourceCommit: feature,
          destinationCommit: main,
          mergeBase: main,
          mergeMetadata: { isMerged: false },
        },
      ],
    });
    expect(created.revisionId).toMatch(/^[0-9a-f]{64}$/);
    expect(created.creationDate).toBeInstanceOf(Date);
    const { pullRequest } = await client.send(
      new GetPullRequestCommand({ pullRequestId: created.pullRequestId }),
    );
    expect(pullRequest).toEqual(created);
  });

  it('targets the default branch when no destination is given, and accepts full refs', async () => {
    const { name } = await repositoryWithFeature();
    const { pullRequest } = await client.send(
      new CreatePullRequestCommand({
        title: 'No destination',
        targets: [{ repositoryName: name, sourceReference: 'refs/heads/feature' }],
      }),
    );
    expect(pullRequest?.pullRequestTargets?.[0]?.destinationReference).toBe('refs/heads/main');
  });

  it('returns the same pull request for a repeated client request token', async () => {
    const { name } = await repositoryWithFeature();
    const first = await openPullRequest(name, { token: `token-${name}` });
    const again = await openPullRequest(name, { token: `token-${name}` });
    expect(again.pullRequestId).toBe(first.pullRequestId);
    const other = await openPullRequest(name);
    expect(other.pullRequestId).not.toBe(first.pullRequestId);
  });

  it('throws IdempotencyParameterMismatchException when a token is reused with other input', async () => {
    const { name } = await repositoryWithFeature();
    await openPullRequest(name, { token: `reuse-${name}` });
    await expectServiceException(
      openPullRequest(name, { token: `reuse-${name}`, title: 'Another title' }),
      'IdempotencyParameterMismatchException',
    );
  });

  it('throws the documented errors for bad titles and targets', async () => {
    const { name } = await repositoryWithFeature();
    const create = (
      title: string,
      targets: { repositoryName: string; sourceReference: string; destinationReference?: string }[],
    ) => client.send(new CreatePullRequestCommand({ title, targets }));
    const target = { repositoryName: name, sourceReference: 'feature', destinationReference: 'main' };
    await expectServiceException(create('', [target]), 'TitleRequiredException');
    await expectServiceException(create('x'.repeat(151), [target]), 'InvalidTitleException');
    await expectServiceException(create('t', []), 'TargetsRequiredException');
    await expectServiceException(
      create('t', [target, { ...target, repositoryName: 'elsewhere' }]),
      'MultipleRepositoriesInPullRequestException',
    );
    await expectServiceException(
      create('t', [{ ...target, repositoryName: 'missing-repository' }]),
      'RepositoryDoesNotExistException',
    );
    await expectServiceException(
      create('t', [{ ...target, sourceReference: 'no-such-branch' }]),
      'ReferenceDoesNotExistException',
    );
    await expectServiceException(
      create('t', [{ ...target, sourceReference: 'refs/tags/v1' }]),
      'ReferenceTypeNotSupportedException',
    );
    await expectServiceException(
      create('t', [{ ...target, sourceReference: 'bad..name' }]),
      'InvalidReferenceNameException',
    );
    await expectServiceException(
      create('t', [{ ...target, sourceReference: 'main' }]),
      'SourceAndDestinationAreSameException',
    );
  });

  it('throws for a pull request id that is missing, malformed or unknown', async () => {
    const get = (pullRequestId: string) => client.send(new GetPullRequestCommand({ pullRequestId }));
    await expectServiceException(get(''), 'PullRequestIdRequiredException');
    await expectServiceException(get('abc'), 'InvalidPullRequestIdException');
    await expectServiceException(get('987654'), 'PullRequestDoesNotExistException');
  });
});

describe('ListPullRequests', () => {
  it('lists by repository, status and author, page by page', async () => {
    const { name } = await repositoryWithFeature();
    const ids = [];
    for (let index = 0; index < 3; index++) ids.push((await openPullRequest(name)).pullRequestId);
    const { pullRequest: byReviewer } = await reviewer.send(
      new CreatePullRequestCommand({
        title: 'By the reviewer',
        targets: [{ repositoryName: name, sourceReference: 'feature' }],
      }),
    );
    await client.send(
      new UpdatePullRequestStatusCommand({ pullRequestId: ids[0], pullRequestStatus: 'CLOSED' }),
    );

    const listed: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await client.send(
        new ListPullRequestsCommand({
          repositoryName: name,
          authorArn: AUTHOR_ARN,
          maxResults: 2,
          nextToken,
        }),
      );
      expect(page.pullRequestIds?.length).toBeLessThanOrEqual(2);
      listed.push(...(page.pullRequestIds ?? []));
      nextToken = page.nextToken;
    } while (nextToken !== undefined);
    expect(listed).toEqual(ids);

    const open = await client.send(
      new ListPullRequestsCommand({ repositoryName: name, pullRequestStatus: 'OPEN' }),
    );
    expect(open.pullRequestIds).toEqual([ids[1], ids[2], byReviewer?.pullRequestId]);
    const closed = await client.send(
      new ListPullRequestsCommand({ repositoryName: name, pullRequestStatus: 'CLOSED' }),
    );
    expect(closed.pullRequestIds).toEqual([ids[0]]);
    const theirs = await client.send(
      new ListPullRequestsCommand({ repositoryName: name, authorArn: REVIEWER_ARN }),
    );
    expect(theirs.pullRequestIds).toEqual([byReviewer?.pullRequestId]);
  });

  it('throws the documented errors for bad filters and pagination', async () => {
    const { name } = await repositoryWithFeature();
    const list = (input: Partial<ConstructorParameters<typeof ListPullRequestsCommand>[0]>) =>
      client.send(new ListPullRequestsCommand({ repositoryName: name, ...input }));
    await expectServiceException(
      list({ repositoryName: 'missing-repository' }),
      'RepositoryDoesNotExistException',
    );
    await expectServiceException(list({ repositoryName: '' }), 'RepositoryNameRequiredException');
    await expectServiceException(
      list({ pullRequestStatus: 'MERGED' as 'OPEN' }),
      'InvalidPullRequestStatusException',
    );
    await expectServiceException(list({ maxResults: 0 }), 'InvalidMaxResultsException');
    await expectServiceException(list({ nextToken: 'not-a-token' }), 'InvalidContinuationTokenException');
    await expectServiceException(list({ authorArn: 'someone' }), 'InvalidAuthorArnException');
  });
});

describe('UpdatePullRequestStatus', () => {
  it('closes an open pull request, which then cannot reopen', async () => {
    const { name } = await repositoryWithFeature();
    const { pullRequestId } = await openPullRequest(name);
    const update = (pullRequestStatus: string) =>
      client.send(
        new UpdatePullRequestStatusCommand({ pullRequestId, pullRequestStatus: pullRequestStatus as 'OPEN' }),
      );
    expect((await update('OPEN')).pullRequest?.pullRequestStatus).toBe('OPEN');
    const { pullRequest } = await update('CLOSED');
    expect(pullRequest?.pullRequestStatus).toBe('CLOSED');
    expect(pullRequest?.pullRequestTargets?.[0]?.mergeMetadata?.isMerged).toBe(false);
    expect((await update('CLOSED')).pullRequest?.pullRequestStatus).toBe('CLOSED');
    await expectServiceException(update('OPEN'), 'InvalidPullRequestStatusUpdateException');
    await expectServiceException(update('DONE'), 'InvalidPullRequestStatusException');
    await expectServiceException(update(''), 'PullRequestStatusRequiredException');
  });
});

describe('PostCommentForPullRequest and GetCommentsForPullRequest', () => {
  it('posts a general comment and lists it with the commits it was made on', async () => {
    const { name, main, feature } = await repositoryWithFeature();
    const { pullRequestId } = await openPullRequest(name);
    const posted = await reviewer.send(
      new PostCommentForPullRequestCommand({
        pullRequestId,
        repositoryName: name,
        beforeCommitId: main,
        afterCommitId: feature,
        content: 'Looks good',
      }),
    );
    expect(posted).toMatchObject({
      pullRequestId,
      repositoryName: name,
      beforeCommitId: main,
      afterCommitId: feature,
    });
    expect(posted.comment).toMatchObject({ content: 'Looks good', authorArn: REVIEWER_ARN, deleted: false });
    expect(posted.comment?.commentId).toEqual(expect.any(String));

    const { commentsForPullRequestData } = await client.send(
      new GetCommentsForPullRequestCommand({ pullRequestId }),
    );
    expect(commentsForPullRequestData).toHaveLength(1);
    expect(commentsForPullRequestData?.[0]).toMatchObject({ beforeCommitId: main, afterCommitId: feature });
    expect(commentsForPullRequestData?.[0]?.comments?.map((comment) => comment.commentId)).toEqual([
      posted.comment?.commentId,
    ]);
    const onOtherCommits = await client.send(
      new GetCommentsForPullRequestCommand({
        pullRequestId,
        repositoryName: name,
        beforeCommitId: feature,
        afterCommitId: main,
      }),
    );
    expect(onOtherCommits.commentsForPullRequestData).toEqual([]);
  });

  it('records a comment on a file line with the blobs of both versions', async () => {
    const { name, gitDir, main, feature } = await repositoryWithFeature();
    const { pullRequestId } = await openPullRequest(name);
    const posted = await client.send(
      new PostCommentForPullRequestCommand({
        pullRequestId,
        repositoryName: name,
        beforeCommitId: main,
        afterCommitId: feature,
        location: { filePath: 'deploy/app.yaml', filePosition: 1, relativeFileVersion: 'AFTER' },
        content: 'Pin the digest',
      }),
    );
    expect(posted.afterBlobId).toBe(await gitText(gitDir, ['rev-parse', `${feature}:deploy/app.yaml`]));
    expect(posted.beforeBlobId).toBe(await gitText(gitDir, ['rev-parse', `${main}:deploy/app.yaml`]));
    expect(posted.location).toEqual({
      filePath: 'deploy/app.yaml',
      filePosition: 1,
      relativeFileVersion: 'AFTER',
    });
  });

  it('posts once per client request token and refuses the token with other content', async () => {
    const { name, main, feature } = await repositoryWithFeature();
    const { pullRequestId } = await openPullRequest(name);
    const post = (content: string) =>
      client.send(
        new PostCommentForPullRequestCommand({
          pullRequestId,
          repositoryName: name,
          beforeCommitId: main,
          afterCommitId: feature,
          content,
          clientRequestToken: `comment-${name}`,
        }),
      );
    const first = await post('Ship it');
    const again = await post('Ship it');
    expect(again.comment?.commentId).toBe(first.comment?.commentId);
    await expectServiceException(post('Do not ship'), 'IdempotencyParameterMismatchException');
    const { commentsForPullRequestData } = await client.send(
      new GetCommentsForPullRequestCommand({ pullRequestId }),
    );
    expect(commentsForPullRequestData?.flatMap((group) => group.comments ?? [])).toHaveLength(1);
  });

  it('throws the documented errors for bad commits, content, locations and repositories', async () => {
    const { name, main, feature } = await repositoryWithFeature();
    const other = await repositoryWithFeature();
    const { pullRequestId } = await openPullRequest(name);
    const base = {
      pullRequestId,
      repositoryName: name,
      beforeCommitId: main,
      afterCommitId: feature,
      content: 'c',
    };
    const post = (input: Partial<typeof base> & { location?: { filePath: string } }) =>
      client.send(new PostCommentForPullRequestCommand({ ...base, ...input }));
    await expectServiceException(
      post({ afterCommitId: main }),
      'BeforeCommitIdAndAfterCommitIdAreSameException',
    );
    await expectServiceException(post({ afterCommitId: 'f'.repeat(40) }), 'CommitDoesNotExistException');
    await expectServiceException(post({ afterCommitId: 'abc' }), 'InvalidCommitIdException');
    await expectServiceException(post({ beforeCommitId: '' }), 'CommitIdRequiredException');
    await expectServiceException(post({ content: '' }), 'CommentContentRequiredException');
    await expectServiceException(
      post({ content: 'x'.repeat(10241) }),
      'CommentContentSizeLimitExceededException',
    );
    await expectServiceException(
      post({ location: { filePath: 'missing.yaml' } }),
      'PathDoesNotExistException',
    );
    await expectServiceException(
      post({ repositoryName: other.name }),
      'RepositoryNotAssociatedWithPullRequestException',
    );
    await expectServiceException(post({ pullRequestId: '987654' }), 'PullRequestDoesNotExistException');
    await expectServiceException(
      client.send(new GetCommentsForPullRequestCommand({ pullRequestId, maxResults: 501 })),
      'InvalidMaxResultsException',
    );
  });
});

describe('UpdatePullRequestApprovalState and GetPullRequestApprovalStates', () => {
  it('records and revokes another user’s approval of the current revision', async () => {
    const { name } = await repositoryWithFeature();
    const { pullRequestId, revisionId } = await openPullRequest(name);
    const states = async () =>
      (await client.send(new GetPullRequestApprovalStatesCommand({ pullRequestId, revisionId }))).approvals;
    expect(await states()).toEqual([]);
    await reviewer.send(
      new UpdatePullRequestApprovalStateCommand({ pullRequestId, revisionId, approvalState: 'APPROVE' }),
    );
    expect(await states()).toEqual([{ userArn: REVIEWER_ARN, approvalState: 'APPROVE' }]);
    await reviewer.send(
      new UpdatePullRequestApprovalStateCommand({ pullRequestId, revisionId, approvalState: 'REVOKE' }),
    );
    expect(await states()).toEqual([]);
  });

  it('throws PullRequestCannotBeApprovedByAuthorException when the author approves', async () => {
    const { name } = await repositoryWithFeature();
    const { pullRequestId, revisionId } = await openPullRequest(name);
    await expectServiceException(
      client.send(
        new UpdatePullRequestApprovalStateCommand({ pullRequestId, revisionId, approvalState: 'APPROVE' }),
      ),
      'PullRequestCannotBeApprovedByAuthorException',
    );
    const { approvals } = await client.send(
      new GetPullRequestApprovalStatesCommand({ pullRequestId, revisionId }),
    );
    expect(approvals).toEqual([]);
  });

  it('starts a new revision when the source branch moves and refuses the stale one', async () => {
    const { name, feature } = await repositoryWithFeature();
    const { pullRequestId, revisionId: first } = await openPullRequest(name);
    await reviewer.send(
      new UpdatePullRequestApprovalStateCommand({
        pullRequestId,
        revisionId: first,
        approvalState: 'APPROVE',
      }),
    );
    const moved = await commitTo(name, 'feature', feature, 'image: app:v3\n');
    const { pullRequest } = await client.send(new GetPullRequestCommand({ pullRequestId }));
    const second = pullRequest?.revisionId as string;
    expect(second).toMatch(/^[0-9a-f]{64}$/);
    expect(second).not.toBe(first);
    expect(pullRequest?.pullRequestTargets?.[0]?.sourceCommit).toBe(moved);
    await expectServiceException(
      reviewer.send(
        new UpdatePullRequestApprovalStateCommand({
          pullRequestId,
          revisionId: first,
          approvalState: 'APPROVE',
        }),
      ),
      'RevisionNotCurrentException',
    );
    const approvalsOf = async (revisionId: string) =>
      (await client.send(new GetPullRequestApprovalStatesCommand({ pullRequestId, revisionId }))).approvals;
    expect(await approvalsOf(first)).toHaveLength(1);
    expect(await approvalsOf(second)).toEqual([]);
  });

  it('throws the documented errors for bad revisions, states and closed pull requests', async () => {
    const { name } = await repositoryWithFeature();
    const { pullRequestId, revisionId } = await openPullRequest(name);
    const approve = (input: { revisionId?: string; approvalState?: string }) =>
      reviewer.send(
        new UpdatePullRequestApprovalStateCommand({
          pullRequestId,
          revisionId,
          approvalState: 'APPROVE',
          ...input,
        } as ConstructorParameters<typeof UpdatePullRequestApprovalStateCommand>[0]),
      );
    await expectServiceException(approve({ revisionId: 'abc' }), 'InvalidRevisionIdException');
    await expectServiceException(approve({ revisionId: '' }), 'RevisionIdRequiredException');
    await expectServiceException(approve({ approvalState: 'MAYBE' }), 'InvalidApprovalStateException');
    await expectServiceException(approve({ approvalState: '' }), 'ApprovalStateRequiredException');
    await expectServiceException(
      client.send(new GetPullRequestApprovalStatesCommand({ pullRequestId, revisionId: '0'.repeat(64) })),
      'InvalidRevisionIdException',
    );
    await client.send(new UpdatePullRequestStatusCommand({ pullRequestId, pullRequestStatus: 'CLOSED' }));
    await expectServiceException(approve({}), 'PullRequestAlreadyClosedException');
  });
});

describe('MergePullRequestByFastForward', () => {
  it('moves the destination branch to the source tip and closes the pull request as merged', async () => {
    const { name, head, feature } = await repositoryWithFeature();
    const { pullRequestId } = await openPullRequest(name);
    const { pullRequest } = await reviewer.send(
      new MergePullRequestByFastForwardCommand({
        pullRequestId,
        repositoryName: name,
        sourceCommitId: feature,
      }),
    );
    expect(await head('main')).toBe(feature);
    expect(pullRequest?.pullRequestStatus).toBe('CLOSED');
    expect(pullRequest?.pullRequestTargets?.[0]?.mergeMetadata).toEqual({
      isMerged: true,
      mergedBy: REVIEWER_ARN,
      mergeCommitId: feature,
      mergeOption: 'FAST_FORWARD_MERGE',
    });
    const { pullRequest: read } = await client.send(new GetPullRequestCommand({ pullRequestId }));
    expect(read?.pullRequestTargets?.[0]?.mergeMetadata?.isMerged).toBe(true);
    await expectServiceException(
      client.send(new MergePullRequestByFastForwardCommand({ pullRequestId, repositoryName: name })),
      'PullRequestAlreadyClosedException',
    );
  });

  it('throws ManualMergeRequiredException and leaves the branch when the destination has diverged', async () => {
    const { name, head, main } = await repositoryWithFeature();
    const { pullRequestId } = await openPullRequest(name);
    const diverged = await commitTo(name, 'main', main, 'image: app:hotfix\n');
    await expectServiceException(
      client.send(new MergePullRequestByFastForwardCommand({ pullRequestId, repositoryName: name })),
      'ManualMergeRequiredException',
    );
    expect(await head('main')).toBe(diverged);
    const { pullRequest } = await client.send(new GetPullRequestCommand({ pullRequestId }));
    expect(pullRequest?.pullRequestStatus).toBe('OPEN');
  });

  it('throws when the source tip is not the expected one or the repository is another', async () => {
    const { name, head, main } = await repositoryWithFeature();
    const other = await repositoryWithFeature();
    const { pullRequestId } = await openPullRequest(name);
    const merge = (input: { repositoryName?: string; sourceCommitId?: string }) =>
      client.send(
        new MergePullRequestByFastForwardCommand({ pullRequestId, repositoryName: name, ...input }),
      );
    await expectServiceException(merge({ sourceCommitId: main }), 'TipOfSourceReferenceIsDifferentException');
    await expectServiceException(merge({ sourceCommitId: 'abc' }), 'InvalidCommitIdException');
    await expectServiceException(
      merge({ repositoryName: other.name }),
      'RepositoryNotAssociatedWithPullRequestException',
    );
    await expectServiceException(merge({ repositoryName: '' }), 'RepositoryNameRequiredException');
    expect(await head('main')).toBe(main);
  });
});
