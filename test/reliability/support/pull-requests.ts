import {
  CodeCommitClient,
  CreateBranchCommand,
  CreateCommitCommand,
  CreatePullRequestCommand,
  GetBranchCommand,
  GetCommentsForPullRequestCommand,
  GetPullRequestApprovalStatesCommand,
  GetPullRequestCommand,
  ListPullRequestsCommand,
  MergePullRequestByFastForwardCommand,
} from '@aws-sdk/client-codecommit';
import type { FlowAction, FlowResult } from '#app/branch-flow/result.ts';
import type { PullRequestFields } from '#test/codecommit-events.ts';
import type { Outcome } from '#test/function-process/index.ts';
import type { Stack } from './stack.ts';

/** Access key ids: the emulator takes each as a different IAM user. */
export const IDENTITIES = { developer: 'developer', flowkeeper: 'flowkeeper', approver: 'approver' } as const;
export const arnOf = (key: string): string => `arn:aws:iam::123456789012:user/${key}`;

/** A CodeCommit client acting as one identity against the stack's emulator. */
export function clientAs(stack: Stack, accessKeyId: string): CodeCommitClient {
  return new CodeCommitClient({
    endpoint: stack.codecommit.endpoint,
    region: stack.codecommit.region,
    credentials: { accessKeyId, secretAccessKey: 'test' },
  });
}

export async function headOf(
  client: CodeCommitClient,
  repositoryName: string,
  branch: string,
): Promise<string> {
  const { branch: info } = await client.send(new GetBranchCommand({ repositoryName, branchName: branch }));
  if (info?.commitId === undefined) throw new Error(`${repositoryName} has no branch ${branch}`);
  return info.commitId;
}

/** One commit on `branch` (created from `from` when it does not exist yet) putting `files`. */
export async function pushFiles(
  client: CodeCommitClient,
  repositoryName: string,
  branch: string,
  files: Record<string, string>,
  from = 'main',
): Promise<string> {
  const existing = await headOf(client, repositoryName, branch).catch(() => undefined);
  const parent = existing ?? (await headOf(client, repositoryName, from));
  if (existing === undefined) {
    await client.send(new CreateBranchCommand({ repositoryName, branchName: branch, commitId: parent }));
  }
  const { commitId } = await client.send(
    new CreateCommitCommand({
      repositoryName,
      branchName: branch,
      parentCommitId: parent,
      authorName: 'Developer',
      email: 'developer@example.com',
      commitMessage: `Change ${Object.keys(files).join(', ')}`,
      putFiles: Object.entries(files).map(([filePath, content]) => ({
        filePath,
        fileContent: new TextEncoder().encode(content),
      })),
    }),
  );
  if (commitId === undefined) throw new Error('CreateCommit answered no commit id');
  return commitId;
}

export async function openPullRequest(
  client: CodeCommitClient,
  repositoryName: string,
  source: string,
  destination: string,
): Promise<string> {
  const { pullRequest } = await client.send(
    new CreatePullRequestCommand({
      title: `${source} into ${destination}`,
      targets: [{ repositoryName, sourceReference: source, destinationReference: destination }],
    }),
  );
  if (pullRequest?.pullRequestId === undefined) throw new Error('CreatePullRequest answered no id');
  return pullRequest.pullRequestId;
}

export async function mergeFastForward(
  client: CodeCommitClient,
  repositoryName: string,
  id: string,
): Promise<void> {
  await client.send(new MergePullRequestByFastForwardCommand({ pullRequestId: id, repositoryName }));
}

/** The fields an event about pull request `id` carries, read from the emulator now. */
export async function pullRequestFields(client: CodeCommitClient, id: string): Promise<PullRequestFields> {
  const { pullRequest } = await client.send(new GetPullRequestCommand({ pullRequestId: id }));
  const target = pullRequest?.pullRequestTargets?.[0];
  if (!pullRequest || !target) throw new Error(`no pull request ${id}`);
  const short = (ref: string | undefined) => (ref ?? '').replace(/^refs\/heads\//, '');
  return {
    id,
    repositoryName: target.repositoryName ?? '',
    source: short(target.sourceReference),
    destination: short(target.destinationReference),
    sourceCommit: target.sourceCommit ?? '',
    destinationCommit: target.destinationCommit ?? '',
    revisionId: pullRequest.revisionId ?? '',
    authorArn: pullRequest.authorArn ?? '',
    status: pullRequest.pullRequestStatus === 'CLOSED' ? 'CLOSED' : 'OPEN',
    merged: target.mergeMetadata?.isMerged ?? false,
  };
}

export async function pullRequestStatus(client: CodeCommitClient, id: string): Promise<string | undefined> {
  const { pullRequest } = await client.send(new GetPullRequestCommand({ pullRequestId: id }));
  return pullRequest?.pullRequestStatus;
}

export async function commentsOn(
  client: CodeCommitClient,
  id: string,
): Promise<{ content: string; authorArn: string }[]> {
  const { commentsForPullRequestData } = await client.send(
    new GetCommentsForPullRequestCommand({ pullRequestId: id }),
  );
  return (commentsForPullRequestData ?? []).flatMap((group) =>
    (group.comments ?? []).map((comment) => ({
      content: comment.content ?? '',
      authorArn: comment.authorArn ?? '',
    })),
  );
}

export async function approvalsOf(
  client: CodeCommitClient,
  id: string,
  revisionId: string,
): Promise<string[]> {
  const { approvals } = await client.send(
    new GetPullRequestApprovalStatesCommand({ pullRequestId: id, revisionId }),
  );
  return (approvals ?? []).map((approval) => `${approval.userArn} ${approval.approvalState}`);
}

export async function openPullRequests(client: CodeCommitClient, repositoryName: string): Promise<string[]> {
  const { pullRequestIds } = await client.send(
    new ListPullRequestsCommand({ repositoryName, pullRequestStatus: 'OPEN' }),
  );
  return pullRequestIds ?? [];
}

/** The actions of a returned result; throws with the error when the invocation failed. */
export function flowActions(outcome: Outcome | undefined): FlowAction[] {
  if (outcome === undefined) throw new Error('no outcome');
  if (!outcome.ok) throw new Error(`invocation threw ${outcome.error.name}: ${outcome.error.message}`);
  const result = outcome.result as FlowResult & { error?: { type: string; message: string } };
  if (result.error) throw new Error(`event rejected: ${result.error.type}: ${result.error.message}`);
  return result.actions;
}

const kustomization = (tag: string) =>
  `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nimages:\n  - name: my-app\n    newTag: "${tag}"\n`;

/**
 * CodeCommit repository `name` whose stages dev → stg → main hold my-app 1.4.2, 1.4.1 and 1.4.0 in
 * `app/kustomization.yaml` (main ← stg ← dev, each one commit ahead of the next stage, as a
 * promotion chain is), and a configuration at `configParameter` with `flow` as its branch flow.
 */
export async function promotionChain(
  stack: Stack,
  developer: CodeCommitClient,
  name: string,
  configParameter: string,
  flow: Record<string, unknown>,
): Promise<void> {
  await stack.codecommit.createRepository(name, {
    main: { 'app/kustomization.yaml': kustomization('1.4.0') },
  });
  await pushFiles(developer, name, 'stg', { 'app/kustomization.yaml': kustomization('1.4.1') }, 'main');
  await pushFiles(developer, name, 'dev', { 'app/kustomization.yaml': kustomization('1.4.2') }, 'stg');
  await stack.putConfig(configParameter, {
    repositories: { manifests: { provider: 'codecommit', name } },
    images: [
      {
        ecr: 'my-app',
        tags: { semver: '>=1.0.0' },
        update: [
          {
            repository: 'manifests',
            branch: 'dev',
            file: 'app/kustomization.yaml',
            kind: 'kustomize',
            image: 'my-app',
          },
        ],
      },
    ],
    flow: {
      manifests: { promotion: ['dev', 'stg', 'main'], allow: [{ from: 'feature/*', to: 'dev' }], ...flow },
    },
  });
}
