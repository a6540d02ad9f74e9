import { validationBuildTrust } from '#domain/build-approval.ts';
import { buildComment } from '#domain/flow-messages.ts';
import { checkPullRequest } from '#domain/flow-rules.ts';
import {
  type BuildPullRequestContext,
  buildConsoleLink,
  buildDuration,
  readPullRequestContext,
} from '#parsers/build-pull-request-context.ts';
import type { BuildStateEvent } from '#parsers/codebuild-build-state.ts';
import { comment } from '../branch-flow/check-pull-request.ts';
import { type FlowDeps, flowForRepository, repositoryKeyFor } from '../branch-flow/deps.ts';
import type { FlowAction, FlowResult } from '../branch-flow/result.ts';
import type { Logger } from '../ports/logger.ts';
import type { PullRequest } from '../ports/pull-request-host.ts';
import { gitLabTarget, noteBuildFailure, postBuildStatus } from './build-status.ts';

const FAILURES = new Set(['FAILED', 'FAULT', 'STOPPED', 'TIMED_OUT']);

/**
 * A CodeBuild build changed state. A build of a GitLab project (directly, or through its CodeCommit
 * push mirror) gets a commit status on the built commit. Builds that carry pull-request context get
 * a comment with the project, status, duration and a link to the build; the validation project of
 * a flow approves the built revision on success and revokes on failure. A result for a superseded
 * revision is reported as such and never approves. Other builds are ignored with the reason.
 */
export async function reportBuild(
  build: BuildStateEvent,
  deps: FlowDeps,
  logger?: Logger,
): Promise<FlowResult> {
  const result: FlowResult = { eventId: build.id, actions: [] };
  const gitlab = gitLabTarget(build, deps.config);
  if (gitlab.target && deps.mirrorPrimary) {
    const primary = deps.mirrorPrimary(gitlab.target.repository);
    const status = await postBuildStatus(build, gitlab.target, primary, deps.dryRun);
    result.actions.push(status);
    if (status.state === 'failed') {
      result.actions.push(...(await noteBuildFailure(build, gitlab.target, primary, deps.dryRun)));
    }
  }
  const { context, problems } = readPullRequestContext(build);
  if (context === undefined) {
    if (result.actions.length > 0) return result;
    const unusable = problems.length === 0 ? '' : `; ignored: ${problems.join('; ')}`;
    const reason = `build ${build.buildArn} of ${build.project} carries no pull-request context (no PULL_REQUEST_ID variable nor pr/<n> source version${unusable}), and ${gitlab.reason}`;
    logger?.info('build ignored', { reason });
    result.actions.push({ type: 'skip', reason });
    return result;
  }
  result.actions.push(...(await reportOnPullRequest(build, context, problems, deps, logger)));
  return result;
}

async function reportOnPullRequest(
  build: BuildStateEvent,
  context: BuildPullRequestContext,
  problems: string[],
  deps: FlowDeps,
  logger: Logger | undefined,
): Promise<FlowAction[]> {
  const result: { actions: FlowAction[] } = { actions: [] };
  for (const problem of problems) logger?.warn('build context value ignored', { problem });
  const repositoryName = context.repositoryName;
  const key = repositoryName === undefined ? undefined : repositoryKeyFor(deps.config, repositoryName);
  if (repositoryName === undefined || key === undefined) {
    const reason =
      repositoryName === undefined
        ? `build ${build.buildArn} names pull request ${context.pullRequestId} but no repository (REPOSITORY_NAME variable or CodeCommit source)`
        : `repository ${repositoryName} of pull request ${context.pullRequestId} is not configured`;
    logger?.info('build ignored', { reason });
    result.actions.push({ type: 'skip', reason, pullRequestId: context.pullRequestId });
    return result.actions;
  }

  const host = deps.pullRequestsFor(key);
  const pr = await host.getPullRequest(context.pullRequestId);
  const scope = { repository: key, pullRequestId: pr.id };
  if (pr.status !== 'OPEN') {
    const reason = `pull request ${pr.id} is ${pr.status.toLowerCase()}: the result of build ${build.buildArn} is not reported on it`;
    logger?.info('build ignored', { reason });
    result.actions.push({ type: 'skip', reason, ...scope });
    return result.actions;
  }
  const superseded = supersededBy(context, pr);
  const flow = flowForRepository(deps.config, repositoryName);
  const validation = flow?.settings.validation;
  const approves = validation?.approve === true && validation.project === build.project;

  let approval: { state?: 'APPROVE' | 'REVOKE'; note: string } | undefined;
  if (approves && superseded === undefined) {
    const verdict =
      flow === undefined ? undefined : checkPullRequest(flow.settings, pr.source, pr.destination);
    const trust = validationBuildTrust(
      {
        ...optional('initiator', build.initiator),
        ...optional('sourceVersion', build.sourceVersion),
        ...optional('sourceCommit', context.sourceCommit),
        ...optional('revisionId', context.revisionId),
      },
      pr,
      deps.buildStarters,
    );
    // A flow violation is decided from the pull request itself, so any build may withhold; only a
    // build Flowkeeper started on the current revision may approve or revoke on its result.
    if (verdict !== undefined && !verdict.allowed) {
      approval = {
        state: 'REVOKE',
        note: 'Approval withheld: this pull request does not follow the branch flow.',
      };
    } else if (!trust.trusted) {
      logger?.warn('build may not approve', { reason: trust.reason, initiator: build.initiator });
      approval = { note: `No approval from this build: ${trust.reason}.` };
    } else if (build.status === 'SUCCEEDED') {
      approval = { state: 'APPROVE', note: `Flowkeeper approves revision ${pr.revisionId.slice(0, 12)}.` };
    } else if (FAILURES.has(build.status)) {
      approval = {
        state: 'REVOKE',
        note: `Flowkeeper revokes its approval of revision ${pr.revisionId.slice(0, 12)}.`,
      };
    }
  }

  const failed = build.phases.find((phase) => phase.status !== undefined && FAILURES.has(phase.status));
  const content = buildComment({
    project: build.project,
    ...(build.buildNumber === undefined ? {} : { buildNumber: build.buildNumber }),
    status: build.status,
    ...optional('durationSeconds', buildDuration(build)),
    ...optional('link', build.logsLink ?? buildConsoleLink(build.buildArn)),
    ...optional('failure', failed === undefined ? undefined : [failed.type, ...failed.context].join(': ')),
    ...(superseded === undefined ? {} : { superseded }),
    ...optional('approval', approval?.note),
  });
  result.actions.push(await comment(host, pr, content, build.id, scope, deps.dryRun));
  if (approval?.state !== undefined) result.actions.push(await approve(deps, key, pr, approval.state));
  return result.actions;
}

async function approve(
  deps: FlowDeps,
  key: string,
  pr: PullRequest,
  state: 'APPROVE' | 'REVOKE',
): Promise<FlowAction> {
  const action = {
    type: 'approval' as const,
    repository: key,
    pullRequestId: pr.id,
    revisionId: pr.revisionId,
    state,
  };
  if (deps.dryRun) return { ...action, outcome: 'dry run', dryRun: true };
  const outcome = await deps.pullRequestsFor(key).setApproval(pr.id, pr.revisionId, state);
  return { ...action, outcome: outcome.status };
}

function supersededBy(
  context: { sourceCommit?: string; revisionId?: string },
  pr: PullRequest,
): { builtCommit: string; currentCommit: string } | undefined {
  const stale =
    (context.revisionId !== undefined && context.revisionId !== pr.revisionId) ||
    (context.sourceCommit !== undefined && context.sourceCommit !== pr.sourceCommit);
  if (!stale) return undefined;
  return { builtCommit: context.sourceCommit ?? '(unknown)', currentCommit: pr.sourceCommit };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
