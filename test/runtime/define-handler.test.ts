import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Alert, AlertSink } from '#app/ports/alert-sink.ts';
import { ConfigError, EventError, TransientError } from '#domain/errors.ts';
import type { Envelope } from '#parsers/envelope.ts';
import { eventUnion } from '#parsers/event-union.ts';
import { defineHandler } from '#runtime/define-handler.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

const context = { functionName: 'DemoFunction', awsRequestId: 'request-1' } as Context;

const event = (detailType: string, id = 'event-1') => ({
  id,
  source: 'aws.codecommit',
  'detail-type': detailType,
  account: '111122223333',
  region: 'eu-west-1',
  detail: {},
});

/** A container with a logger whose lines are kept, and an alert sink that records or fails. */
function container(options: { alertsFail?: boolean } = {}) {
  const lines: Record<string, unknown>[] = [];
  const logger = new Logger({ serviceName: 'flowkeeper', logLevel: 'INFO' });
  for (const level of ['info', 'error', 'warn'] as const) {
    const record = (message: unknown, extra?: unknown): void => {
      lines.push({
        level,
        message,
        correlationId: logger.getCorrelationId(),
        ...(extra as Record<string, unknown>),
      });
    };
    vi.spyOn(logger, level).mockImplementation(record as Logger['info']);
  }
  const published: Alert[] = [];
  const alerts: AlertSink = {
    publish: async (alert) => {
      if (options.alertsFail) throw new Error('SNS is down');
      published.push(alert);
    },
  };
  return { lines, published, create: (name: string) => ({ name, logger, alerts: () => alerts }) };
}

/** A function taking only "Anything", whose detail is the envelope itself. */
const anything = eventUnion({ Anything: (envelope: Envelope) => envelope });

describe('defineHandler', () => {
  it('runs the route of the detail-type with the event id as correlation id, and logs the result', async () => {
    const { lines, create } = container();
    const events = eventUnion({ 'Thing Happened': (envelope: Envelope) => envelope });
    const handler = defineHandler('DemoFunction', create, events, {
      'Thing Happened': async ({ envelope }, c) => ({ eventId: envelope.id, by: c.name }),
    });
    expect(await handler(event('Thing Happened'), context)).toEqual({
      eventId: 'event-1',
      by: 'DemoFunction',
    });
    expect(lines).toEqual([
      {
        level: 'info',
        message: 'event handled',
        correlationId: 'event-1',
        result: { eventId: 'event-1', by: 'DemoFunction' },
      },
    ]);
  });

  it('rejects a detail-type it has no route for, naming the ones it handles, and alerts once', async () => {
    const { published, create } = container();
    const read = (envelope: Envelope) => envelope.detail;
    const events = eventUnion({ 'A Happened': read, 'B Happened': read, 'C Happened': read });
    const handler = defineHandler('DemoFunction', create, events, {
      'A Happened': async () => ({}),
      'B Happened': async () => ({}),
      'C Happened': async () => ({}),
    });
    const message =
      'event: detail-type "Other" (source "aws.codecommit") is not handled here; expected "A Happened", "B Happened" or "C Happened"';
    expect(await handler(event('Other'), context)).toEqual({
      eventId: 'event-1',
      actions: [],
      error: { type: 'EventError', message },
    });
    expect(published).toEqual([
      { subject: 'DemoFunction: EventError', message, eventId: 'event-1', details: { type: 'EventError' } },
    ]);
    // Names on Object.prototype are not routes.
    expect(await handler(event('constructor'), context)).toMatchObject({ error: { type: 'EventError' } });
  });

  it('hands each route the member of the union its parser read, and runs no route when the parser rejects', async () => {
    const { create } = container();
    const routed: string[] = [];
    const events = eventUnion({
      'Count Changed': (envelope: Envelope) => ({ count: Number(envelope.detail.count) }),
      'Name Changed': (envelope: Envelope) => {
        if (typeof envelope.detail.name !== 'string') throw new EventError('detail.name: missing');
        return { name: envelope.detail.name };
      },
    });
    const handler = defineHandler('DemoFunction', create, events, {
      'Count Changed': async ({ kind, detail }) => {
        routed.push(kind);
        return { doubled: detail.count * 2 };
      },
      'Name Changed': async ({ kind, detail }) => {
        routed.push(kind);
        return { shout: detail.name.toUpperCase() };
      },
    });
    const withDetail = (detailType: string, detail: Record<string, unknown>) => ({
      ...event(detailType),
      detail,
    });

    expect(await handler(withDetail('Count Changed', { count: 21 }), context)).toEqual({ doubled: 42 });
    expect(await handler(withDetail('Name Changed', { name: 'main' }), context)).toEqual({ shout: 'MAIN' });
    expect(await handler(withDetail('Name Changed', {}), context)).toMatchObject({
      error: { type: 'EventError', message: 'detail.name: missing' },
    });
    expect(routed).toEqual(['Count Changed', 'Name Changed']);
  });

  it('returns a permanent error as the result, logged with the event id, even when alerting fails', async () => {
    const { lines, create } = container({ alertsFail: true });
    const handler = defineHandler('DemoFunction', create, anything, {
      Anything: async () => {
        throw new ConfigError('SSM parameter /fk/config', ['images.0.ecr: required']);
      },
    });
    const result = await handler(event('Anything'), context);
    expect(result).toMatchObject({ eventId: 'event-1', actions: [], error: { type: 'ConfigError' } });
    expect(lines.map((line) => [line.level, line.message, line.correlationId])).toEqual([
      ['error', 'event rejected', 'event-1'],
      ['error', 'could not publish the alert', 'event-1'],
    ]);
  });

  it('rethrows a transient error so Lambda retries, alerting nothing', async () => {
    const { lines, published, create } = container();
    const failure = new TransientError('branch main kept moving');
    const handler = defineHandler('DemoFunction', create, anything, {
      Anything: async () => {
        throw failure;
      },
    });
    await expect(handler(event('Anything'), context)).rejects.toBe(failure);
    expect(published).toEqual([]);
    expect(lines.map((line) => [line.level, line.message])).toEqual([
      ['error', 'transient failure, the event will be retried'],
    ]);
  });

  it('rejects an event that is not an EventBridge event, with no id to name', async () => {
    const { create } = container();
    const handler = defineHandler('DemoFunction', create, anything, { Anything: async () => ({}) });
    expect(await handler('not an event', context)).toEqual({
      eventId: null,
      actions: [],
      error: { type: 'EventError', message: 'event: expected a JSON object, got "not an event"' },
    });
  });

  it('leaves a batch to answer for itself: its errors are thrown, permanent or not', async () => {
    const { published, create } = container();
    const handler = defineHandler(
      'DemoFunction',
      create,
      anything,
      { Anything: async () => ({}) },
      {
        batch: {
          accepts: (input) => Array.isArray((input as { Records?: unknown }).Records),
          handle: async () => {
            throw new ConfigError('environment', ['no configuration source']);
          },
        },
      },
    );
    await expect(handler({ Records: [] }, context)).rejects.toThrow(ConfigError);
    expect(published).toEqual([]);
  });
});
