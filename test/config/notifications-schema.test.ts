import { describe, expect, it } from 'vitest';
import { parseConfig } from '#config/schema.ts';
import { ConfigError } from '#domain/errors.ts';

const base = {
  repositories: { 'app-manifests': { provider: 'codecommit', name: 'app-manifests' } },
  images: [
    {
      ecr: 'my-app',
      tags: { semver: '>=1.0.0' },
      update: [
        { kind: 'helm', repository: 'app-manifests', branch: 'stg', file: 'values.yaml', path: 'image' },
      ],
    },
  ],
};

const problems = (notifications: unknown): string[] => {
  try {
    parseConfig({ ...base, notifications }, 'test');
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
};

describe('notifications configuration', () => {
  it('accepts both channel kinds with filters', () => {
    const config = parseConfig(
      {
        ...base,
        notifications: {
          channels: {
            'team-slack': {
              kind: 'slack-webhook',
              webhook: { secretsManager: 'flowkeeper/slack-webhook' },
              events: ['bump-committed', 'preview-opened'],
              repositories: ['app-manifests'],
            },
            ops: {
              kind: 'amazon-q',
              topicArn: 'arn:aws:sns:eu-west-1:111122223333:flowkeeper-chat',
              events: ['mirror-drift'],
              images: ['my-app'],
            },
          },
        },
      },
      'test',
    );
    expect(config.notifications?.channels.ops).toEqual({
      kind: 'amazon-q',
      topicArn: 'arn:aws:sns:eu-west-1:111122223333:flowkeeper-chat',
      events: ['mirror-drift'],
      images: ['my-app'],
    });
  });

  it('says where each problem is', () => {
    expect(
      problems({
        channels: {
          s: {
            kind: 'slack-webhook',
            webhook: { ssm: '/flowkeeper/slack-webhook' },
            events: ['bump-comitted'],
            repositories: ['manifests'],
            images: ['my-ap'],
          },
          q: { kind: 'amazon-q', topicArn: 'arn:aws:sns:eu-west-1:111122223333:chat.fifo', events: [] },
          t: { kind: 'teams', events: ['build-failed'] },
        },
      }),
    ).toEqual([
      'notifications.channels.s.events[0]: must be one of bump-committed, bump-rejected, flow-violation, promotion-opened, build-failed, build-succeeded, mirror-drift, preview-opened, preview-closed (got "bump-comitted")',
      'notifications.channels.s.repositories[0]: unknown repository "manifests"; known: app-manifests',
      'notifications.channels.s.images[0]: unknown image "my-ap": no entry of images has this ecr; did you mean "my-app"?',
      'notifications.channels.q.topicArn: must be a standard SNS topic ARN (arn:aws:sns:<region>:<account>:<name>; FIFO topics cannot reach Amazon Q), got "arn:aws:sns:eu-west-1:111122223333:chat.fifo"',
      'notifications.channels.q.events: must list at least one kind of notification',
      'notifications.channels.t.kind: must be amazon-q or slack-webhook (got "teams")',
    ]);
  });

  it('refuses the webhook URL itself', () => {
    expect(
      problems({
        channels: {
          s: {
            kind: 'slack-webhook',
            webhook: 'https://hooks.slack.com/services/T0/B0/x',
            events: ['build-failed'],
          },
        },
      }),
    ).toEqual([
      'notifications.channels.s.webhook: must not hold the webhook URL itself (anyone holding it can post): store it in SSM (a SecureString parameter) or in Secrets Manager and write { ssm: <name> } or { secretsManager: <name> }',
    ]);
  });
});
