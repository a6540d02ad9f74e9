import { onPullRequestEvent, onReferenceEvent } from '#app/branch-flow/route-events.ts';
import {
  PULL_REQUEST_STATE_CHANGE,
  fromEnvelope as pullRequestEvent,
} from '#parsers/codecommit-pull-request.ts';
import { REPOSITORY_STATE_CHANGE, fromEnvelope as referenceEvent } from '#parsers/codecommit-reference.ts';
import { eventUnion } from '#parsers/event-union.ts';
import { defineHandler } from '#runtime/define-handler.ts';
import { createFlowContainer, type FlowContainer } from '#runtime/flow-container.ts';
import { notifyContext, notifyFlowOutcome } from '#runtime/notify-outcome.ts';

/** Tells the chat channels what a flow outcome holds (violations, promotions opened). */
const told = async <R extends Parameters<typeof notifyFlowOutcome>[1]>(
  container: FlowContainer,
  result: R,
) => {
  await notifyFlowOutcome(
    notifyContext(container, () => container.flow()),
    result,
  );
  return result;
};

/** CodeCommit pull-request and branch events → the branch-flow rules. */
const events = eventUnion({
  [PULL_REQUEST_STATE_CHANGE]: pullRequestEvent,
  [REPOSITORY_STATE_CHANGE]: referenceEvent,
});

export const handler = defineHandler('BranchFlowFunction', createFlowContainer, events, {
  [PULL_REQUEST_STATE_CHANGE]: async ({ detail }, container) =>
    told(container, await onPullRequestEvent(detail, await container.flow())),
  [REPOSITORY_STATE_CHANGE]: async ({ detail }, container) =>
    told(container, await onReferenceEvent(detail, await container.flow())),
});
