import type { PullRequestEvent } from '#parsers/codecommit-pull-request.ts';
import type { ReferenceEvent } from '#parsers/codecommit-reference.ts';
import { checkOpenedPullRequest } from './check-pull-request.ts';
import { checkReferenceUpdate } from './check-push.ts';
import { type FlowDeps, flowForRepository } from './deps.ts';
import { openPromotion } from './open-promotion.ts';
import type { FlowResult } from './result.ts';

/** A pull-request event: check opened and updated ones, promote after a merge. */
export async function onPullRequestEvent(event: PullRequestEvent, deps: FlowDeps): Promise<FlowResult> {
  const flow = flowForRepository(deps.config, event.repositoryName);
  const result: FlowResult = { eventId: event.id, actions: [] };
  const scope = { pullRequestId: event.pullRequestId };
  if (flow === undefined) {
    result.actions.push({ type: 'skip', ...scope, reason: noFlow(event.repositoryName) });
    return result;
  }
  switch (event.kind) {
    case 'pullRequestCreated':
    case 'pullRequestSourceBranchUpdated':
      result.actions.push(...(await checkOpenedPullRequest(event, flow, deps)));
      break;
    case 'pullRequestMergeStatusUpdated':
      result.actions.push(
        ...(event.merged
          ? await openPromotion(event, flow, deps)
          : [{ type: 'skip' as const, ...scope, reason: 'merge status changed without a merge' }]),
      );
      break;
    case 'pullRequestStatusChanged':
      result.actions.push({
        type: 'skip',
        repository: flow.key,
        ...scope,
        reason:
          event.status === 'CLOSED'
            ? `pull request ${event.pullRequestId} was closed without merging; nothing to do`
            : `pull request ${event.pullRequestId} changed status to ${event.status}; nothing to do`,
      });
      break;
    default:
      result.actions.push({
        type: 'skip',
        repository: flow.key,
        ...scope,
        reason: `${event.kind} events are not acted on`,
      });
  }
  return result;
}

/** A branch or tag moved: check direct pushes to protected branches. */
export async function onReferenceEvent(event: ReferenceEvent, deps: FlowDeps): Promise<FlowResult> {
  const flow = flowForRepository(deps.config, event.repositoryName);
  if (flow === undefined) {
    return { eventId: event.id, actions: [{ type: 'skip', reason: noFlow(event.repositoryName) }] };
  }
  if (!['referenceUpdated', 'referenceCreated', 'referenceDeleted'].includes(event.kind)) {
    return {
      eventId: event.id,
      actions: [{ type: 'skip', repository: flow.key, reason: `${event.kind} events are not checked` }],
    };
  }
  return { eventId: event.id, actions: await checkReferenceUpdate(event, flow, deps) };
}

function noFlow(repositoryName: string): string {
  return `repository ${repositoryName} has no flow rules in the configuration`;
}
