import * as z from 'zod/mini';
import { ecrRepositoryName, severityCountsOf } from '#domain/ecr-names.ts';
import { EventError } from '#domain/errors.ts';
import type { Severity } from '#domain/scan-gate.ts';
import { imageTag, validDigest } from './ecr-image-action.ts';
import { type Envelope, parseDetail, parseEnvelope } from './envelope.ts';
import { nonEmptyText, numberThat, optional } from './fields.ts';
import { preview } from './zod-error.ts';

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
const SEVERITY_KEYS = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL', 'UNDEFINED', 'UNTRIAGED'];

/** Inspector names the repository by its ARN, basic scanning by its name: both become the name. */
const repositoryName = z.pipe(
  nonEmptyText,
  z.transform((value: string, context) => {
    try {
      return ecrRepositoryName(value);
    } catch {
      context.issues.push({
        code: 'custom',
        input: value,
        message: `${preview(value)} is not an ECR repository ARN (expected arn:<partition>:ecr:<region>:<account>:repository/<name>)`,
      });
      return z.NEVER;
    }
  }),
);

const findingCount = numberThat('a whole number of findings', (n) => Number.isInteger(n) && n >= 0);

/** Counts per severity, and Inspector's `TOTAL` (checked, then dropped). */
const severityCounts = z.record(z.string(), findingCount).check(
  z.superRefine((counts, context) => {
    for (const key of Object.keys(counts)) {
      if (key === 'TOTAL' || SEVERITY_KEYS.includes(key)) continue;
      context.issues.push({
        code: 'custom',
        input: key,
        path: [key],
        message: `not a severity (expected ${SEVERITY_KEYS.join(', ')} or TOTAL)`,
      });
    }
  }),
);

const ImageScanDetail = z.object({
  'scan-status': nonEmptyText,
  'repository-name': repositoryName,
  'image-digest': nonEmptyText.check(validDigest),
  /** Empty for an untagged image; an absent one is read as empty. */
  'image-tags': optional(
    z.array(imageTag, { error: (issue) => `expected an array of tags, got ${preview(issue.input)}` }),
  ),
  'finding-severity-counts': optional(severityCounts),
});

export function parseEcrImageScan(event: unknown): ImageScanEvent {
  return fromEnvelope(parseEnvelope(event));
}

export function fromEnvelope(envelope: Envelope): ImageScanEvent {
  const source = scanSource(envelope);
  const detail = parseDetail(ImageScanDetail, envelope);
  const { TOTAL: _total, ...counts } = detail['finding-severity-counts'] ?? {};
  return {
    id: envelope.id,
    account: envelope.account,
    region: envelope.region,
    time: envelope.time,
    source,
    repositoryName: detail['repository-name'],
    digest: detail['image-digest'],
    tags: detail['image-tags'] ?? [],
    status: detail['scan-status'],
    complete: COMPLETE_STATUSES.has(detail['scan-status']),
    severityCounts: severityCountsOf(counts),
  };
}

function scanSource(envelope: Envelope): ImageScanEvent['source'] {
  if (envelope.source === 'aws.ecr' && envelope.detailType === ECR_IMAGE_SCAN) return 'basic';
  if (envelope.source === 'aws.inspector2' && envelope.detailType === INSPECTOR2_SCAN) return 'enhanced';
  throw new EventError(
    `event: expected source "aws.ecr" with detail-type "${ECR_IMAGE_SCAN}", or source "aws.inspector2" with detail-type "${INSPECTOR2_SCAN}", got ${preview(envelope.source)} / ${preview(envelope.detailType)}`,
  );
}
