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
import { eventUnion } from '#parsers/event-union.ts';
import {
  GITLAB_MERGE_REQUEST,
  fromEnvelope as mergeRequestEvent,
} from '#parsers/gitlab-merge-request-event.ts';
import { SCHEDULED_EVENT, fromEnvelope as scheduledEvent } from '#parsers/scheduled-event.ts';
import { defineHandler } from '#runtime/define-handler.ts';
import { notifyContext, notifyPreviewOutcome } from '#runtime/notify-outcome.ts';
import { createPreviewContainer } from '#runtime/preview-container.ts';

/**
 * Preview environments: pull requests, merge requests and branches open and close them, image
 * pushes update them, the schedule sweeps what a lost event left.
 */
const events = eventUnion({
  [PULL_REQUEST_STATE_CHANGE]: pullRequestEvent,
  [REPOSITORY_STATE_CHANGE]: referenceEvent,
  [GITLAB_MERGE_REQUEST]: mergeRequestEvent,
  [ECR_IMAGE_ACTION]: imageAction,
  [SCHEDULED_EVENT]: scheduledEvent,
});

export const handler = defineHandler(
  'PreviewFunction',
  createPreviewContainer,
  events,
  {
    [PULL_REQUEST_STATE_CHANGE]: async ({ detail }, container) =>
      onPullRequest(detail, await container.previews()),
    [REPOSITORY_STATE_CHANGE]: async ({ detail }, container) =>
      onReference(detail, await container.previews()),
    [GITLAB_MERGE_REQUEST]: async ({ detail }, container) =>
      onMergeRequest(detail, await container.previews()),
    [ECR_IMAGE_ACTION]: async ({ detail }, container) => onImagePush(detail, await container.previews()),
    [SCHEDULED_EVENT]: async ({ detail: tick }, container) => onSchedule(tick, await container.previews()),
  },
  {
    outcome: (outcome, container) =>
      notifyPreviewOutcome(
        notifyContext(container, () => container.previews()),
        outcome as Parameters<typeof notifyPreviewOutcome>[1],
      ),
  },
);
