import {
  type CodeCommitClient,
  GetFileCommand,
  GetFolderCommand,
  UpdatePullRequestStatusCommand,
} from '@aws-sdk/client-codecommit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullRequestEvent } from '#test/codecommit-events.ts';
import { nextSecond, seedEcrImage } from '#test/ecr-seed.ts';
import { ecrPushEvent } from '#test/events.ts';
import { invokeInProcess } from '#test/function-process/in-process.ts';
import type { Outcome } from '#test/function-process/index.ts';
import {
  clientAs,
  commentsOn,
  IDENTITIES,
  openPullRequest,
  pullRequestFields,
  pushFiles,
} from '../../reliability/support/pull-requests.ts';
import { type Stack, startStack } from '../../reliability/support/stack.ts';

// PreviewFunction's handler in process, a cold container per call (function-process/in-process.ts),
// against the CodeCommit emulator (manifests and application repositories) and moto's ECR.

let stack: Stack;
let developer: CodeCommitClient;
let count = 0;

beforeAll(async () => {
  stack = await startStack([]);
  developer = clientAs(stack, IDENTITIES.developer);
}, 180_000);
afterAll(async () => {
  developer?.destroy();
  await stack?.stop();
});

const VALUES = [
  'host: "{slug}.preview.example.com"',
  'image:',
  '  repository: 111122223333.dkr.ecr.eu-west-1.amazonaws.com/preview-app',
  '  tag: latest',
  '',
].join('\n');

interface Action {
  type: string;
  slug?: string;
  reason?: string;
}
const actionsOf = (outcome: Outcome | undefined): Action[] => {
  if (!outcome?.ok) throw new Error(`the function failed: ${JSON.stringify(outcome)}`);
  return (outcome.result as { actions: Action[] }).actions;
};

async function previewSetup(maxOpen = 5) {
  count += 1;
  const manifests = `preview-manifests-${count}`;
  const app = `preview-app-${count}`;
  await stack.codecommit.createRepository(manifests, {
    main: { 'previews/_template/values.yaml': VALUES, 'previews/_template/Chart.yaml': 'name: web\n' },
  });
  await stack.codecommit.createRepository(app, { main: { 'README.md': 'app\n' } });
  const configParameter = `/reliability/previews/${count}`;
  await stack.putConfig(configParameter, {
    repositories: {
      manifests: { provider: 'codecommit', name: manifests },
      app: { provider: 'codecommit', name: app },
    },
    previews: [
      {
        name: 'web',
        repository: 'manifests',
        branch: 'main',
        template: 'previews/_template',
        path: 'previews/{slug}',
        source: { repository: 'app', branches: ['**'], destination: 'main' },
        url: 'https://{slug}.preview.example.com',
        image: {
          ecr: 'preview-app',
          tag: '^pr-(?<pr>\\d+)-[0-9a-f]{7}$',
          target: { kind: 'helm', file: 'values.yaml', path: 'image' },
        },
        limits: { maxOpen, ttlHours: 24 },
      },
    ],
  });
  const env = stack.envFor(configParameter, { AWS_ACCESS_KEY_ID: IDENTITIES.flowkeeper });
  const invoke = (events: unknown[], concurrency = 1) =>
    invokeInProcess('PreviewFunction', events, { env, concurrency });
  const previewFolders = async (): Promise<string[]> => {
    try {
      const { subFolders } = await developer.send(
        new GetFolderCommand({ repositoryName: manifests, folderPath: 'previews', commitSpecifier: 'main' }),
      );
      return (subFolders ?? [])
        .map((folder) => folder.relativePath ?? '')
        .filter((name) => name !== '_template');
    } catch {
      return [];
    }
  };
  const read = async (path: string) => {
    const { fileContent } = await developer.send(
      new GetFileCommand({ repositoryName: manifests, filePath: path, commitSpecifier: 'main' }),
    );
    return Buffer.from(fileContent ?? []).toString('utf8');
  };
  const openPr = async (branch: string) => {
    await pushFiles(developer, app, branch, { 'src/app.txt': `${branch}\n` });
    const id = await openPullRequest(developer, app, branch, 'main');
    return { id, event: pullRequestEvent('pullRequestCreated', await pullRequestFields(developer, id)) };
  };
  return { manifests, app, invoke, previewFolders, read, openPr };
}

describe('previews through the function handler', () => {
  it('opens, updates and closes a preview, one commit each, with one comment per step however often events arrive', async () => {
    const repo = await previewSetup();
    const { id, event } = await repo.openPr('feature/login');
    await seedEcrImage(stack.ecr, 'preview-app', `pr-${id}-aaaaaaa`);

    const [opened] = await repo.invoke([event]);
    expect(actionsOf(opened)).toEqual([expect.objectContaining({ type: 'open' })]);
    const slug = actionsOf(opened)[0]?.slug as string;
    expect(await repo.previewFolders()).toEqual([slug]);
    expect(await repo.read(`previews/${slug}/values.yaml`)).toContain(`tag: pr-${id}-aaaaaaa`);
    await repo.invoke([event, event], 2);
    expect(await repo.previewFolders()).toEqual([slug]);

    // Pushed later than aaaaaaa by ECR's clock, as a rebuild of the pull request would be.
    await nextSecond();
    await seedEcrImage(stack.ecr, 'preview-app', `pr-${id}-bbbbbbb`);
    const push = ecrPushEvent({ 'repository-name': 'preview-app', 'image-tag': `pr-${id}-bbbbbbb` });
    const [updated] = await repo.invoke([push]);
    expect(actionsOf(updated)).toEqual([expect.objectContaining({ type: 'update', slug })]);
    expect(await repo.read(`previews/${slug}/values.yaml`)).toContain(`tag: pr-${id}-bbbbbbb`);
    const [unknown] = await repo.invoke([
      ecrPushEvent({ 'repository-name': 'preview-app', 'image-tag': 'pr-999-ccccccc' }),
    ]);
    expect(actionsOf(unknown)).toEqual([
      expect.objectContaining({ type: 'skip', reason: expect.stringContaining('no open preview') }),
    ]);

    await developer.send(
      new UpdatePullRequestStatusCommand({
        pullRequestId: id,
        pullRequestStatus: 'CLOSED',
      }),
    );
    const closed = pullRequestEvent('pullRequestStatusChanged', await pullRequestFields(developer, id));
    const [closing] = await repo.invoke([closed]);
    expect(actionsOf(closing)).toEqual([expect.objectContaining({ type: 'close', slug })]);
    await repo.invoke([closed, event], 2);
    expect(await repo.previewFolders()).toEqual([]);

    const comments = await commentsOn(developer, id);
    expect(comments.map((comment) => comment.content.split('\n')[0])).toEqual([
      `Preview \`${slug}\` is open: https://${slug}.preview.example.com`,
      `Preview \`${slug}\` (https://${slug}.preview.example.com) is removed.`,
    ]);
    expect(comments[0]?.content).toContain(`https://${slug}.preview.example.com`);
  }, 180_000);

  it('sweeps a preview whose close event was lost, and gives a hostile branch a safe slug', async () => {
    const repo = await previewSetup();
    const { id, event } = await repo.openPr('Feature/Über_X.y');
    const [opened] = await repo.invoke([event]);
    const slug = actionsOf(opened)[0]?.slug as string;
    expect(slug).toMatch(/^feature-uber-x-y-[0-9a-f]{8}$/);
    await developer.send(
      new UpdatePullRequestStatusCommand({
        pullRequestId: id,
        pullRequestStatus: 'CLOSED',
      }),
    );
    const sweep = {
      version: '0',
      id: `sweep-${repo.app}`,
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '111122223333',
      time: '2026-03-12T10:00:00Z',
      region: 'eu-west-1',
      resources: [],
      detail: {},
    };
    const [swept] = await repo.invoke([sweep]);
    expect(actionsOf(swept)).toEqual([expect.objectContaining({ type: 'close', slug })]);
    expect(await repo.previewFolders()).toEqual([]);
  }, 180_000);

  it('comments and writes no directory when the limit is reached', async () => {
    const repo = await previewSetup(1);
    const first = await repo.openPr('feature/one');
    const second = await repo.openPr('feature/two');
    const [a] = await repo.invoke([first.event]);
    const [b] = await repo.invoke([second.event]);
    expect(actionsOf(a)[0]?.type).toBe('open');
    expect(actionsOf(b)[0]?.type).toBe('wait');
    expect(await repo.previewFolders()).toHaveLength(1);
    const comments = await commentsOn(developer, second.id);
    expect(comments).toHaveLength(1);
    expect(comments[0]?.content).toContain('waits');
  }, 180_000);
});
