import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { EventBus } from '#app/ports/event-bus.ts';
import { TransientError } from '#domain/errors.ts';

/** PutEvents answered with a failed entry (throttled, internal failure): GitLab should deliver again. */
export class PutEventsError extends TransientError {
  override name = 'PutEventsError';
}

/** The named EventBridge bus (`default` is the account's default bus). */
export function eventBridgeBus(
  name: string,
  client: EventBridgeClient = new EventBridgeClient({}),
): EventBus {
  return {
    name,
    async put(event) {
      const answer = await client.send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: name,
              Source: event.source,
              DetailType: event.detailType,
              Resources: event.resources,
              Detail: JSON.stringify(event.detail),
            },
          ],
        }),
      );
      const [entry] = answer.Entries ?? [];
      if ((answer.FailedEntryCount ?? 0) > 0 || entry?.EventId === undefined) {
        throw new PutEventsError(
          `PutEvents to bus ${name} failed: ${entry?.ErrorCode ?? 'no entry answered'}${entry?.ErrorMessage ? ` (${entry.ErrorMessage})` : ''}`,
        );
      }
      return { eventId: entry.EventId };
    },
  };
}

/** No bus configured (local runs): the event is only reported in the result, never put. */
export const unconfiguredBus: EventBus = { name: null, put: async () => ({ eventId: null }) };
