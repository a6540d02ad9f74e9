import { describe, expect, it } from 'vitest';
import { EventError } from '#domain/errors.ts';
import { parseEcrImageScan } from '#parsers/ecr-image-scan.ts';
import { parseEnvelope } from '#parsers/envelope.ts';
import { queuedMessages } from '#parsers/sqs-batch.ts';
import { formatPath, preview } from '#parsers/zod-error.ts';
import { ecrPushEvent } from '#test/events.ts';

function rejection(parse: () => unknown): string {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(EventError);
    return (error as Error).message;
  }
  throw new Error('accepted');
}

describe('preview', () => {
  it('quotes a string on one line and cuts it at 80 characters', () => {
    expect(preview('a\nb')).toBe('"a\\nb"');
    expect(preview('x'.repeat(10_000))).toBe(`"${'x'.repeat(80)}…"`);
  });

  it('names other values by kind', () => {
    expect([undefined, null, [1], { a: 1 }, 42, false].map(preview)).toEqual([
      'nothing',
      'null',
      'an array',
      'an object',
      '42',
      'false',
    ]);
  });
});

describe('formatPath', () => {
  it('writes indexes in brackets and quotes keys that are not plain words', () => {
    expect(formatPath('detail', ['phases', 0, 'phase-type'])).toBe('detail.phases[0].phase-type');
    expect(formatPath('detail', ['counts', 'a\nb'])).toBe('detail.counts["a\\nb"]');
    expect(formatPath('', ['Records', 2, 'body'])).toBe('Records[2].body');
  });
});

describe('messages of hostile values', () => {
  it('keep a huge multi-line value out of the message', () => {
    const region = `eu-west-1\n${'Signed-off-by: x\n'.repeat(1000)}`;
    const message = rejection(() => parseEnvelope({ ...ecrPushEvent(), region }));
    expect(message).toMatch(/^event\.region: expected an AWS region like "eu-west-1", got "eu-west-1\\n/);
    expect(message).not.toContain('\n');
    expect(message.length).toBeLessThan(200);
  });

  it('quote a key that is no severity', () => {
    const event = {
      ...ecrPushEvent(),
      'detail-type': 'ECR Image Scan',
      detail: {
        'scan-status': 'COMPLETE',
        'repository-name': 'my-app',
        'image-digest': `sha256:${'a'.repeat(64)}`,
        'finding-severity-counts': { 'HIGH\nX': 1 },
      },
    };
    expect(rejection(() => parseEcrImageScan(event))).toBe(
      'detail.finding-severity-counts["HIGH\\nX"]: not a severity (expected CRITICAL, HIGH, MEDIUM, LOW, INFORMATIONAL, UNDEFINED, UNTRIAGED or TOTAL)',
    );
  });
});

describe('queuedMessages', () => {
  const record = { eventSource: 'aws:sqs', messageId: 'm-1', body: '{}' };

  it('reads the messages in order', () => {
    expect(queuedMessages({ Records: [record, { ...record, messageId: 'm-2' }] })).toEqual([
      { messageId: 'm-1', body: '{}' },
      { messageId: 'm-2', body: '{}' },
    ]);
  });

  it.each([
    [null, 'event: expected an SQS batch with a Records array'],
    [{ Records: {} }, 'event.Records: expected an array, got an object'],
    [{ Records: [7] }, 'event.Records[0]: expected an object, got 7'],
    [
      { Records: [{ ...record, eventSource: 'aws:kinesis' }] },
      'event.Records[0].eventSource: expected "aws:sqs"',
    ],
    [{ Records: [{ ...record, messageId: '' }] }, 'event.Records[0].messageId: expected a non-empty string'],
    [{ Records: [{ ...record, body: undefined }] }, 'event.Records[0].body: missing'],
  ])('rejects %j naming the field', (batch, message) => {
    expect(rejection(() => queuedMessages(batch))).toContain(message);
  });
});
