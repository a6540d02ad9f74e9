import {
  CodeCommitClient,
  CreateCommitCommand,
  GetCommentsForPullRequestCommand,
  GetPullRequestApprovalStatesCommand,
  MergePullRequestByFastForwardCommand,
} from '@aws-sdk/client-codecommit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCodeCommitPullRequestHost } from '#adapters/codecommit/pull-request-host.ts';
import { pullRequestHostsFor } from '#adapters/pull-request-hosts.ts';
import { GitHostError, type GitHostErrorCode } from '#app/ports/git-host.ts';
import type { PullRequestHost } from '#app/ports/pull-request-host.ts';
import type { Config } from '#config/types.ts';
import { FlowkeeperError } from '#domain/errors.ts';
import { rejectionOf } from '../../emulators/codecommit/assertions.ts';
import { emulatorClient } from '../../emulators/codecommit/client.ts';
import { gitText } from '../../emulators/codecommit/git.ts';
import { type CodeCommitEmulator, startCodeCommitEmulator } from '../../emulators/codecommit/server.ts';

let emulator: CodeCommitEmulator;
/** Signs as user `test`: the author of the pull requests opened through `host`. */
let authorClient: CodeCommitClient;
/** Signs as user `reviewer`, another identity. */
let reviewerClient: CodeCommitClient;
let repositoryCount = 0;

const AUTHOR_ARN = 'arn:aws:iam::123456789012:user/test';
const REVIEWER_ARN = 'arn:aws:iam::123456789012:user/reviewer';

const clientFor = (target: CodeCommitEmulator, accessKeyId: string) =>
  new CodeCommitClient({
    endpoint: target.endpoint,
    region: target.region,
    credentials: { accessKeyId, secretAccessKey: 'test' },
  });

beforeAll(async () => {
  emulator = await startCodeCommitEmulator();
  authorClient = emulatorClient(emulator);
  reviewerClient = clientFor(emulator, 'reviewer');
});
afterAll(() => emulator.stop());
afterEach(() => {
  emulator.calls.length = 0;
});

/** `main`, and `feature` one commit ahead of it; `host` signs as the author, `reviewer` as another user. */
async function repository(target = emulator) {
  const repositoryName = `pr-host-${++repositoryCount}`;
  const { gitDir } = await target.createRepository(repositoryName, {
    main: { 'deploy/app.yaml': 'image: app:v1\n' },
    feature: { 'deploy/app.yaml': 'image: app:v2\n' },
  });
  const head = (branch: string) => gitText(gitDir, ['rev-parse', `refs/heads/${branch}`]);
  const host = createCodeCommitPullRequestHost({
    repositoryName,
    client: target === emulator ? authorClient : emulatorClient(target),
  });
  const reviewer = createCodeCommitPullRequestHost({
    repositoryName,
    client: target === emulator ? reviewerClient : clientFor(target, 'reviewer'),
  });
  return {
    repositoryName,
    gitDir,
    head,
    host,
    reviewer,
    main: await head('main'),
    feature: await head('feature'),
  };
}

const opening = (clientToken: string, title = 'Promote app to v2') => ({
  title,
  description: 'Moves app from v1 to v2',
  source: 'feature',
  destination: 'main',
  clientToken,
});

async function hostErrorCode(call: Promise<unknown>): Promise<GitHostErrorCode> {
  const error = await rejectionOf(call);
  expect(error).toBeInstanceOf(GitHostError);
  return (error as unknown as GitHostError).code;
}

const callsOf = (operation: string) => emulator.calls.filter((call) => call.operation === operation);

describe('CodeCommit pull-request host', () => {
  it('opens a pull request and answers it with short branch names and its commits', async () => {
    const { host, main, feature } = await repository();
    const opened = await host.createPullRequest(opening('event-open'));
    expect(opened).toEqual({
      id: expect.stringMatching(/^[1-9][0-9]*$/),
      title: 'Promote app to v2',
      status: 'OPEN',
      merged: false,
      authorArn: AUTHOR_ARN,
      source: 'feature',
      destination: 'main',
      sourceCommit: feature,
      destinationCommit: main,
      revisionId: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(await host.getPullRequest(opened.id)).toEqual(opened);
    expect(callsOf('CreatePullRequest')[0]?.input).toMatchObject({ clientRequestToken: 'event-open' });
  });

  it('opens one pull request for two calls with the same client token', async () => {
    const { host } = await repository();
    const first = await host.createPullRequest(opening('event-twice'));
    const second = await host.createPullRequest(opening('event-twice'));
    expect(second.id).toBe(first.id);
    expect((await host.listPullRequests('OPEN', 10)).map((pullRequest) => pullRequest.id)).toEqual([
      first.id,
    ]);
  });

  it('answers a merged pull request as closed and merged, with its merge commit', async () => {
    const { repositoryName, host, feature } = await repository();
    const opened = await host.createPullRequest(opening('event-merge'));
    await authorClient.send(
      new MergePullRequestByFastForwardCommand({ pullRequestId: opened.id, repositoryName }),
    );
    const merged = await host.getPullRequest(opened.id);
    expect(merged).toMatchObject({ status: 'CLOSED', merged: true, mergeCommit: feature });
  });

  it('throws PullRequestNotFound for an unknown or malformed id and for another repository’s pull request', async () => {
    const { host } = await repository();
    const other = await repository();
    const foreign = await other.host.createPullRequest(opening('event-foreign'));
    expect(await hostErrorCode(host.getPullRequest('999999'))).toBe('PullRequestNotFound');
    expect(await hostErrorCode(host.getPullRequest('not-a-number'))).toBe('PullRequestNotFound');
    const error = await rejectionOf(host.getPullRequest(foreign.id));
    expect(error).toBeInstanceOf(GitHostError);
    expect(error.message).toContain(`belongs to repository ${other.repositoryName}`);
  });

  it('throws BranchNotFound when the source branch does not exist', async () => {
    const { host } = await repository();
    expect(
      await hostErrorCode(host.createPullRequest({ ...opening('event-nobranch'), source: 'gone' })),
    ).toBe('BranchNotFound');
  });

  it('lists pull requests of one state newest first, at most limit, following every page', async () => {
    // A fresh emulator numbers pull requests from 1, so the ids cross from one digit to two.
    const fresh = await startCodeCommitEmulator();
    try {
      const { repositoryName, host } = await repository(fresh);
      const ids: string[] = [];
      for (let index = 0; index < 11; index += 1) {
        ids.push((await host.createPullRequest(opening(`event-list-${index}`, `Change ${index}`))).id);
      }
      expect(ids).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11']);
      await host.closePullRequest('10');

      // Pages of 2 ids, so the listing has to follow nextToken.
      const pagedClient = emulatorClient(fresh);
      pagedClient.middlewareStack.add(
        (next, context) => (args) => {
          if (context.commandName === 'ListPullRequestsCommand') {
            (args.input as { maxResults?: number }).maxResults = 2;
          }
          return next(args);
        },
        { step: 'initialize' },
      );
      const pagedHost = createCodeCommitPullRequestHost({ repositoryName, client: pagedClient });

      const open = await pagedHost.listPullRequests('OPEN', 4);
      expect(open.map((pullRequest) => pullRequest.id)).toEqual(['11', '9', '8', '7']);
      expect(open.every((pullRequest) => pullRequest.status === 'OPEN')).toBe(true);
      expect(fresh.calls.filter((call) => call.operation === 'ListPullRequests')).toHaveLength(5);

      expect((await pagedHost.listPullRequests('OPEN', 100)).map((pullRequest) => pullRequest.id)).toEqual([
        '11',
        '9',
        '8',
        '7',
        '6',
        '5',
        '4',
        '3',
        '2',
        '1',
      ]);
      expect((await pagedHost.listPullRequests('CLOSED', 5)).map((pullRequest) => pullRequest.title)).toEqual(
        ['Change 9'],
      );
      expect(await pagedHost.listPullRequests('OPEN', 0)).toEqual([]);
    } finally {
      await fresh.stop();
    }
  });

  it('posts a comment once per client token, on destination then source commit', async () => {
    const { host, main, feature } = await repository();
    const opened = await host.createPullRequest(opening('event-comment'));
    const comment = {
      pullRequestId: opened.id,
      beforeCommitId: opened.destinationCommit,
      afterCommitId: opened.sourceCommit,
      content: 'Validation build started',
      clientToken: 'event-comment-1',
    };
    const first = await host.postComment(comment);
    const second = await host.postComment(comment);
    expect(second.commentId).toBe(first.commentId);
    expect(callsOf('PostCommentForPullRequest')[0]?.input).toMatchObject({
      beforeCommitId: main,
      afterCommitId: feature,
      clientRequestToken: 'event-comment-1',
    });
    const { commentsForPullRequestData } = await authorClient.send(
      new GetCommentsForPullRequestCommand({ pullRequestId: opened.id }),
    );
    expect(
      commentsForPullRequestData?.flatMap((group) => group.comments ?? []).map((c) => c.content),
    ).toEqual(['Validation build started']);
  });

  it('closes a pull request, and closing it again is not an error', async () => {
    const { host } = await repository();
    const opened = await host.createPullRequest(opening('event-close'));
    await host.closePullRequest(opened.id);
    await host.closePullRequest(opened.id);
    expect(await host.getPullRequest(opened.id)).toMatchObject({ status: 'CLOSED', merged: false });
    expect(await hostErrorCode(host.closePullRequest('999999'))).toBe('PullRequestNotFound');
  });

  it('approves and revokes as another identity', async () => {
    const { host, reviewer } = await repository();
    const opened = await host.createPullRequest(opening('event-approve'));
    const approvals = async () => {
      const { approvals: list } = await authorClient.send(
        new GetPullRequestApprovalStatesCommand({ pullRequestId: opened.id, revisionId: opened.revisionId }),
      );
      return (list ?? []).map((approval) => approval.userArn);
    };
    expect(await reviewer.setApproval(opened.id, opened.revisionId, 'APPROVE')).toEqual({ status: 'done' });
    expect(await approvals()).toEqual([REVIEWER_ARN]);
    expect(await reviewer.setApproval(opened.id, opened.revisionId, 'REVOKE')).toEqual({ status: 'done' });
    expect(await approvals()).toEqual([]);
  });

  it('answers own-pull-request when the author approves', async () => {
    const { host } = await repository();
    const opened = await host.createPullRequest(opening('event-own'));
    expect(await host.setApproval(opened.id, opened.revisionId, 'APPROVE')).toEqual({
      status: 'own-pull-request',
    });
  });

  it('answers stale-revision once the source branch moved, and closed once closed', async () => {
    const { repositoryName, host, reviewer, feature } = await repository();
    const opened = await host.createPullRequest(opening('event-stale'));
    await authorClient.send(
      new CreateCommitCommand({
        repositoryName,
        branchName: 'feature',
        parentCommitId: feature,
        putFiles: [{ filePath: 'deploy/app.yaml', fileContent: Buffer.from('image: app:v3\n') }],
      }),
    );
    expect(await reviewer.setApproval(opened.id, opened.revisionId, 'APPROVE')).toEqual({
      status: 'stale-revision',
    });
    const current = await host.getPullRequest(opened.id);
    expect(current.revisionId).not.toBe(opened.revisionId);
    await host.closePullRequest(opened.id);
    expect(await reviewer.setApproval(opened.id, current.revisionId, 'APPROVE')).toEqual({
      status: 'closed',
    });
  });
});

describe('pull-request hosts by repository key', () => {
  const config: Config = {
    repositories: {
      manifests: { provider: 'codecommit', name: 'app-manifests', region: 'eu-west-1' },
      onDisk: { provider: 'local', path: '/srv/manifests' },
    },
    commit: { author: { name: 'Flowkeeper', email: 'flowkeeper@example.com' }, maxAttempts: 3 },
    images: [],
    flow: {},
    mirrors: [],
  };

  it('answers one CodeCommit host per repository key', () => {
    const hosts = pullRequestHostsFor(config);
    const host: PullRequestHost = hosts('manifests');
    expect(host.description).toBe('codecommit:app-manifests');
    expect(hosts('manifests')).toBe(host);
  });

  it('throws a FlowkeeperError naming the key for a local repository', () => {
    const hosts = pullRequestHostsFor(config);
    expect(() => hosts('onDisk')).toThrow(FlowkeeperError);
    expect(() => hosts('onDisk')).toThrow(/repository onDisk .*pull requests need a CodeCommit repository/);
  });

  it('throws for a repository key that is not configured', () => {
    expect(() => pullRequestHostsFor(config)('missing')).toThrow('repository missing is not configured');
  });
});
