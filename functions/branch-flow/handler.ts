import { onPullRequestEvent, onReferenceEvent } from '#app/branch-flow/route-events.ts';
import {
  PULL_REQUEST_STATE_CHANGE,
  fromEnvelope as pullRequestEvent,
} from '#parsers/codecommit-pull-request.ts';
import { REPOSITORY_STATE_CHANGE, fromEnvelope as referenceEvent } from '#parsers/codecommit-reference.ts';
import { defineHandler } from '#runtime/define-handler.ts';
import { createFlowContainer } from '#runtime/flow-container.ts';

/** CodeCommit pull-request and branch events → the branch-flow rules. */
export const handler = defineHandler('BranchFlowFunction', createFlowContainer, {
  [PULL_REQUEST_STATE_CHANGE]: async (envelope, container) =>
    onPullRequestEvent(pullRequestEvent(envelope), await container.flow()),
  [REPOSITORY_STATE_CHANGE]: async (envelope, container) =>
    onReferenceEvent(referenceEvent(envelope), await container.flow()),
});
