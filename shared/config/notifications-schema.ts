/**
 * The `notifications` section: chat channels (Amazon Q Developer in chat applications through an
 * SNS topic, or a Slack incoming webhook) and what each wants to hear about. Which repositories
 * and images a channel may name is checked across the document, see `notification-rules.ts`.
 */
import * as z from 'zod';
import { describeValue } from '#config/issue-messages.ts';
import { checkedString, closedObject } from '#config/schema-building-blocks.ts';
import { tokenSource } from '#config/token-source-schema.ts';
import type { NotificationKind } from '#config/types.ts';

export const NOTIFICATION_KINDS = [
  'bump-committed',
  'bump-rejected',
  'flow-violation',
  'promotion-opened',
  'build-failed',
  'build-succeeded',
  'mirror-drift',
  'preview-opened',
  'preview-closed',
] as const satisfies readonly NotificationKind[];

const CHANNEL_KEY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;
const SLACK_WEBHOOK_URL = /^https:\/\/hooks\.slack(?:-gov)?\.com\//;

const kind = z.enum(NOTIFICATION_KINDS, {
  error: (issue) => `must be one of ${NOTIFICATION_KINDS.join(', ')} (got ${describeValue(issue.input)})`,
});

const interest = {
  events: z
    .array(kind)
    .min(1, { error: 'must list at least one kind of notification' })
    .meta({
      description: 'What the channel is told about.',
      examples: [['bump-committed', 'bump-rejected', 'build-failed']],
    }),
  repositories: z
    .array(z.string())
    .min(1, { error: 'must list at least one repository, or be left out' })
    .meta({
      description:
        'Only notifications about these repositories (names under `repositories`); a notification that names no repository (a rejected event) still passes.',
      examples: [['app-manifests']],
    })
    .optional(),
  images: z
    .array(z.string())
    .min(1, { error: 'must list at least one image, or be left out' })
    .meta({
      description:
        'Only notifications about these ECR repositories (an `ecr` of `images`); a notification that names no image (a flow violation, a build) still passes.',
      examples: [['my-app']],
    })
    .optional(),
};

const amazonQ = closedObject({
  kind: z.literal('amazon-q').meta({ description: 'Channel kind.' }),
  topicArn: checkedString(
    (value) => TOPIC_ARN.test(value),
    (value) =>
      `must be a standard SNS topic ARN (arn:aws:sns:<region>:<account>:<name>; FIFO topics cannot reach Amazon Q), got ${JSON.stringify(value)}`,
  ).meta({
    description:
      'The SNS topic an Amazon Q Developer channel configuration subscribes to; the stack parameter `NotificationTopicArn` must name the same topic.',
    examples: ['arn:aws:sns:eu-west-1:111122223333:flowkeeper-chat'],
  }),
  ...interest,
}).meta({
  title: 'Amazon Q Developer channel',
  description:
    'Amazon Q Developer in chat applications (formerly AWS Chatbot): custom notifications published to an SNS topic.',
});

const slackWebhook = closedObject({
  kind: z.literal('slack-webhook').meta({ description: 'Channel kind.' }),
  webhook: z
    .unknown()
    .check((ctx) => {
      if (typeof ctx.value === 'string' && SLACK_WEBHOOK_URL.test(ctx.value)) {
        ctx.issues.push({
          code: 'custom',
          message:
            'must not hold the webhook URL itself (anyone holding it can post): store it in SSM (a SecureString parameter) or in Secrets Manager and write { ssm: <name> } or { secretsManager: <name> }',
          input: ctx.value,
          continue: false,
        });
      }
    })
    .pipe(tokenSource)
    .meta({
      description:
        'Where the webhook URL is stored: `{ ssm: <SecureString parameter> }` or `{ secretsManager: <secret> }`.',
      examples: [{ secretsManager: 'flowkeeper/slack-webhook' }],
    }),
  ...interest,
}).meta({
  title: 'Slack incoming webhook channel',
  description: 'A Slack incoming webhook; the URL is a secret and never written in the configuration.',
});

const channel = z
  .discriminatedUnion('kind', [amazonQ, slackWebhook], {
    error: (issue) =>
      issue.code === 'invalid_union'
        ? `must be amazon-q or slack-webhook (got ${describeValue((issue.input as { kind?: unknown } | undefined)?.kind)})`
        : undefined,
  })
  .meta({ description: 'A chat channel; `kind` selects how messages reach it.' });

export const notifications = closedObject({
  channels: z
    .record(
      z.string().regex(CHANNEL_KEY, {
        error:
          'channel names start with a letter or digit and hold only letters, digits, ".", "_" and "-" (at most 64)',
      }),
      channel,
    )
    .refine((value) => Object.keys(value).length > 0, { error: 'must define at least one channel' })
    .meta({
      description: 'Channels by name; the name is used in logs and in the NotificationFailures metric.',
    }),
})
  .meta({
    title: 'Notifications',
    description:
      'Chat channels told about bumps, rejected events, flow violations, promotions, builds and mirror drift. Delivery never holds back or fails the work it reports on.',
  })
  .optional();
