/** The words Flowkeeper posts on pull requests and in alerts. Pure and deterministic: a redelivered
 * event must produce the same text, or the host's idempotency token check would refuse it. Text
 * from events, builds and repositories goes through `untrusted-text.ts`: fenced or escaped on one
 * line in markdown, flattened to one line in alerts. */
import { branchName } from './branch-globs.ts';
import type { FlowRules } from './flow-rules.ts';
import { summarizeChanges, type ValueChange } from './stage-values.ts';
import {
  inlineCode,
  linkableUrl,
  markdownName,
  markdownProse,
  markdownText,
  plainLine,
} from './untrusted-text.ts';

const CODECOMMIT_COMMENT_LIMIT = 10240;
/** The failing phase's context quotes build output; more than this is cut. */
const FAILURE_LIMIT = 2000;

/**
 * The comment on a pull request against the flow. `branches` are the pull request's source and
 * destination, which whoever opened it chose: where the reason names them they are fenced as code,
 * and the reason is escaped and kept on one line whatever they hold.
 */
export function violationComment(
  reason: string,
  allowedSources: string[],
  rules: FlowRules,
  onViolation: FlowRules['onViolation'],
  branches: readonly string[] = [],
): string {
  const consequence = {
    comment: 'Retarget this pull request, or open a new one from an allowed branch.',
    close:
      'Flowkeeper closed this pull request. Open a new one from an allowed branch (closed pull requests cannot be reopened).',
    'revoke-approval':
      'Flowkeeper withholds its approval from this pull request (a validation result will not approve it) until it follows the flow.',
  }[onViolation];
  const sources =
    allowedSources.length === 0 ? 'none' : allowedSources.map((source) => inlineCode(source)).join(', ');
  return [
    '**Branch flow violation**',
    '',
    markdownProse(reason, branches.map(branchName)),
    '',
    `Allowed sources: ${sources}. Promotion order: ${rules.promotion.join(' → ')}.`,
    '',
    consequence,
  ].join('\n');
}

export interface PromotionText {
  title: string;
  description: string;
}

export function promotionPullRequest(
  source: string,
  destination: string,
  changes: ValueChange[],
  mergedPullRequestId: string,
): PromotionText {
  const lines = summarizeChanges(changes);
  const body = [
    `Promotes ${source} into ${destination}, the next stage, after pull request ${mergedPullRequestId} was merged into ${source}.`,
    '',
    lines.length === 0
      ? 'No configured image changes; the promotion carries the other manifest changes only.'
      : `Images that change in ${destination}:`,
    // Values are read from the manifests on each stage.
    ...lines.map((line) => `- ${markdownText(line)}`),
  ].join('\n');
  return { title: `Promote ${source} → ${destination}`.slice(0, 150), description: truncate(body, 10240) };
}

export interface BuildCommentInput {
  project: string;
  buildNumber?: number;
  status: string;
  durationSeconds?: number;
  link?: string;
  failure?: string;
  /** Set when the build ran on a revision the pull request has since moved past. */
  superseded?: { builtCommit: string; currentCommit: string };
  approval?: string;
}

const STATUS_WORDS: Record<string, string> = {
  IN_PROGRESS: 'started',
  SUCCEEDED: 'succeeded',
  FAILED: 'failed',
  FAULT: 'failed with a CodeBuild fault',
  STOPPED: 'was stopped',
  TIMED_OUT: 'timed out',
};

export function buildComment(input: BuildCommentInput): string {
  const number = input.buildNumber === undefined ? '' : ` #${input.buildNumber}`;
  const word = STATUS_WORDS[input.status] ?? `ended with status ${markdownName(input.status)}`;
  const took =
    input.durationSeconds === undefined || input.status === 'IN_PROGRESS'
      ? ''
      : ` in ${formatDuration(input.durationSeconds)}`;
  const lines = [
    `**${markdownName(input.project)}**${number} ${word}${took} (${markdownName(input.status)}).`,
  ];
  // The failing phase's context quotes the build's output, commands of the commit built included.
  if (input.failure) lines.push('', `Failure: ${inlineCode(input.failure, FAILURE_LIMIT)}`);
  if (input.link) lines.push('', `Logs: ${linkableUrl(input.link) ?? inlineCode(input.link)}`);
  if (input.superseded) {
    lines.push(
      '',
      `This result is for source commit ${markdownName(input.superseded.builtCommit.slice(0, 12))}, which is no longer the ` +
        `tip of this pull request (now ${markdownName(input.superseded.currentCommit.slice(0, 12))}); it does not count for the current revision.`,
    );
  }
  if (input.approval) lines.push('', input.approval);
  return truncate(lines.join('\n'), CODECOMMIT_COMMENT_LIMIT);
}

export function formatDuration(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  const minutes = Math.floor(whole / 60);
  return minutes === 0 ? `${whole}s` : `${minutes}m ${String(whole % 60).padStart(2, '0')}s`;
}

export interface PushAlertInput {
  repository: string;
  branch: string;
  oldCommit?: string;
  /** Absent when the branch was deleted. */
  newCommit?: string;
  deleted?: boolean;
  caller?: string;
  reason: string;
  files: string[];
}

/**
 * The alert of a push to a protected branch. Every value from the event or the repository (branch,
 * commits, caller, file paths, and the reason that names them) is flattened onto its own line, so
 * none can forge another line of the alert.
 */
export function pushAlert(input: PushAlertInput): { subject: string; message: string } {
  const shown = input.files.slice(0, 50);
  const more = input.files.length - shown.length;
  const branch = plainLine(input.branch);
  const message = [
    plainLine(input.reason),
    '',
    `Repository: ${plainLine(input.repository)}`,
    `Branch: ${branch}`,
    input.deleted
      ? `Deleted at: ${plainLine(input.oldCommit ?? '(unknown commit)')}`
      : `Commits: ${plainLine(input.oldCommit ?? '(new branch)')} → ${plainLine(input.newCommit ?? '(unknown)')}`,
    `Caller: ${plainLine(input.caller ?? 'unknown (the event names no caller)')}`,
    ...(input.deleted
      ? []
      : [
          `Files changed (${input.files.length}):`,
          ...shown.map((file) => `  ${plainLine(file)}`),
          ...(more > 0 ? [`  … and ${more} more`] : []),
        ]),
    '',
    'Flowkeeper never rewrites history: review the change and revert it through a pull request if it should not be there.',
  ].join('\n');
  return {
    subject: plainLine(
      `${input.deleted ? 'Protected branch deleted:' : 'Direct push to protected'} ${branch} in ${input.repository}`,
    ).slice(0, 100),
    message,
  };
}

function truncate(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 2)}\n…`;
}
