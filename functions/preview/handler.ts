import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import {
  onImagePush,
  onMergeRequest,
  onPullRequest,
  onReference,
  onSchedule,
} from '#app/previews/route-events.ts';
import { EventError } from '#domain/errors.ts';
import {
  PULL_REQUEST_STATE_CHANGE,
  fromEnvelope as pullRequestEvent,
} from '#parsers/codecommit-pull-request.ts';
import { REPOSITORY_STATE_CHANGE, fromEnvelope as referenceEvent } from '#parsers/codecommit-reference.ts';
import { ECR_IMAGE_ACTION, fromEnvelope as imageAction } from '#parsers/ecr-image-action.ts';
import { parseEnvelope } from '#parsers/envelope.ts';
import {
  GITLAB_MERGE_REQUEST,
  fromEnvelope as mergeRequestEvent,
} from '#parsers/gitlab-merge-request-event.ts';
import { handleEvent } from '#runtime/handle-event.ts';
import { createPreviewContainer } from '#runtime/preview-container.ts';

const container = createPreviewContainer('PreviewFunction');

const SCHEDULED = 'Scheduled Event';

/**
 * Preview environments: pull requests, merge requests and branches open and close them, image
 * pushes update them, the schedule sweeps what a lost event left. Parses, wires and delegates.
 */
const preview = (event: unknown) =>
  handleEvent(container, event, async (raw) => {
    const envelope = parseEnvelope(raw);
    container.logger.setCorrelationId(envelope.id);
    const deps = await container.previewDeps();
    switch (envelope.detailType) {
      case PULL_REQUEST_STATE_CHANGE:
        return onPullRequest(pullRequestEvent(envelope), deps);
      case REPOSITORY_STATE_CHANGE:
        return onReference(referenceEvent(envelope), deps);
      case GITLAB_MERGE_REQUEST:
        return onMergeRequest(mergeRequestEvent(envelope), deps);
      case ECR_IMAGE_ACTION:
        return onImagePush(imageAction(envelope), deps);
      case SCHEDULED:
        return onSchedule(envelope, deps);
      default:
        throw new EventError(
          `event: detail-type "${envelope.detailType}" (source ${envelope.source}) is not handled here; expected a pull request, reference, GitLab merge request, ECR image action or scheduled event`,
        );
    }
  });

export const handler = middy(preview).use(injectLambdaContext(container.logger, { resetKeys: true }));
