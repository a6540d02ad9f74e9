import { violationComment } from '#domain/flow-messages.ts';
import { checkPullRequest } from '#domain/flow-rules.ts';
import type { PullRequestEvent } from '#parsers/codecommit-pull-request.ts';
import { GitHostError } from '../ports/git-host.ts';
import type { PullRequest, PullRequestHost } from '../ports/pull-request-host.ts';
import type { FlowDeps, FlowRepository } from './deps.ts';
import type { FlowAction } from './result.ts';

/** The variables a validation build receives, and that a build result is matched back with. */
export function validationVariables(repositoryName: string, pr: PullRequest): Record<string, string> {
  return {
    PULL_REQUEST_ID: pr.id,
    REPOSITORY_NAME: repositoryName,
    SOURCE_BRANCH: pr.source,
    DESTINATION_BRANCH: pr.destination,
    SOURCE_COMMIT: pr.sourceCommit,
    DESTINATION_COMMIT: pr.destinationCommit,
    REVISION_ID: pr.revisionId,
  };
}

/**
 * A pull request was opened or its source moved: check the route against the flow and act on a
 * violation; start the validation build of an allowed revision. The pull request is re-read, so a
 * late or duplicated event acts on what is true now, and every write carries the event id.
 */
export async function checkOpenedPullRequest(
  event: PullRequestEvent,
  flow: FlowRepository,
  deps: FlowDeps,
): Promise<FlowAction[]> {
  const host = deps.pullRequestsFor(flow.key);
  const pr = await host.getPullRequest(event.pullRequestId);
  const scope = { repository: flow.key, pullRequestId: pr.id };
  if (pr.status === 'CLOSED') {
    return [{ type: 'skip', ...scope, reason: `pull request ${pr.id} is already closed` }];
  }
  const verdict = checkPullRequest(flow.settings, pr.source, pr.destination);
  const actions: FlowAction[] = [
    {
      type: 'check',
      repository: flow.key,
      subject: `pull request ${pr.id} ${pr.source} → ${pr.destination}`,
      allowed: verdict.allowed,
      reason: verdict.reason,
    },
  ];
  if (!verdict.allowed) {
    const { onViolation } = flow.settings;
    const content = violationComment(verdict.reason, verdict.allowedSources, flow.settings, onViolation, [
      pr.source,
      pr.destination,
    ]);
    actions.push(await comment(host, pr, content, event.id, scope, deps.dryRun));
    if (onViolation === 'close') actions.push(await close(host, pr.id, scope, deps.dryRun));
    return actions;
  }
  const validation = flow.settings.validation;
  if (validation === undefined) return actions;
  if (pr.revisionId !== event.revisionId) {
    actions.push({
      type: 'skip',
      ...scope,
      reason: `revision ${event.revisionId.slice(0, 12)} is superseded by ${pr.revisionId.slice(0, 12)}; the newer revision's own event starts its build`,
    });
    return actions;
  }
  const build = {
    type: 'build' as const,
    ...scope,
    project: validation.project,
    sourceCommit: pr.sourceCommit,
  };
  if (deps.dryRun) return [...actions, { ...build, dryRun: true }];
  const { buildArn } = await deps.builds().startBuild({
    project: validation.project,
    sourceVersion: pr.sourceCommit,
    environment: validationVariables(event.repositoryName, pr),
    clientToken: event.id,
  });
  actions.push({ ...build, buildArn });
  return actions;
}

export async function comment(
  host: PullRequestHost,
  pr: PullRequest,
  content: string,
  clientToken: string,
  scope: { repository: string; pullRequestId: string },
  dryRun: boolean | undefined,
): Promise<FlowAction> {
  if (dryRun) return { type: 'comment', ...scope, content, dryRun: true };
  try {
    const { commentId } = await host.postComment({
      pullRequestId: pr.id,
      beforeCommitId: pr.destinationCommit,
      afterCommitId: pr.sourceCommit,
      content,
      clientToken,
    });
    return { type: 'comment', ...scope, commentId, content };
  } catch (error) {
    // A redelivered event after the pull request moved: its comment was posted the first time.
    if (error instanceof GitHostError && error.code === 'AlreadyDone') {
      return {
        type: 'skip',
        ...scope,
        reason: `the comment for this event was already posted (${error.message})`,
      };
    }
    throw error;
  }
}

async function close(
  host: PullRequestHost,
  id: string,
  scope: { repository: string; pullRequestId: string },
  dryRun: boolean | undefined,
): Promise<FlowAction> {
  if (dryRun) return { type: 'close', ...scope, dryRun: true };
  await host.closePullRequest(id);
  return { type: 'close', ...scope };
}
