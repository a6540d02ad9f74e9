import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { onPullRequestEvent, onReferenceEvent } from '#app/branch-flow/route-events.ts';
import { EventError } from '#domain/errors.ts';
import {
  PULL_REQUEST_STATE_CHANGE,
  fromEnvelope as pullRequestEvent,
} from '#parsers/codecommit-pull-request.ts';
import { REPOSITORY_STATE_CHANGE, fromEnvelope as referenceEvent } from '#parsers/codecommit-reference.ts';
import { parseEnvelope } from '#parsers/envelope.ts';
import { createFlowContainer } from '#runtime/flow-container.ts';
import { handleEvent } from '#runtime/handle-event.ts';
import { notifyContext, notifyFlowOutcome } from '#runtime/notify-outcome.ts';

const container = createFlowContainer('BranchFlowFunction');
const notifying = notifyContext(container, () => container.flowDeps());

/** CodeCommit pull-request and branch events → the branch-flow rules. Parses, wires and delegates. */
const enforce = async (event: unknown) => {
  const outcome = await handleEvent(container, event, async (raw) => {
    const envelope = parseEnvelope(raw);
    container.logger.setCorrelationId(envelope.id);
    switch (envelope.detailType) {
      case PULL_REQUEST_STATE_CHANGE:
        return onPullRequestEvent(pullRequestEvent(envelope), await container.flowDeps());
      case REPOSITORY_STATE_CHANGE:
        return onReferenceEvent(referenceEvent(envelope), await container.flowDeps());
      default:
        throw new EventError(
          `event: detail-type "${envelope.detailType}" (source ${envelope.source}) is not handled here; expected "${PULL_REQUEST_STATE_CHANGE}" or "${REPOSITORY_STATE_CHANGE}"`,
        );
    }
  });
  await notifyFlowOutcome(notifying, outcome);
  return outcome;
};

export const handler = middy(enforce).use(injectLambdaContext(container.logger, { resetKeys: true }));
