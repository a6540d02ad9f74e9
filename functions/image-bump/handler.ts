import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { applyScan } from '#app/apply-scan.ts';
import { bumpImage } from '#app/bump-image.ts';
import { withMirrorSync } from '#app/sync-after-commit.ts';
import { EventError } from '#domain/errors.ts';
import { ECR_IMAGE_ACTION, fromEnvelope as imageAction } from '#events/ecr-image-action.ts';
import { ECR_IMAGE_SCAN, INSPECTOR2_SCAN, fromEnvelope as imageScan } from '#events/ecr-image-scan.ts';
import { parseEnvelope } from '#events/envelope.ts';
import { createContainer } from '#runtime/container.ts';
import { handleEvent } from '#runtime/handle-event.ts';

const container = createContainer('ImageBumpFunction');

/**
 * ECR push → bump of the targets without a scan gate; ECR / Inspector scan result → bump of the
 * scan-gated ones. Parses, wires and delegates.
 */
const bump = (event: unknown) =>
  handleEvent(container, event, async (raw) => {
    const envelope = parseEnvelope(raw);
    container.logger.setCorrelationId(envelope.id);
    switch (envelope.detailType) {
      case ECR_IMAGE_ACTION: {
        const action = imageAction(envelope);
        const result = await bumpImage(action, await container.deps());
        return withMirrorSync(result, container.mirrorDeps, container.logger);
      }
      case ECR_IMAGE_SCAN:
      case INSPECTOR2_SCAN: {
        const scan = imageScan(envelope);
        const result = await applyScan(scan, await container.deps());
        return withMirrorSync(result, container.mirrorDeps, container.logger);
      }
      default:
        throw new EventError(
          `event: detail-type "${envelope.detailType}" (source ${envelope.source}) is not handled here; expected "${ECR_IMAGE_ACTION}", "${ECR_IMAGE_SCAN}" or "${INSPECTOR2_SCAN}"`,
        );
    }
  });

export const handler = middy(bump).use(injectLambdaContext(container.logger, { resetKeys: true }));
