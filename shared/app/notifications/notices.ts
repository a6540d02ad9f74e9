/**
 * What each function's result comes to in chat: the results the services return (bumps, branch-flow
 * verdicts and promotions, build reports, the drift check, rejected events) mapped to notifications.
 * Only work that was done is told: a dry run, a skip (a replayed bump finds its value already set)
 * or a status that was already posted tells nothing, so a redelivered event mostly stays quiet.
 */
import type { Config } from '#config/types.ts';
import {
  codecommitCommitUrl,
  codecommitPullRequestUrl,
  gitlabCommitUrl,
} from '#domain/notifications/console-links.ts';
import {
  buildFinished,
  bumpCommitted,
  bumpRejected,
  directPush,
  flowViolation,
  mirrorDrift,
  parameterWritten,
  previewChanged,
  promotionOpened,
  type ValueMove,
} from '#domain/notifications/messages.ts';
import type { Notification } from '#domain/notifications/notification.ts';
import { isFileTarget } from '#domain/targets.ts';
import { buildConsoleLink } from '#parsers/build-pull-request-context.ts';
import type { BuildStateEvent } from '#parsers/codebuild-build-state.ts';
import type { FlowAction, FlowResult } from '../branch-flow/result.ts';
import type { BumpAction, CommitAction } from '../image-bump/result.ts';
import type { MirrorAction, MirrorResult } from '../mirror/result.ts';
import type { PreviewResult } from '../previews/deps.ts';
import { previewUrl } from '../previews/deps.ts';

export interface NoticeContext {
  config: Config;
  /** The function's own region: CodeCommit repositories without a region of their own live there. */
  region: string;
}

/** A permanent failure as the handler returned it. */
export interface RejectedOutcome {
  eventId: string | null;
  error: { type: string; message: string };
}

const FAILED_BUILD = new Set(['FAILED', 'FAULT', 'STOPPED', 'TIMED_OUT']);

/** The page of a commit of repository `key`, when its host has pages. */
function commitUrl(context: NoticeContext, key: string, commitId: string): string | undefined {
  const repository = context.config.repositories[key];
  if (repository?.provider === 'codecommit') {
    return codecommitCommitUrl(repository.region ?? context.region, repository.name, commitId);
  }
  if (repository?.provider === 'gitlab') return gitlabCommitUrl(repository.url, repository.project, commitId);
  return undefined;
}

function pullRequestUrl(
  context: NoticeContext,
  key: string,
  pullRequestId: string | undefined,
): string | undefined {
  const repository = context.config.repositories[key];
  if (pullRequestId === undefined || repository?.provider !== 'codecommit') return undefined;
  return codecommitPullRequestUrl(repository.region ?? context.region, repository.name, pullRequestId);
}

/** The ECR repositories whose targets write `file` on `repository` and `branch`. */
function imagesWriting(config: Config, repository: string, branch: string, file: string): string[] {
  return config.images
    .filter((rule) =>
      rule.update.some(
        (target) =>
          isFileTarget(target) &&
          target.repository === repository &&
          target.branch === branch &&
          target.file === file,
      ),
    )
    .map((rule) => rule.ecr);
}

function imageOfParameter(config: Config, parameter: string): string | undefined {
  return config.images.find((rule) =>
    rule.update.some((target) => target.kind === 'ssm' && target.parameter === parameter),
  )?.ecr;
}

function commitNotice(eventId: string, action: CommitAction, context: NoticeContext): Notification {
  const moves: ValueMove[] = action.changes.map((change) => {
    const images = imagesWriting(context.config, action.repository, action.branch, change.file);
    return {
      ...(images.length === 1 ? { image: images[0] } : {}),
      where: `${change.file} (${change.target})`,
      from: change.from,
      to: change.to,
    };
  });
  const url = commitUrl(context, action.repository, action.commitId);
  return bumpCommitted({
    eventId,
    repository: action.repository,
    branch: action.branch,
    commitId: action.commitId,
    moves,
    ...(url === undefined ? {} : { commitUrl: url }),
  });
}

/** Commits and parameter writes of an image bump (or of reconcile); skips and dry runs tell nothing. */
export function bumpNotices(
  eventId: string,
  actions: readonly (BumpAction | MirrorAction)[],
  context: NoticeContext,
): Notification[] {
  return actions.flatMap((action): Notification[] => {
    if (action.type === 'commit') return [commitNotice(eventId, action, context)];
    if (action.type === 'parameter' && !action.dryRun) {
      const image = imageOfParameter(context.config, action.parameter);
      return [
        parameterWritten({
          eventId,
          parameter: action.parameter,
          move: {
            ...(image ? { image } : {}),
            where: `SSM parameter ${action.parameter}`,
            from: action.from,
            to: action.to,
          },
        }),
      ];
    }
    return [];
  });
}

export function rejectionNotice(outcome: RejectedOutcome, functionName: string): Notification {
  return bumpRejected({
    eventId: outcome.eventId,
    function: functionName,
    errorType: outcome.error.type,
    message: outcome.error.message,
  });
}

const pullRequestOf = (actions: readonly FlowAction[], repository: string): string | undefined => {
  for (const action of actions) {
    if ((action.type === 'comment' || action.type === 'close') && action.repository === repository) {
      return action.pullRequestId;
    }
  }
  return undefined;
};

/** Flow violations (pull requests against the flow, direct pushes to protected branches) and promotions opened. */
export function flowNotices(result: FlowResult, context: NoticeContext): Notification[] {
  const { eventId, actions } = result;
  return actions.flatMap((action): Notification[] => {
    if (action.type === 'check' && !action.allowed) {
      const alert = actions.find(
        (other): other is Extract<FlowAction, { type: 'alert' }> =>
          other.type === 'alert' && other.repository === action.repository,
      );
      if (alert) {
        return [
          directPush({
            eventId,
            repository: action.repository,
            branch: alert.branch,
            subject: `${action.subject}: ${action.reason}`,
            files: alert.files,
          }),
        ];
      }
      const pullRequestId = pullRequestOf(actions, action.repository);
      const url = pullRequestUrl(context, action.repository, pullRequestId);
      return [
        flowViolation({
          eventId,
          repository: action.repository,
          subject: action.subject,
          reason: action.reason,
          closed: actions.some((other) => other.type === 'close' && !other.dryRun),
          ...(pullRequestId === undefined ? {} : { pullRequestId }),
          ...(url === undefined ? {} : { pullRequestUrl: url }),
        }),
      ];
    }
    if (action.type === 'promotion' && !action.dryRun && action.pullRequestId !== undefined) {
      const url = pullRequestUrl(context, action.repository, action.pullRequestId);
      return [
        promotionOpened({
          eventId,
          repository: action.repository,
          source: action.source,
          destination: action.destination,
          pullRequestId: action.pullRequestId,
          moves: action.changes.map((change) => ({
            image: change.image,
            where: `${change.file} (${change.selector})`,
            from: change.from,
            to: change.to,
          })),
          ...(url === undefined ? {} : { pullRequestUrl: url }),
        }),
      ];
    }
    return [];
  });
}

/**
 * A finished build Flowkeeper reported on (a pull-request comment or a GitLab commit status it
 * posted now): one notification. A build it ignored, one still running, or a result it had already
 * reported (a redelivered event) tells nothing.
 */
export function buildNotices(
  build: BuildStateEvent,
  result: FlowResult,
  context: NoticeContext,
): Notification[] {
  const succeeded = build.status === 'SUCCEEDED';
  if (!succeeded && !FAILED_BUILD.has(build.status)) return [];
  const comment = result.actions.find(
    (action): action is Extract<FlowAction, { type: 'comment' }> =>
      action.type === 'comment' && !action.dryRun,
  );
  const status = result.actions.find(
    (action): action is Extract<FlowAction, { type: 'status' }> =>
      action.type === 'status' && action.outcome === 'created',
  );
  if (comment === undefined && status === undefined) return [];
  const repository = comment?.repository ?? status?.repository;
  const failedPhase = build.phases.find(
    (phase) => phase.status !== undefined && FAILED_BUILD.has(phase.status),
  );
  const prUrl = comment ? pullRequestUrl(context, comment.repository, comment.pullRequestId) : undefined;
  const logUrl = build.logsLink ?? buildConsoleLink(build.buildArn);
  return [
    buildFinished({
      eventId: build.id,
      project: build.project,
      ...(build.buildNumber === undefined ? {} : { buildNumber: build.buildNumber }),
      status: build.status,
      succeeded,
      ...(repository === undefined ? {} : { repository }),
      ...(comment ? { pullRequestId: comment.pullRequestId } : {}),
      ...(status ? { commitId: status.commitId } : {}),
      ...(failedPhase === undefined
        ? {}
        : { failure: [failedPhase.type, ...failedPhase.context].join(': ') }),
      ...(logUrl === undefined ? {} : { logUrl }),
      ...(prUrl === undefined ? {} : { pullRequestUrl: prUrl }),
    }),
  ];
}

/** Mirrored branches whose drift outlived the pair's `driftAlertMinutes` (what the drift check alerts). */
export function driftNotices(result: MirrorResult, context: NoticeContext): Notification[] {
  return result.actions.flatMap((action): Notification[] => {
    if (action.type !== 'mirror' || action.state === 'in-sync') return [];
    const pair = context.config.mirrors.find(
      (mirror) => mirror.gitlab === action.gitlab && mirror.codecommit === action.codecommit,
    );
    if (pair === undefined || action.lagSeconds < pair.driftAlertMinutes * 60) return [];
    return [
      mirrorDrift({
        eventId: result.eventId,
        gitlab: action.gitlab,
        codecommit: action.codecommit,
        branch: action.branch,
        state: action.state,
        behind: action.behind,
        ahead: action.ahead,
        lagSeconds: action.lagSeconds,
      }),
    ];
  });
}

/** Previews opened and closed (an update or a wait tells nothing; the pull request has its comment). */
export function previewNotices(result: PreviewResult, context: NoticeContext): Notification[] {
  return result.actions.flatMap((action): Notification[] => {
    if (action.type !== 'open' && action.type !== 'close') return [];
    const set = context.config.previews?.find((candidate) => candidate.name === action.set);
    if (set === undefined) return [];
    const commit = action.commitId === '' ? undefined : commitUrl(context, set.repository, action.commitId);
    return [
      previewChanged(action.type === 'open' ? 'preview-opened' : 'preview-closed', {
        eventId: result.eventId,
        set: set.name,
        slug: action.slug,
        repository: set.repository,
        url: previewUrl(set, action.slug),
        ...(commit === undefined ? {} : { commitUrl: commit }),
      }),
    ];
  });
}
