/** The words Flowkeeper posts on pull requests and in alerts. Pure and deterministic: a redelivered
 * event must produce the same text, or the host's idempotency token check would refuse it. */
import type { FlowRules } from './flow-rules.ts';
import { summarizeChanges, type ValueChange } from './stage-values.ts';

const CODECOMMIT_COMMENT_LIMIT = 10240;

export function violationComment(
  reason: string,
  allowedSources: string[],
  rules: FlowRules,
  onViolation: FlowRules['onViolation'],
): string {
  const consequence = {
    comment: 'Retarget this pull request, or open a new one from an allowed branch.',
    close:
      'Flowkeeper closed this pull request. Open a new one from an allowed branch (closed pull requests cannot be reopened).',
    'revoke-approval':
      'Flowkeeper withholds its approval from this pull request (a validation result will not approve it) until it follows the flow.',
  }[onViolation];
  const sources =
    allowedSources.length === 0 ? 'none' : allowedSources.map((source) => `\`${source}\``).join(', ');
  return [
    '**Branch flow violation**',
    '',
    reason,
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
    ...lines.map((line) => `- ${line}`),
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
  const word = STATUS_WORDS[input.status] ?? `ended with status ${input.status}`;
  const took =
    input.durationSeconds === undefined || input.status === 'IN_PROGRESS'
      ? ''
      : ` in ${formatDuration(input.durationSeconds)}`;
  const lines = [`**${input.project}**${number} ${word}${took} (${input.status}).`];
  if (input.failure) lines.push('', `Failure: ${input.failure}`);
  if (input.link) lines.push('', `Logs: ${input.link}`);
  if (input.superseded) {
    lines.push(
      '',
      `This result is for source commit ${input.superseded.builtCommit.slice(0, 12)}, which is no longer the ` +
        `tip of this pull request (now ${input.superseded.currentCommit.slice(0, 12)}); it does not count for the current revision.`,
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

export function pushAlert(input: PushAlertInput): { subject: string; message: string } {
  const shown = input.files.slice(0, 50);
  const more = input.files.length - shown.length;
  const message = [
    input.reason,
    '',
    `Repository: ${input.repository}`,
    `Branch: ${input.branch}`,
    input.deleted
      ? `Deleted at: ${input.oldCommit ?? '(unknown commit)'}`
      : `Commits: ${input.oldCommit ?? '(new branch)'} → ${input.newCommit ?? '(unknown)'}`,
    `Caller: ${input.caller ?? 'unknown (the event names no caller)'}`,
    ...(input.deleted
      ? []
      : [
          `Files changed (${input.files.length}):`,
          ...shown.map((file) => `  ${file}`),
          ...(more > 0 ? [`  … and ${more} more`] : []),
        ]),
    '',
    'Flowkeeper never rewrites history: review the change and revert it through a pull request if it should not be there.',
  ].join('\n');
  return {
    subject:
      `${input.deleted ? 'Protected branch deleted:' : 'Direct push to protected'} ${input.branch} in ${input.repository}`.slice(
        0,
        100,
      ),
    message,
  };
}

function truncate(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 2)}\n…`;
}
