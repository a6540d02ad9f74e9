import { pushAlert } from '#domain/flow-messages.ts';
import { checkPullRequest, checkPush, globMatch, protectedPatterns } from '#domain/flow-rules.ts';
import type { ReferenceEvent } from '#parsers/codecommit-reference.ts';
import type { PullRequest } from '../ports/pull-request-host.ts';
import type { FlowDeps, FlowRepository } from './deps.ts';
import type { FlowAction } from './result.ts';

/** How many recently closed pull requests are searched for the one a merge push came from. */
const MERGED_LOOKBACK = 25;

/**
 * A branch moved. On a protected branch, anything but a trusted pusher or the merge of an allowed
 * pull request is reported (never reverted): the alert names the branch, the commits, the caller
 * and the files changed.
 */
export async function checkReferenceUpdate(
  event: ReferenceEvent,
  flow: FlowRepository,
  deps: FlowDeps,
): Promise<FlowAction[]> {
  if (event.referenceType === 'branch' && event.kind === 'referenceDeleted') {
    return checkDeletion(event, flow, deps);
  }
  if (event.referenceType !== 'branch' || event.commitId === undefined) {
    return [
      {
        type: 'skip',
        repository: flow.key,
        reason: `${event.kind} of ${event.referenceType} ${event.referenceName} is not checked`,
      },
    ];
  }
  const rules = {
    ...flow.settings,
    trustedPushers: [...flow.settings.trustedPushers, ...deps.trustedPushers],
  };
  const push = { branch: event.referenceName, callerArn: event.callerArn, mergeOfAllowedPullRequest: false };
  let verdict = checkPush(rules, push);
  // Only a push that would be a violation is worth looking up as a pull-request merge.
  const merge = !verdict.ok && event.merge ? await mergedPullRequest(event, flow, deps) : undefined;
  const mergeOfAllowed =
    merge !== undefined && checkPullRequest(flow.settings, merge.source, merge.destination).allowed;
  if (mergeOfAllowed) verdict = checkPush(rules, { ...push, mergeOfAllowedPullRequest: true });
  const subject = `${event.referenceName} ${event.oldCommitId?.slice(0, 12) ?? '(new)'} → ${event.commitId.slice(0, 12)}`;
  if (verdict.ok) {
    const why = mergeOfAllowed
      ? `merge of allowed pull request ${merge?.id}`
      : protectedPatterns(rules).some((pattern) => globMatch(pattern, event.referenceName))
        ? `pushed by trusted pusher ${event.callerArn}`
        : `${event.referenceName} is not protected`;
    return [{ type: 'check', repository: flow.key, subject, allowed: true, reason: why }];
  }
  const reason =
    merge === undefined
      ? verdict.reason
      : `${verdict.reason} It is the merge of pull request ${merge.id} (${merge.source} → ${merge.destination}), which the flow does not allow.`;
  // The alert matters more than its file list: a failed lookup is said in the alert, never lost with it.
  let files: string[] = [];
  let unread = '';
  if (event.oldCommitId !== undefined) {
    try {
      files = await deps.hostFor(flow.key).changedFiles(event.oldCommitId, event.commitId);
    } catch (error) {
      unread = ` The changed files could not be read (${(error as Error).message}).`;
    }
  }
  const alert = pushAlert({
    repository: flow.key,
    branch: event.referenceName,
    ...(event.oldCommitId === undefined ? {} : { oldCommit: event.oldCommitId }),
    newCommit: event.commitId,
    ...(event.callerArn === undefined ? {} : { caller: event.callerArn }),
    reason: `${reason}${unread}`,
    files,
  });
  const actions: FlowAction[] = [{ type: 'check', repository: flow.key, subject, allowed: false, reason }];
  if (!deps.dryRun) {
    await deps.alerts().publish({
      ...alert,
      eventId: event.id,
      details: { repository: flow.key, branch: event.referenceName, commitId: event.commitId, files },
    });
  }
  actions.push({
    type: 'alert',
    repository: flow.key,
    branch: event.referenceName,
    subject: alert.subject,
    files,
  });
  return actions;
}

/** A deleted protected branch is reported like a direct push; history is never recreated for it. */
async function checkDeletion(
  event: ReferenceEvent,
  flow: FlowRepository,
  deps: FlowDeps,
): Promise<FlowAction[]> {
  const rules = {
    ...flow.settings,
    trustedPushers: [...flow.settings.trustedPushers, ...deps.trustedPushers],
  };
  const branch = event.referenceName;
  const verdict = checkPush(rules, { branch, callerArn: event.callerArn, mergeOfAllowedPullRequest: false });
  const subject = `${branch} deleted at ${event.oldCommitId?.slice(0, 12) ?? '(unknown)'}`;
  if (verdict.ok) {
    return [
      {
        type: 'check',
        repository: flow.key,
        subject,
        allowed: true,
        reason: `${branch} is not protected or the caller is trusted`,
      },
    ];
  }
  const who = event.callerArn ?? 'an unknown caller';
  const restore =
    event.oldCommitId === undefined
      ? ''
      : ` Recreate it at ${event.oldCommitId} if the deletion was a mistake.`;
  const reason = `Protected branch ${branch} was deleted by ${who}, who is not a trusted pusher.${restore}`;
  const alert = pushAlert({
    repository: flow.key,
    branch,
    ...(event.oldCommitId === undefined ? {} : { oldCommit: event.oldCommitId }),
    deleted: true,
    ...(event.callerArn === undefined ? {} : { caller: event.callerArn }),
    reason,
    files: [],
  });
  if (!deps.dryRun) {
    await deps
      .alerts()
      .publish({ ...alert, eventId: event.id, details: { repository: flow.key, branch, deleted: true } });
  }
  return [
    { type: 'check', repository: flow.key, subject, allowed: false, reason },
    { type: 'alert', repository: flow.key, branch, subject: alert.subject, files: [] },
  ];
}

/** The merged pull request a merge push came from: merged into this branch, at this commit. */
async function mergedPullRequest(
  event: ReferenceEvent,
  flow: FlowRepository,
  deps: FlowDeps,
): Promise<PullRequest | undefined> {
  if (deps.config.repositories[flow.key]?.provider !== 'codecommit') return undefined;
  const closed = await deps.pullRequestsFor(flow.key).listPullRequests('CLOSED', MERGED_LOOKBACK);
  return closed.find(
    (pr) =>
      pr.merged &&
      pr.destination === event.referenceName &&
      (pr.mergeCommit === event.commitId || pr.sourceCommit === event.merge?.sourceCommitId),
  );
}
