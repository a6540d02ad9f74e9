import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { AlertSink } from '#app/ports/alert-sink.ts';
import type { Envelope } from '#parsers/envelope.ts';
import { eventUnion } from '#parsers/event-union.ts';
import { classifyError } from '#runtime/classify-error.ts';
import { defineHandler } from '#runtime/define-handler.ts';

function awsError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

describe('AWS access errors', () => {
  it.each([
    'AccessDenied',
    'AccessDeniedException',
    'UnrecognizedClientException',
    'AuthorizationErrorException',
  ])('%s is permanent: no retry can grant a permission', (name) => {
    expect(classifyError(awsError(name, 'refused'))).toBe('permanent');
  });

  it('throttling stays transient', () => {
    expect(classifyError(awsError('ThrottlingException', 'slow down'))).toBe('transient');
  });

  it('is returned and alerted once, naming what was refused and what to do, instead of thrown', async () => {
    const published: Parameters<AlertSink['publish']>[0][] = [];
    const context = {
      name: 'ImageBumpFunction',
      logger: new Logger({ logLevel: 'SILENT' }),
      alerts: (): AlertSink => ({
        publish: async (alert) => {
          published.push(alert);
        },
      }),
    };
    const message =
      'User: arn:aws:sts::111122223333:assumed-role/bump/fn is not authorized to perform: codecommit:GetFile on resource: arn:aws:codecommit:eu-west-1:111122223333:app-manifests';
    const handler = defineHandler(
      'ImageBumpFunction',
      () => context,
      eventUnion({ 'Scheduled Event': (envelope: Envelope) => envelope }),
      {
        'Scheduled Event': async () => {
          throw awsError('AccessDeniedException', message);
        },
      },
    );
    const event = {
      id: 'e-1',
      source: 'aws.events',
      'detail-type': 'Scheduled Event',
      account: '111122223333',
      region: 'eu-west-1',
      detail: {},
    };
    const result = await handler(event, {
      functionName: 'ImageBumpFunction',
      awsRequestId: 'r-1',
    } as Context);
    expect(result).toMatchObject({ eventId: 'e-1', error: { type: 'AccessDeniedException' } });
    expect(published).toHaveLength(1);
    expect(published[0]?.message).toContain('codecommit:GetFile on resource: arn:aws:codecommit');
    expect(published[0]?.message).toContain("grant the function's role");
  });
});
