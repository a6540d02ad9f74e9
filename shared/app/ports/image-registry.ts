import { PermanentError } from '#domain/errors.ts';
import type { Severity } from '#domain/scan-gate.ts';

export type { Severity } from '#domain/scan-gate.ts';

/**
 * The image registry port (ECR): push times for ordering, digest↔tags resolution, scan results for
 * the scan gate, and the full image list for reconciliation.
 */
export interface ImageDetail {
  digest: string;
  /** Every tag currently on the image (may be empty for untagged images). */
  tags: string[];
  pushedAt: Date;
}

export interface ScanResult {
  /** ECR scan status as the API reports it (`COMPLETE`, `IN_PROGRESS`, `FAILED`, `ACTIVE`, …). */
  status: string;
  /** Counts per severity; a severity absent from the map has no findings. */
  severityCounts: Partial<Record<Severity, number>>;
}

/**
 * The registry an image event came from: the event's `account` (the registry id) and `region`.
 * Without it, the registry of the function's own account and region.
 */
export interface RegistryOrigin {
  account: string;
  region: string;
}

export interface ImageRegistry {
  /** The image a tag or digest names now, or undefined when the repository has no such image. */
  describeImage(
    repository: string,
    ref: { tag?: string; digest?: string },
    origin?: RegistryOrigin,
  ): Promise<ImageDetail | undefined>;
  /** Every image of the repository (all pages). Throws RegistryError `RepositoryNotFound` when missing. */
  listImages(repository: string, origin?: RegistryOrigin): Promise<ImageDetail[]>;
  /** Scan result of an image, or undefined when it was never scanned. */
  scanFindings(repository: string, digest: string, origin?: RegistryOrigin): Promise<ScanResult | undefined>;
}

export type RegistryErrorCode = 'RepositoryNotFound' | 'ImageNotFound';

/** A repository or image the registry does not hold: permanent. */
export class RegistryError extends PermanentError {
  override name = 'RegistryError';
  readonly code: RegistryErrorCode;
  constructor(code: RegistryErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}
