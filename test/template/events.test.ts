import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { matchesPattern } from '../../tooling/event-pattern.ts';
import { isObject, listFunctions, loadTemplate, PROJECT_ROOT } from '../../tooling/sam-template.ts';

interface CatalogEntry {
  /** The function whose rules route the sample; null when no function of the template consumes it yet. */
  function: string | null;
  /** For an event a function of the template puts on the bus: that function. */
  producedBy?: string;
  matchesRule: boolean;
  description: string;
  /**
   * `sqs-batch`: what Lambda delivers from a queue, each message body an EventBridge event;
   * `function-url`: an HTTP request as a Function URL hands it over (payload format 2.0).
   */
  kind?: 'sqs-batch' | 'function-url';
}

const eventsDir = join(PROJECT_ROOT, 'events');
const catalog = JSON.parse(readFileSync(join(eventsDir, 'catalog.json'), 'utf8')) as Record<
  string,
  CatalogEntry
>;
const samples = readdirSync(eventsDir)
  .filter((file) => file.endsWith('.json') && file !== 'catalog.json')
  .sort();
const functions = listFunctions(loadTemplate());

function readSample(file: string): Record<string, unknown> {
  const event: unknown = JSON.parse(readFileSync(join(eventsDir, file), 'utf8'));
  if (!isObject(event)) throw new Error(`${file}: not a JSON object`);
  return event;
}

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;

describe('events/catalog.json', () => {
  it('lists every sample event, and only files that exist', () => {
    expect(Object.keys(catalog).sort()).toEqual(samples);
  });

  it.each(Object.entries(catalog))(
    '%s names a function of the template and describes itself',
    (_file, entry) => {
      const names = functions.map((fn) => fn.logicalId);
      if (entry.function === null) {
        // Put on the bus by a function of the template; no rule takes it yet.
        expect(names).toContain(entry.producedBy);
        expect(entry.matchesRule).toBe(false);
      } else {
        expect(names).toContain(entry.function);
      }
      expect(typeof entry.matchesRule).toBe('boolean');
      expect(entry.description.length).toBeGreaterThan(10);
    },
  );

  it('routes the events functions of the template put on the bus exactly as the catalog says', () => {
    for (const [file, entry] of Object.entries(catalog)) {
      if (entry.producedBy === undefined) continue;
      const event = readSample(file);
      expect(event.source).toBe('flowkeeper.gitlab');
      for (const fn of functions) {
        const matching = fn.rules.filter((rule) => matchesPattern(rule.pattern, event));
        expect(matching.length > 0).toBe(fn.logicalId === entry.function && entry.matchesRule);
      }
    }
  });
});

const batches = samples.filter((file) => catalog[file]?.kind === 'sqs-batch');

describe.each(batches)('events/%s', (file) => {
  const batch = readSample(file);
  const entry = catalog[file];
  const records = (Array.isArray(batch.Records) ? batch.Records : []) as Record<string, unknown>[];

  it('is an SQS batch from a FIFO queue of the sample account, in sequence order', () => {
    expect(records.length).toBeGreaterThan(1);
    for (const record of records) {
      expect(record).toMatchObject({
        messageId: expect.stringMatching(UUID_V4),
        eventSource: 'aws:sqs',
        eventSourceARN: expect.stringMatching(/^arn:aws:sqs:eu-west-1:111122223333:.+\.fifo$/),
        attributes: { MessageGroupId: 'image-events', ApproximateReceiveCount: '1' },
      });
    }
    const sequence = records.map((record) =>
      BigInt((record.attributes as { SequenceNumber: string }).SequenceNumber),
    );
    expect([...sequence].sort((a, b) => (a < b ? -1 : 1))).toEqual(sequence);
  });

  it("carries EventBridge events in its bodies, each matching the function's rules", () => {
    const fn = functions.find((candidate) => candidate.logicalId === entry?.function);
    if (!fn) throw new Error(`${file}: unknown function`);
    for (const record of records) {
      const event: unknown = JSON.parse(String(record.body));
      expect(event).toMatchObject({
        version: '0',
        account: '111122223333',
        id: expect.stringMatching(UUID_V4),
      });
      expect(fn.rules.some((rule) => matchesPattern(rule.pattern, event))).toBe(true);
    }
  });
});

const functionUrlRequests = samples.filter((file) => catalog[file]?.kind === 'function-url');

describe.each(functionUrlRequests)('events/%s', (file) => {
  const request = readSample(file);
  const entry = catalog[file];

  it('is a Function URL request (payload format 2.0) to a function served by a URL', () => {
    const fn = functions.find((candidate) => candidate.logicalId === entry?.function);
    if (!fn) throw new Error(`${file}: unknown function`);
    expect(loadTemplate().Resources[fn.logicalId]?.Properties?.FunctionUrlConfig).toBeDefined();
    expect(fn.rules).toEqual([]);
    expect(entry?.matchesRule).toBe(false);
    expect(request).toMatchObject({
      version: '2.0',
      routeKey: '$default',
      rawPath: expect.any(String),
      headers: expect.any(Object),
      requestContext: {
        accountId: 'anonymous',
        http: { method: 'POST', path: expect.any(String), sourceIp: expect.any(String) },
        timeEpoch: expect.any(Number),
      },
      body: expect.any(String),
      isBase64Encoded: false,
    });
    const headers = request.headers as Record<string, string>;
    for (const name of Object.keys(headers)) expect(name).toBe(name.toLowerCase());
    expect(Number(headers['content-length'])).toBe(Buffer.byteLength(String(request.body)));
  });
});

const envelopes = samples.filter((file) => !batches.includes(file) && !functionUrlRequests.includes(file));

describe.each(envelopes)('events/%s', (file) => {
  const event = readSample(file);
  const entry = catalog[file];

  it('is a full EventBridge envelope from the sample account and region', () => {
    expect(event).toMatchObject({
      version: '0',
      account: '111122223333',
      region: 'eu-west-1',
      source: expect.any(String),
      'detail-type': expect.any(String),
      resources: expect.any(Array),
      detail: expect.any(Object),
    });
    expect(event.id).toMatch(UUID_V4);
    expect(event.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(Number.isNaN(Date.parse(String(event.time)))).toBe(false);
  });

  // An event no function consumes yet is checked against every rule with its producer, above.
  if (entry?.function !== null) {
    it('matches its function rules exactly when the catalog says so', () => {
      const fn = functions.find((candidate) => candidate.logicalId === entry?.function);
      if (!fn || !entry) throw new Error(`${file}: no catalog entry or unknown function`);
      expect(fn.rules.length).toBeGreaterThan(0);
      expect(fn.rules.some((rule) => matchesPattern(rule.pattern, event))).toBe(entry.matchesRule);
    });
  }

  if (event.source === 'aws.ecr' && event['detail-type'] === 'ECR Image Action') {
    it('has the ECR image action shape: no resources, kebab-case detail, a sha256 digest', () => {
      const detail = event.detail as Record<string, unknown>;
      expect(event.resources).toEqual([]);
      for (const key of Object.keys(detail)) expect(key).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(detail).toMatchObject({ result: 'SUCCESS', 'repository-name': expect.any(String) });
      expect(['PUSH', 'DELETE']).toContain(detail['action-type']);
      expect(detail['image-digest']).toMatch(DIGEST);
      if (detail['action-type'] === 'PUSH') {
        expect(detail['manifest-media-type']).toBe('application/vnd.oci.image.manifest.v1+json');
      }
    });
  }
});

describe('sample ids', () => {
  it('are unique across samples', () => {
    const ids = envelopes.map((file) => readSample(file).id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
