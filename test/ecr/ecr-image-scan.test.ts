import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EventError } from '#domain/errors.ts';
import { parseEcrImageScan } from '#parsers/ecr-image-scan.ts';

const DIGEST = `sha256:${'b'.repeat(64)}`;
const ARN = 'arn:aws:ecr:eu-west-1:111122223333:repository/team/my-app';

const envelope = (source: string, detailType: string, detail: Record<string, unknown>) => ({
  version: '0',
  id: '6a1f0e2d-3c4b-4a59-8e7f-1d2c3b4a5f60',
  'detail-type': detailType,
  source,
  account: '111122223333',
  time: '2026-03-02T14:07:58Z',
  region: 'eu-west-1',
  resources: [ARN],
  detail,
});

/** An `ECR Image Scan` event (basic scanning); `detail` fields override the defaults, undefined removes one. */
const basic = (detail: Record<string, unknown> = {}) =>
  envelope('aws.ecr', 'ECR Image Scan', {
    'scan-status': 'COMPLETE',
    'repository-name': 'team/my-app',
    'finding-severity-counts': { HIGH: 1, MEDIUM: 2 },
    'image-digest': DIGEST,
    'image-tags': ['1.4.2'],
    ...detail,
  });

/** An `Inspector2 Scan` event (enhanced scanning). */
const enhanced = (detail: Record<string, unknown> = {}) =>
  envelope('aws.inspector2', 'Inspector2 Scan', {
    'scan-status': 'INITIAL_SCAN_COMPLETE',
    'repository-name': ARN,
    'finding-severity-counts': { CRITICAL: 1, HIGH: 0, MEDIUM: 4, TOTAL: 9 },
    'image-digest': DIGEST,
    'image-tags': ['1.4.2', 'latest'],
    ...detail,
  });

const eventsDir = join(dirname(fileURLToPath(import.meta.url)), '../../events');
const sample = (file: string): unknown => JSON.parse(readFileSync(join(eventsDir, file), 'utf8'));

describe('parseEcrImageScan', () => {
  it('reads a basic scan event', () => {
    expect(parseEcrImageScan(basic())).toEqual({
      id: '6a1f0e2d-3c4b-4a59-8e7f-1d2c3b4a5f60',
      account: '111122223333',
      region: 'eu-west-1',
      time: '2026-03-02T14:07:58Z',
      source: 'basic',
      repositoryName: 'team/my-app',
      digest: DIGEST,
      tags: ['1.4.2'],
      status: 'COMPLETE',
      complete: true,
      severityCounts: { HIGH: 1, MEDIUM: 2 },
    });
  });

  it('reads an Inspector scan event: the repository ARN becomes the name, TOTAL and zero counts go', () => {
    expect(parseEcrImageScan(enhanced())).toMatchObject({
      source: 'enhanced',
      repositoryName: 'team/my-app',
      digest: DIGEST,
      tags: ['1.4.2', 'latest'],
      status: 'INITIAL_SCAN_COMPLETE',
      complete: true,
      severityCounts: { CRITICAL: 1, MEDIUM: 4 },
    });
  });

  it.each([
    ['a basic event', basic({ 'image-tags': [] }), []],
    ['a basic event', basic({ 'image-tags': undefined }), []],
    ['an Inspector event', enhanced({ 'image-tags': [] }), []],
    ['an Inspector event', enhanced({ 'image-tags': null }), []],
  ])('reads %s of an untagged image as no tags', (_kind, event, tags) => {
    expect(parseEcrImageScan(event).tags).toEqual(tags);
  });

  it.each([
    ['basic, no findings', basic({ 'finding-severity-counts': {} }), {}],
    [
      'basic, failed scan without counts',
      basic({ 'scan-status': 'FAILED', 'finding-severity-counts': undefined }),
      {},
    ],
    ['enhanced, TOTAL only', enhanced({ 'finding-severity-counts': { TOTAL: 3 } }), {}],
    [
      'enhanced, untriaged findings',
      enhanced({ 'finding-severity-counts': { UNTRIAGED: 2, UNDEFINED: 1, TOTAL: 3 } }),
      { UNDEFINED: 3 },
    ],
    [
      'basic, every severity',
      basic({
        'finding-severity-counts': {
          CRITICAL: 1,
          HIGH: 2,
          MEDIUM: 3,
          LOW: 4,
          INFORMATIONAL: 5,
          UNDEFINED: 6,
        },
      }),
      { CRITICAL: 1, HIGH: 2, MEDIUM: 3, LOW: 4, INFORMATIONAL: 5, UNDEFINED: 6 },
    ],
  ])('reads the counts of %s', (_case, event, counts) => {
    expect(parseEcrImageScan(event).severityCounts).toEqual(counts);
  });

  it.each([
    [basic({ 'scan-status': 'COMPLETE' }), true],
    [basic({ 'scan-status': 'FAILED' }), false],
    [enhanced({ 'scan-status': 'INITIAL_SCAN_COMPLETE' }), true],
    [enhanced({ 'scan-status': 'ACTIVE' }), true],
    [enhanced({ 'scan-status': 'SCAN_ELIGIBILITY_EXPIRED' }), false],
  ])('marks %j complete: %s', (event, complete) => {
    const parsed = parseEcrImageScan(event);
    expect(parsed.complete).toBe(complete);
    expect(parsed.status).toBe(event.detail['scan-status']);
  });

  it('accepts a plain name in an Inspector event and an ARN in a basic one', () => {
    expect(parseEcrImageScan(enhanced({ 'repository-name': 'my-app' })).repositoryName).toBe('my-app');
    expect(parseEcrImageScan(basic({ 'repository-name': ARN })).repositoryName).toBe('team/my-app');
  });

  it.each([
    [null, 'event: expected a JSON object, got null'],
    [{ ...basic(), detail: [] }, 'event.detail: expected an object, got an array'],
    [{ ...basic(), source: 'aws.inspector2' }, 'got "aws.inspector2" / "ECR Image Scan"'],
    [{ ...enhanced(), source: 'aws.ecr' }, 'expected source "aws.ecr" with detail-type "ECR Image Scan"'],
    [
      { ...basic(), 'detail-type': 'ECR Image Action' },
      'or source "aws.inspector2" with detail-type "Inspector2 Scan"',
    ],
    [basic({ 'scan-status': undefined }), 'detail.scan-status: missing'],
    [enhanced({ 'scan-status': '' }), 'detail.scan-status: expected a non-empty string, got ""'],
    [basic({ 'repository-name': undefined }), 'detail.repository-name: missing'],
    [enhanced({ 'repository-name': 7 }), 'detail.repository-name: expected a non-empty string, got 7'],
    [
      enhanced({ 'repository-name': 'arn:aws:s3:::my-app' }),
      'detail.repository-name: "arn:aws:s3:::my-app" is not an ECR repository ARN (expected arn:<partition>:ecr:<region>:<account>:repository/<name>)',
    ],
    [basic({ 'image-digest': undefined }), 'detail.image-digest: missing'],
    [
      enhanced({ 'image-digest': 'sha256:36c7EXAMPLE' }),
      'detail.image-digest: "sha256:36c7EXAMPLE" is not a valid digest',
    ],
    [basic({ 'image-tags': '1.4.2' }), 'detail.image-tags: expected an array of tags, got "1.4.2"'],
    [basic({ 'image-tags': ['1.4.2', 3] }), 'detail.image-tags[1]: expected a string, got 3'],
    [
      enhanced({ 'image-tags': ['ok', 'bad tag!'] }),
      'detail.image-tags[1]: "bad tag!" is not a valid image tag',
    ],
    [basic({ 'image-tags': ['.hidden'] }), 'detail.image-tags[0]: ".hidden" is not a valid image tag'],
    [basic({ 'image-tags': ['x'.repeat(129)] }), 'is not a valid image tag'],
    [
      basic({ 'finding-severity-counts': [1] }),
      'detail.finding-severity-counts: expected an object, got an array',
    ],
    [
      basic({ 'finding-severity-counts': { HIGH: '2' } }),
      'detail.finding-severity-counts.HIGH: expected a whole number of findings, got "2"',
    ],
    [
      basic({ 'finding-severity-counts': { LOW: -1 } }),
      'detail.finding-severity-counts.LOW: expected a whole number of findings, got -1',
    ],
    [
      enhanced({ 'finding-severity-counts': { TOTAL: 1.5 } }),
      'detail.finding-severity-counts.TOTAL: expected a whole number of findings, got 1.5',
    ],
    [
      basic({ 'finding-severity-counts': { high: 1 } }),
      'detail.finding-severity-counts.high: not a severity (expected CRITICAL, HIGH',
    ],
  ])('rejects %j with a specific message', (event, message) => {
    expect(() => parseEcrImageScan(event)).toThrow(EventError);
    expect(() => parseEcrImageScan(event)).toThrow(message);
  });
});

describe('the sample scan events', () => {
  it.each([
    ['ecr-image-scan.json', 'basic', ['1.4.2'], { MEDIUM: 2, LOW: 5 }],
    ['ecr-image-scan-critical.json', 'basic', ['1.4.3'], { CRITICAL: 1, MEDIUM: 2, LOW: 5 }],
    ['inspector2-scan.json', 'enhanced', ['1.4.2'], { MEDIUM: 2 }],
  ])(
    '%s parses to the complete %s scan of my-app its catalog entry describes',
    (file, source, tags, counts) => {
      const scan = parseEcrImageScan(sample(file));
      expect(scan).toMatchObject({ source, repositoryName: 'my-app', tags, complete: true });
      expect(scan.severityCounts).toEqual(counts);
    },
  );

  it('scan the image that events/ecr-push-semver.json pushes, except the critical one', () => {
    const push = sample('ecr-push-semver.json') as { detail: Record<string, unknown> };
    for (const file of ['ecr-image-scan.json', 'inspector2-scan.json']) {
      expect(parseEcrImageScan(sample(file)).digest).toBe(push.detail['image-digest']);
    }
    expect(parseEcrImageScan(sample('ecr-image-scan-critical.json')).digest).not.toBe(
      push.detail['image-digest'],
    );
  });
});
