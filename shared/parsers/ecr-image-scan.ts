import { ecrRepositoryName, severityCountsOf } from '#domain/ecr-names.ts';
import { EventError } from '#domain/errors.ts';
import { isValidDigest, isValidTag } from '#domain/image-reference.ts';
import type { Severity } from '#domain/scan-gate.ts';
import { type Envelope, isRecord, parseEnvelope, requireString } from './envelope.ts';

/**
 * A completed (or failed) image scan, from basic scanning (`ECR Image Scan`, source `aws.ecr`) or
 * enhanced scanning (`Inspector2 Scan`, source `aws.inspector2`), validated.
 */
export interface ImageScanEvent {
  id: string;
  account: string;
  region: string;
  time: string;
  source: 'basic' | 'enhanced';
  /** Always the name: Inspector's repository ARN is reduced to it. */
  repositoryName: string;
  digest: string;
  /** Every tag of the scanned image; empty for an untagged image. */
  tags: string[];
  /** `scan-status` as sent: `COMPLETE`, `FAILED` (basic), `INITIAL_SCAN_COMPLETE` (enhanced), … */
  status: string;
  complete: boolean;
  /**
   * Counts per severity, zero counts left out. Inspector's `TOTAL` is not a severity and is dropped;
   * its events report only CRITICAL, HIGH and MEDIUM, so lower severities are unknown from them.
   */
  severityCounts: Partial<Record<Severity, number>>;
}

export const ECR_IMAGE_SCAN = 'ECR Image Scan';
export const INSPECTOR2_SCAN = 'Inspector2 Scan';

const COMPLETE_STATUSES: ReadonlySet<string> = new Set(['COMPLETE', 'INITIAL_SCAN_COMPLETE', 'ACTIVE']);
const SEVERITY_KEYS: ReadonlySet<string> = new Set([
  'CRITICAL',
  'HIGH',
  'MEDIUM',
  'LOW',
  'INFORMATIONAL',
  'UNDEFINED',
  'UNTRIAGED',
]);
const TAG_RULE =
  'allowed: letters, digits, "_", "." and "-", starting with a letter, digit or "_", at most 128 characters';

export function parseEcrImageScan(event: unknown): ImageScanEvent {
  return fromEnvelope(parseEnvelope(event));
}

export function fromEnvelope(envelope: Envelope): ImageScanEvent {
  const source = scanSource(envelope);
  const { detail } = envelope;
  const status = requireString(detail, 'scan-status', 'detail');
  const digest = requireString(detail, 'image-digest', 'detail');
  if (!isValidDigest(digest)) {
    throw new EventError(
      `detail.image-digest: ${JSON.stringify(digest)} is not a valid digest (expected sha256:<64 hex>)`,
    );
  }
  return {
    id: envelope.id,
    account: envelope.account,
    region: envelope.region,
    time: envelope.time,
    source,
    repositoryName: repositoryNameOf(requireString(detail, 'repository-name', 'detail')),
    digest,
    tags: tagsOf(detail['image-tags']),
    status,
    complete: COMPLETE_STATUSES.has(status),
    severityCounts: severityCountsOf(countsOf(detail['finding-severity-counts'])),
  };
}

function scanSource(envelope: Envelope): ImageScanEvent['source'] {
  if (envelope.source === 'aws.ecr' && envelope.detailType === ECR_IMAGE_SCAN) return 'basic';
  if (envelope.source === 'aws.inspector2' && envelope.detailType === INSPECTOR2_SCAN) return 'enhanced';
  throw new EventError(
    `event: expected source "aws.ecr" with detail-type "${ECR_IMAGE_SCAN}", or source "aws.inspector2" with detail-type "${INSPECTOR2_SCAN}", got "${envelope.source}" / "${envelope.detailType}"`,
  );
}

function repositoryNameOf(value: string): string {
  try {
    return ecrRepositoryName(value);
  } catch (error) {
    throw new EventError(
      `detail.repository-name: ${error instanceof Error ? error.message : String(error)}`,
      {
        cause: error,
      },
    );
  }
}

/** `image-tags` is an array, empty for an untagged image; an absent one is read as empty. */
function tagsOf(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    throw new EventError(`detail.image-tags: expected an array of tags, got ${describe(value)}`);
  }
  return value.map((tag: unknown, index) => {
    if (typeof tag !== 'string') {
      throw new EventError(`detail.image-tags[${index}]: expected a string, got ${describe(tag)}`);
    }
    if (!isValidTag(tag)) {
      throw new EventError(
        `detail.image-tags[${index}]: ${JSON.stringify(tag)} is not a valid image tag (${TAG_RULE})`,
      );
    }
    return tag;
  });
}

/** The counts, checked: severities (and Inspector's `TOTAL`) to whole numbers. Absent for a failed scan. */
function countsOf(value: unknown): Record<string, number> {
  if (value === undefined || value === null) return {};
  const where = 'detail.finding-severity-counts';
  if (!isRecord(value)) throw new EventError(`${where}: expected an object, got ${describe(value)}`);
  const counts: Record<string, number> = {};
  for (const [key, count] of Object.entries(value)) {
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) {
      throw new EventError(`${where}.${key}: expected a whole number of findings, got ${describe(count)}`);
    }
    if (key === 'TOTAL') continue;
    if (!SEVERITY_KEYS.has(key)) {
      throw new EventError(
        `${where}.${key}: not a severity (expected ${[...SEVERITY_KEYS].join(', ')} or TOTAL)`,
      );
    }
    counts[key] = count;
  }
  return counts;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number') return String(value);
  return typeof value;
}
