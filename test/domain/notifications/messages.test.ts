import { describe, expect, it } from 'vitest';
import { amazonQMessage } from '#domain/notifications/amazon-q-message.ts';
import { chatText } from '#domain/notifications/chat-text.ts';
import { codecommitCommitUrl, consoleHost } from '#domain/notifications/console-links.ts';
import {
  buildFinished,
  bumpCommitted,
  bumpRejected,
  flowViolation,
  mirrorDrift,
} from '#domain/notifications/messages.ts';
import { channelWants } from '#domain/notifications/notification.ts';
import { slackMessage } from '#domain/notifications/slack-message.ts';

const ZWJ = '\u200d';

const bump = bumpCommitted({
  eventId: 'e-1',
  repository: 'app-manifests',
  branch: 'stg',
  commitId: '0123456789abcdef0123456789abcdef01234567',
  moves: [{ image: 'my-app', where: 'values-stg.yaml (image.tag)', from: '1.4.1', to: '1.4.2' }],
  commitUrl: codecommitCommitUrl('eu-west-1', 'app-manifests', '0123456789abcdef0123456789abcdef01234567'),
});

describe('notification messages', () => {
  it('says what changed, where, and links the commit (Slack Block Kit)', () => {
    expect(slackMessage(bump)).toEqual({
      text: '✅ my-app 1.4.1 → 1.4.2 on stg',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: '✅ my-app 1.4.1 → 1.4.2 on stg', emoji: true } },
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text: 'app-manifests stg: commit 0123456789ab\nvalues-stg.yaml (image.tag): 1.4.1 → 1.4.2',
          },
        },
        {
          type: 'context',
          elements: [
            {
              type: 'mrkdwn',
              text: '<https://eu-west-1.console.aws.amazon.com/codesuite/codecommit/repositories/app-manifests/commit/0123456789abcdef0123456789abcdef01234567?region=eu-west-1|commit> · event e-1',
            },
          ],
        },
      ],
    });
  });

  it('is an Amazon Q custom notification threaded by repository and branch', () => {
    expect(amazonQMessage(bump)).toEqual({
      version: '1.0',
      source: 'custom',
      id: 'flowkeeper:bump-committed:e-1',
      content: {
        textType: 'client-markdown',
        title: '✅ my-app 1.4.1 → 1.4.2 on stg',
        description: 'app-manifests stg: commit 0123456789ab\nvalues-stg.yaml (image.tag): 1.4.1 → 1.4.2',
        nextSteps: [
          'commit: https://eu-west-1.console.aws.amazon.com/codesuite/codecommit/repositories/app-manifests/commit/0123456789abcdef0123456789abcdef01234567?region=eu-west-1',
        ],
        keywords: ['bump-committed', 'app-manifests', 'my-app'],
      },
      metadata: {
        threadId: 'flowkeeper/bump/app-manifests/stg',
        summary: 'my-app 1.4.1 → 1.4.2 on stg',
        eventType: 'bump-committed',
        additionalContext: { eventId: 'e-1', repository: 'app-manifests' },
      },
    });
  });

  it('a failed build names the failed phase, the fix and the build log', () => {
    const build = buildFinished({
      eventId: 'b-1',
      project: 'validate',
      buildNumber: 12,
      status: 'FAILED',
      succeeded: false,
      repository: 'app-manifests',
      pullRequestId: '7',
      failure:
        'BUILD: COMMAND_EXECUTION_ERROR: Error while executing command: npm test. Reason: exit status 1',
      logUrl:
        'https://console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logEvent:group=/aws/codebuild/validate',
    });
    const { blocks } = slackMessage(build);
    expect(blocks[0]).toMatchObject({ text: { text: '❌ Build validate #12 failed on app-manifests PR 7' } });
    expect(blocks[1]).toMatchObject({
      text: {
        text:
          'Failed at BUILD: COMMAND_EXECUTION_ERROR: Error while executing command: npm test. Reason: exit status 1\n' +
          '*Fix:* Read the build log from the failed phase, fix the commit and push again.',
      },
    });
    expect(amazonQMessage(build).metadata.threadId).toBe('flowkeeper/pr/app-manifests/7');
  });

  it('drift and violations say what to fix', () => {
    const drift = mirrorDrift({
      eventId: 'd-1',
      gitlab: 'gl',
      codecommit: 'cc',
      branch: 'main',
      state: 'codecommit-ahead',
      behind: 0,
      ahead: 2,
      lagSeconds: 3600,
    });
    expect(drift.title).toBe('Mirror drift on main: gl → cc codecommit-ahead for 60 min');
    expect(drift.fix).toContain('commit them to GitLab');
    const rejected = bumpRejected({
      eventId: 'r-1',
      function: 'ImageBumpFunction',
      errorType: 'ConfigError',
      message: 'images[0].tags: bad range',
    });
    expect(amazonQMessage(rejected).content.nextSteps).toEqual(['images[0].tags: bad range']);
  });
});

describe('untrusted text in chat', () => {
  const hostile = flowViolation({
    eventId: 'v-1',
    repository: 'app-manifests',
    subject: 'pull request 9 <!channel> → prod',
    reason: 'branch "x>y&z" @here <@U123ABC> <https://evil.example|click>\n*forged line*',
    pullRequestId: '9',
    closed: true,
    pullRequestUrl: 'https://evil.example/a|b>c',
  });

  it('escapes &, <, > and neutralises every mention, on one line', () => {
    const message = slackMessage(hostile);
    const json = JSON.stringify(message);
    expect(json).not.toMatch(/<!channel>|<!here>|<@U123ABC>|<https:\/\/evil/);
    expect(json).not.toContain('@here');
    const section = message.blocks[1];
    expect(section).toMatchObject({
      text: {
        text: `branch "x&gt;y&amp;z" @${ZWJ}here &lt;@${ZWJ}U123ABC&gt; &lt;https://evil.example|click&gt; *forged line*\nFlowkeeper closed the pull request.\n*Fix:* Open the pull request against the next branch of the promotion order.`,
      },
    });
    expect(message.blocks[0]).toMatchObject({
      text: { text: '⚠️ Flow violation in app-manifests: pull request 9 &lt;!channel&gt; → prod' },
    });
  });

  it('drops a link whose URL could break out of the markup', () => {
    expect(JSON.stringify(slackMessage(hostile))).not.toContain('evil.example/a');
    expect(JSON.stringify(amazonQMessage(hostile))).not.toContain('evil.example/a');
  });

  it('is escaped the same way for Amazon Q', () => {
    const message = amazonQMessage(hostile);
    expect(message.content.title).toBe(
      '⚠️ Flow violation in app-manifests: pull request 9 &lt;!channel&gt; → prod',
    );
    expect(message.content.description).not.toMatch(/[<>]/);
    expect(message.metadata.threadId).toBe('flowkeeper/pr/app-manifests/9');
  });

  it('chatText flattens line breaks and controls', () => {
    expect(chatText('a\r\nb\u2028c\u202ed')).toBe('a b c d');
  });
});

describe('console links and channel filters', () => {
  it('derives the console host from the region', () => {
    expect(consoleHost('cn-north-1')).toBe('cn-north-1.console.amazonaws.cn');
    expect(consoleHost('us-gov-west-1')).toBe('us-gov-west-1.console.amazonaws-us-gov.com');
  });

  it('filters by kind, repository and image; a notification naming none passes those filters', () => {
    expect(channelWants({ events: ['bump-committed'] }, bump)).toBe(true);
    expect(channelWants({ events: ['build-failed'] }, bump)).toBe(false);
    expect(channelWants({ events: ['bump-committed'], repositories: ['other'] }, bump)).toBe(false);
    expect(channelWants({ events: ['bump-committed'], images: ['other'] }, bump)).toBe(false);
    expect(
      channelWants({ events: ['bump-committed'], images: ['my-app'], repositories: ['app-manifests'] }, bump),
    ).toBe(true);
    const rejected = bumpRejected({ eventId: null, function: 'f', errorType: 'EventError', message: 'm' });
    expect(channelWants({ events: ['bump-rejected'], images: ['my-app'] }, rejected)).toBe(true);
  });
});
