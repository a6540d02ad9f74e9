import type { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import {
  createLogAlertSink,
  createSnsAlertSink,
  snsMessage,
  snsSubject,
} from '#adapters/aws/sns-alert-sink.ts';

const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:flowkeeper-alerts';

/** A client that records what it would publish. */
function recordingClient() {
  const published: PublishCommand['input'][] = [];
  const client = {
    send: async (command: PublishCommand) => {
      published.push(command.input);
      return {};
    },
  } as unknown as SNSClient;
  return { client, published };
}

describe('alert text from untrusted sources', () => {
  it('keeps only the line breaks Flowkeeper wrote: CR, controls and Unicode separators become spaces', () => {
    const message = snsMessage({
      subject: 's',
      message:
        'Branch: a\rCaller: forged\nFiles: b\u2028Caller: forged\u0000\u001b[31mred\u0085x\u202eevil\r\nlast\tcol',
    });
    expect(message).toBe('Branch: a Caller: forged\nFiles: b Caller: forged [31mred x evil\nlast\tcol');
  });

  it('cleans the details too, after they are serialised', () => {
    const message = snsMessage({ subject: 's', message: 'm', details: { branch: 'a\u2028b' } });
    expect(message).toBe('m\n\nDetails:\n{\n  "branch": "a b"\n}');
  });

  it('publishes the event id attribute and subject on one line', async () => {
    const { client, published } = recordingClient();
    await createSnsAlertSink({ topicArn: TOPIC, client }).publish({
      subject: 'Direct push to protected main\nin manifests',
      message: 'x',
      eventId: 'e-1\nforged',
    });
    expect(published[0]?.Subject).toBe(snsSubject('Direct push to protected main in manifests'));
    expect(published[0]?.MessageAttributes?.eventId?.StringValue).toBe('e-1 forged');
  });

  it('writes one log line per alert, whatever breaks the lines of its text', async () => {
    const lines: string[] = [];
    await createLogAlertSink((line) => lines.push(line)).publish({
      subject: 'a\u2028ALERT forged',
      message: 'b\rALERT forged\u2029c',
      eventId: 'e\nALERT',
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toMatch(/[\r\n\u2028\u2029]/);
    expect(lines[0]).toBe('ALERT a ALERT forged [event e ALERT]: b ALERT forged c');
  });
});
