import type { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { describe, expect, it } from 'vitest';
import { eventBridgeBus, PutEventsError } from '#adapters/aws/eventbridge-bus.ts';
import { TransientError } from '#domain/errors.ts';
import { type GitLabMergeRequestDetail, mergeRequestBusEvent } from '#domain/gitlab-merge-request.ts';
import { rejectionOf } from '#test/rejection.ts';

const detail: GitLabMergeRequestDetail = {
  project: { id: 1, path: 'g/p', webUrl: 'https://gitlab.example.com/g/p' },
  mergeRequest: {
    iid: 3,
    action: 'open',
    state: 'opened',
    sourceBranch: 'a\nb',
    targetBranch: 'main',
    lastCommitId: null,
    url: 'https://gitlab.example.com/g/p/-/merge_requests/3',
    title: 't',
  },
  delivery: { idempotencyKey: 'k', eventUuid: null },
};

/** A client answering every PutEvents with `answer`, keeping the commands it was sent. */
function client(answer: unknown): { client: EventBridgeClient; sent: PutEventsCommand[] } {
  const sent: PutEventsCommand[] = [];
  const fake = {
    send: async (command: PutEventsCommand) => {
      sent.push(command);
      return answer;
    },
  };
  return { client: fake as unknown as EventBridgeClient, sent };
}

describe('eventBridgeBus', () => {
  it('puts one entry on the named bus, the detail as JSON, and answers its event id', async () => {
    const fake = client({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
    const answer = await eventBridgeBus('my-bus', fake.client).put(mergeRequestBusEvent(detail));
    expect(answer).toEqual({ eventId: 'e-1' });
    expect(fake.sent[0]?.input.Entries).toEqual([
      {
        EventBusName: 'my-bus',
        Source: 'flowkeeper.gitlab',
        DetailType: 'GitLab Merge Request',
        Resources: [],
        Detail: JSON.stringify(detail),
      },
    ]);
  });

  it('throws a transient error naming the code when the entry failed', async () => {
    const fake = client({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' }],
    });
    const error = await rejectionOf(
      eventBridgeBus('b', fake.client).put(mergeRequestBusEvent(detail)),
      PutEventsError,
    );
    expect(error).toBeInstanceOf(TransientError);
    expect(error.message).toBe('PutEvents to bus b failed: ThrottlingException (Rate exceeded)');
  });
});
