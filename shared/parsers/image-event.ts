import { ECR_IMAGE_ACTION, type EcrImageAction, fromEnvelope as imageAction } from './ecr-image-action.ts';
import {
  ECR_IMAGE_SCAN,
  type ImageScanEvent,
  INSPECTOR2_SCAN,
  fromEnvelope as imageScan,
} from './ecr-image-scan.ts';
import { type Envelope, parseEnvelope, unhandledKind } from './envelope.ts';

/** An event the image-bump function acts on: an ECR push (or delete), or a finished image scan. */
export type ImageEvent = { kind: 'push'; event: EcrImageAction } | { kind: 'scan'; event: ImageScanEvent };

/** Parse an EventBridge event of one of the kinds ImageBumpFunction handles; `EventError` otherwise. */
export function parseImageEvent(raw: unknown): ImageEvent {
  return fromEnvelope(parseEnvelope(raw));
}

export function fromEnvelope(envelope: Envelope): ImageEvent {
  switch (envelope.detailType) {
    case ECR_IMAGE_ACTION:
      return { kind: 'push', event: imageAction(envelope) };
    case ECR_IMAGE_SCAN:
    case INSPECTOR2_SCAN:
      return { kind: 'scan', event: imageScan(envelope) };
    default:
      throw unhandledKind(envelope, [ECR_IMAGE_ACTION, ECR_IMAGE_SCAN, INSPECTOR2_SCAN]);
  }
}
