import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Notifier } from '#app/ports/notifier.ts';
import type { NotificationChannelConfig } from '#config/types.ts';
import { amazonQMessage } from '#domain/notifications/amazon-q-message.ts';
import { clientFor } from './clients.ts';
import { topicRegion } from './sns-alert-sink.ts';

export interface AmazonQNotifierOptions {
  /** An injected client (tests point one at moto); otherwise the shared client (clients.ts) for the topic's region. */
  client?: SNSClient;
}

/**
 * Amazon Q Developer in chat applications: the custom-notification JSON of a notification published
 * to the SNS topic a chat channel configuration subscribes to. The SDK retries throttling and 5xx
 * itself; what still fails is thrown for the caller to log and count. SNS gives no way to see what
 * a channel already shows, so a redelivered event is not deduplicated; its `threadId` keeps it in
 * the same thread as the messages it relates to.
 */
export function createAmazonQNotifier(options: AmazonQNotifierOptions = {}): Notifier {
  return {
    async send(channel: NotificationChannelConfig, notification) {
      if (channel.kind !== 'amazon-q') throw new Error(`not an Amazon Q channel: ${channel.kind}`);
      const client =
        options.client ?? (await clientFor(SNSClient, { region: topicRegion(channel.topicArn) }));
      await client.send(
        new PublishCommand({
          TopicArn: channel.topicArn,
          Message: JSON.stringify(amazonQMessage(notification)),
        }),
      );
    },
  };
}
