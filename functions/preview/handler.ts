import {
  onImagePush,
  onMergeRequest,
  onPullRequest,
  onReference,
  onSchedule,
} from '#app/previews/route-events.ts';
import {
  PULL_REQUEST_STATE_CHANGE,
  fromEnvelope as pullRequestEvent,
} from '#parsers/codecommit-pull-request.ts';
import { REPOSITORY_STATE_CHANGE, fromEnvelope as referenceEvent } from '#parsers/codecommit-reference.ts';
import { ECR_IMAGE_ACTION, fromEnvelope as imageAction } from '#parsers/ecr-image-action.ts';
import {
  GITLAB_MERGE_REQUEST,
  fromEnvelope as mergeRequestEvent,
} from '#parsers/gitlab-merge-request-event.ts';
import { defineHandler } from '#runtime/define-handler.ts';
import { notifyContext, notifyPreviewOutcome } from '#runtime/notify-outcome.ts';
import { createPreviewContainer } from '#runtime/preview-container.ts';

const SCHEDULED_EVENT = 'Scheduled Event';

/**
 * Preview environments: pull requests, merge requests and branches open and close them, image
 * pushes update them, the schedule sweeps what a lost event left.
 */
export const handler = defineHandler(
  'PreviewFunction',
  createPreviewContainer,
  {
    [PULL_REQUEST_STATE_CHANGE]: async (envelope, container) =>
      onPullRequest(pullRequestEvent(envelope), await container.previews()),
    [REPOSITORY_STATE_CHANGE]: async (envelope, container) =>
      onReference(referenceEvent(envelope), await container.previews()),
    [GITLAB_MERGE_REQUEST]: async (envelope, container) =>
      onMergeRequest(mergeRequestEvent(envelope), await container.previews()),
    [ECR_IMAGE_ACTION]: async (envelope, container) =>
      onImagePush(imageAction(envelope), await container.previews()),
    [SCHEDULED_EVENT]: async (envelope, container) => onSchedule(envelope, await container.previews()),
  },
  {
    outcome: (outcome, container) =>
      notifyPreviewOutcome(
        notifyContext(container, () => container.previews()),
        outcome as Parameters<typeof notifyPreviewOutcome>[1],
      ),
  },
);
