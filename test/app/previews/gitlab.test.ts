import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitLabGitHost } from '#adapters/gitlab/git-host.ts';
import { createGitLabPreviewSource } from '#adapters/gitlab/preview-source.ts';
import type { PreviewDeps } from '#app/previews/deps.ts';
import { onMergeRequest } from '#app/previews/route-events.ts';
import { parseConfig } from '#config/schema.ts';
import { parseEnvelope } from '#parsers/envelope.ts';
import { fromEnvelope } from '#parsers/gitlab-merge-request-event.ts';
import { gitText } from '../../emulators/codecommit/git.ts';
import { gitlabApi, projectId } from '../../emulators/gitlab/client.ts';
import { type GitLabEmulator, startGitLabEmulator } from '../../emulators/gitlab/server.ts';

// A GitLab merge-request event as the ingress puts it on the bus → a preview on the GitLab
// manifests project and a note on the merge request, through the real adapters and the emulator.

const TOKEN = 'glpat-previews-0123456789abcdef';
let emulator: GitLabEmulator;

beforeAll(async () => {
  emulator = await startGitLabEmulator();
  emulator.addToken(TOKEN);
});
afterAll(() => emulator.stop());

function mergeRequestEvent(action: string, state: string, iid: number, id: string) {
  return fromEnvelope(
    parseEnvelope({
      version: '0',
      id,
      'detail-type': 'GitLab Merge Request',
      source: 'flowkeeper.gitlab',
      account: '111122223333',
      time: '2026-03-10T10:00:00Z',
      region: 'eu-west-1',
      resources: [],
      detail: {
        project: { id: 2, path: 'platform/web', webUrl: `${emulator.url}/platform/web` },
        mergeRequest: {
          iid,
          action,
          state,
          sourceBranch: 'feature/search',
          targetBranch: 'main',
          lastCommitId: null,
          url: `${emulator.url}/platform/web/-/merge_requests/${iid}`,
          title: 'Search box',
        },
        delivery: { idempotencyKey: null, eventUuid: null },
      },
    }),
  );
}

describe('previews from GitLab merge requests', () => {
  it('opens a preview on the GitLab manifests project with one note carrying the URL, and closes it', async () => {
    const { gitDir } = await emulator.createProject('platform/manifests', {
      main: { 'previews/_template/values.yaml': 'host: "{slug}.preview.example.com"\nmr: "{pullRequest}"\n' },
    });
    await emulator.createProject('platform/web', {
      main: { 'README.md': 'web\n' },
      'feature/search': { 'README.md': 'search\n' },
    });
    const iid = emulator.createMergeRequest('platform/web', {
      source: 'feature/search',
      target: 'main',
      title: 'Search box',
    });
    const gitlab = (project: string) => ({
      provider: 'gitlab',
      url: emulator.url,
      project,
      token: { ssm: '/gitlab-token' },
    });
    const config = parseConfig(
      {
        repositories: { manifests: gitlab('platform/manifests'), web: gitlab('platform/web') },
        previews: [
          {
            name: 'web',
            repository: 'manifests',
            branch: 'main',
            template: 'previews/_template',
            path: 'previews/{slug}',
            source: { repository: 'web' },
            url: 'https://{slug}.preview.example.com',
          },
        ],
      },
      'test',
    );
    const options = (project: string) => ({ url: emulator.url, project, token: async () => TOKEN });
    const deps: PreviewDeps = {
      config,
      hostFor: (key) =>
        createGitLabGitHost(options(key === 'manifests' ? 'platform/manifests' : 'platform/web')),
      sourceFor: () => createGitLabPreviewSource(options('platform/web')),
      registry: {
        describeImage: async () => undefined,
        listImages: async () => [],
        scanFindings: async () => undefined,
      },
      now: () => new Date('2026-03-10T10:00:00Z'),
    };

    const opened = await onMergeRequest(mergeRequestEvent('open', 'opened', iid, 'mr-open'), deps);
    const slug = opened.actions[0]?.type === 'open' ? opened.actions[0].slug : undefined;
    expect(slug).toMatch(/^feature-search-[0-9a-f]{8}$/);
    expect(await gitText(gitDir, ['show', `main:previews/${slug}/values.yaml`])).toBe(
      `host: "${slug}.preview.example.com"\nmr: "${iid}"`,
    );
    await onMergeRequest(mergeRequestEvent('open', 'opened', iid, 'mr-open'), deps);

    const closed = await onMergeRequest(mergeRequestEvent('merge', 'merged', iid, 'mr-merge'), deps);
    expect(closed.actions).toEqual([expect.objectContaining({ type: 'close', slug })]);
    expect(await gitText(gitDir, ['ls-tree', '-r', '--name-only', 'main', 'previews'])).toBe(
      'previews/_template/values.yaml',
    );
    const notes = await gitlabApi(emulator, TOKEN)(
      'GET',
      `/projects/${projectId('platform/web')}/merge_requests/${iid}/notes`,
    );
    const bodies = (notes.json as { body: string }[]).map((note) => note.body.split('\n')[0]).sort();
    expect(bodies).toEqual([
      `Preview \`${slug}\` (https://${slug}.preview.example.com) is removed.`,
      `Preview \`${slug}\` is open: https://${slug}.preview.example.com`,
    ]);
  });
});
