import { promotionPullRequest } from '#domain/flow-messages.ts';
import { nextPromotion } from '#domain/flow-rules.ts';
import { trackedFiles, trackedValues, valueChanges } from '#domain/stage-values.ts';
import type { PullRequestEvent } from '#parsers/codecommit-pull-request.ts';
import { GitHostError } from '../ports/git-host.ts';
import type { FlowDeps, FlowRepository } from './deps.ts';
import type { FlowAction } from './result.ts';
import { readStages } from './stage-files.ts';

/**
 * A pull request was merged into a stage that has a next one: open the promotion pull request to
 * that stage, unless one is already open, describing each image that would change there.
 */
export async function openPromotion(
  event: PullRequestEvent,
  flow: FlowRepository,
  deps: FlowDeps,
): Promise<FlowAction[]> {
  const scope = { repository: flow.key, pullRequestId: event.pullRequestId };
  const host = deps.pullRequestsFor(flow.key);
  const merged = await host.getPullRequest(event.pullRequestId);
  if (!merged.merged) {
    return [{ type: 'skip', ...scope, reason: `pull request ${merged.id} is not merged` }];
  }
  const source = merged.destination;
  const destination = nextPromotion(flow.settings, source);
  if (destination === undefined) {
    const where = flow.settings.promotion.includes(source)
      ? `${source} is the last stage of ${flow.settings.promotion.join(' → ')}`
      : `${source} is not a promotion stage`;
    return [{ type: 'skip', ...scope, reason: `${where}; nothing to promote` }];
  }
  if (!flow.settings.openPromotionPullRequest) {
    return [
      {
        type: 'skip',
        ...scope,
        reason: `openPromotionPullRequest is off for ${flow.key}; ${source} → ${destination} is left to people`,
      },
    ];
  }
  const open = await host.listPullRequests('OPEN', 100);
  const existing = open.find((pr) => pr.source === source && pr.destination === destination);
  if (existing) {
    return [
      {
        type: 'skip',
        ...scope,
        reason: `promotion pull request ${existing.id} (${source} → ${destination}) is already open`,
      },
    ];
  }

  const values = trackedValues(deps.config.images, flow.key, flow.settings.promotion);
  const git = deps.hostFor(flow.key);
  const snapshot = await readStages(git, [source, destination], trackedFiles(values));
  if (snapshot.missingBranches.length > 0) {
    return [
      {
        type: 'skip',
        ...scope,
        reason: `branch ${snapshot.missingBranches.join(', ')} does not exist in ${flow.key}; create it to promote into it`,
      },
    ];
  }
  const sourceHead = snapshot.heads.get(source);
  const destinationHead = snapshot.heads.get(destination);
  if (sourceHead !== undefined && destinationHead !== undefined) {
    const changed = await git.changedFiles(destinationHead, sourceHead);
    if (changed.length === 0) {
      return [{ type: 'skip', ...scope, reason: `${destination} already holds everything ${source} has` }];
    }
  }
  const changes = valueChanges(values, snapshot.files, source, destination);
  const text = promotionPullRequest(source, destination, changes, merged.id);
  const action = { type: 'promotion' as const, repository: flow.key, source, destination, changes };
  if (deps.dryRun) return [{ ...action, dryRun: true }];
  try {
    const created = await host.createPullRequest({ ...text, source, destination, clientToken: event.id });
    return [{ ...action, pullRequestId: created.id }];
  } catch (error) {
    if (error instanceof GitHostError && error.code === 'AlreadyDone') {
      return [
        {
          type: 'skip',
          ...scope,
          reason: `the promotion pull request of this merge was already opened (${error.message})`,
        },
      ];
    }
    throw error;
  }
}
