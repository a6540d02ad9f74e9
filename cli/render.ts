import type { FlowAction } from '#app/branch-flow/result.ts';
import type { BumpAction } from '#app/image-bump/result.ts';
import type { MirrorAction } from '#app/mirror/result.ts';
import type { PreviewAction } from '#app/previews/deps.ts';

export interface RenderedResult {
  text: string;
  /** The one-line reason when the function rejected the event. */
  rejected?: string;
}

/** Human-readable lines for a function result (the JSON form is printed as is). */
export function renderResult(result: unknown): RenderedResult {
  if (!isObject(result)) return { text: `${JSON.stringify(result)}\n` };
  if (Array.isArray(result.batchItemFailures)) return renderBatch(result);
  if (typeof result.statusCode === 'number') return renderHttpAnswer(result.statusCode, result.body);
  const lines: string[] = [];
  if (isObject(result.error)) {
    const message = String(result.error.message);
    return { text: '', rejected: `${String(result.error.type)}: ${message}` };
  }
  const actions = Array.isArray(result.actions)
    ? (result.actions as (BumpAction | FlowAction | MirrorAction | PreviewAction)[])
    : [];
  for (const action of actions) lines.push(...renderAction(action));
  if (actions.length === 0) lines.push('nothing to do');
  return { text: `${lines.join('\n')}\n` };
}

/** Preview actions name their preview set; no other result carries `set`. */
const isPreviewAction = (action: object): action is PreviewAction => 'set' in action;

function renderPreviewAction(action: PreviewAction): string[] {
  if (action.type === 'skip')
    return [`skip${action.slug ? ` preview ${action.slug}` : ''}: ${action.reason}`];
  const commit = action.commitId === '' ? '' : ` (commit ${action.commitId.slice(0, 12)})`;
  return [
    `${action.type} preview ${action.slug} of ${action.set}${commit}${action.detail ? `: ${action.detail}` : ''}`,
  ];
}

function renderAction(action: BumpAction | FlowAction | MirrorAction | PreviewAction): string[] {
  if (isPreviewAction(action)) return renderPreviewAction(action);
  if (isMirrorAction(action)) return renderMirrorAction(action);
  if (isFlowAction(action)) return renderFlowAction(action);
  const where = 'branch' in action && action.branch ? `${action.repository}/${action.branch}` : '';
  switch (action.type) {
    case 'commit':
      return [
        `commit ${action.commitId.slice(0, 12)} on ${where} (parent ${action.parentCommitId.slice(0, 12)}, attempt ${action.attempts})`,
        ...action.changes.map((c) => `  ${c.file}  ${c.target}  ${c.from} → ${c.to}`),
      ];
    case 'dry-run':
      return [
        `dry run: would commit on ${where} (parent ${action.parentCommitId.slice(0, 12)})`,
        ...action.changes.map((c) => `  ${c.file}  ${c.target}  ${c.from} → ${c.to}`),
        // Only the final newline goes: the CR of a CRLF file's last line stays, so the patch applies.
        action.diff.replace(/\n+$/, ''),
      ];
    case 'parameter':
      return [
        `${action.dryRun ? 'dry run: would write' : 'wrote'} SSM parameter ${action.parameter}${action.version === undefined ? '' : ` (version ${action.version})`}`,
        `  ${action.from ?? '(none)'} → ${action.to}`,
      ];
    case 'skip': {
      if (!('parameter' in action || 'file' in action || 'branch' in action))
        return [`skip: ${action.reason}`];
      const what = action.parameter
        ? ` SSM parameter ${action.parameter}`
        : `${where ? ` ${where}` : ''}${action.file ? ` ${action.file}` : ''}${action.target ? ` ${action.target}` : ''}`;
      return [`skip${what}: ${action.reason}`];
    }
  }
}

const FLOW_TYPES = new Set([
  'check',
  'comment',
  'close',
  'approval',
  'build',
  'promotion',
  'alert',
  'status',
  'note',
]);

const MIRROR_TYPES = new Set(['mirror', 'sync', 'adopt']);

function isMirrorAction(
  action: BumpAction | FlowAction | MirrorAction,
): action is Extract<MirrorAction, { type: 'mirror' | 'sync' | 'adopt' }> {
  return MIRROR_TYPES.has(action.type);
}

function renderMirrorAction(action: Extract<MirrorAction, { type: 'mirror' | 'sync' | 'adopt' }>): string[] {
  switch (action.type) {
    case 'mirror':
      return [
        `mirror ${action.gitlab} → ${action.codecommit} ${action.branch}: ${action.state}` +
          (action.state === 'in-sync'
            ? ''
            : ` (${action.behind} behind, ${action.ahead} only on CodeCommit, lag ${action.lagSeconds}s)`),
      ];
    case 'sync':
      return [
        `${action.dryRun ? 'dry run: would start' : 'started'} the push mirror ${action.gitlab} → ${action.codecommit}${action.mirrorId === undefined ? '' : ` (mirror ${action.mirrorId})`}`,
      ];
    case 'adopt':
      return [
        `${action.dryRun ? 'dry run: would adopt' : 'adopted'} onto ${action.gitlab}/${action.branch}:`,
        ...action.commits.map((c) => `  ${c.from.slice(0, 12)} → ${c.to?.slice(0, 12) ?? '(no change)'}`),
      ];
  }
}

function isFlowAction(
  action: BumpAction | FlowAction | MirrorAction,
): action is Exclude<FlowAction, { type: 'skip' }> | Extract<MirrorAction, { type: 'alert' }> {
  return FLOW_TYPES.has(action.type);
}

function renderFlowAction(
  action: Exclude<FlowAction, { type: 'skip' }> | Extract<MirrorAction, { type: 'alert' }>,
): string[] {
  const dry = 'dryRun' in action && action.dryRun ? 'dry run: would ' : '';
  const pr = 'pullRequestId' in action && action.pullRequestId ? `pull request ${action.pullRequestId}` : '';
  switch (action.type) {
    case 'check':
      return [`${action.allowed ? 'allowed' : 'violation'}: ${action.subject}`, `  ${action.reason}`];
    case 'comment':
      return [
        `${dry}comment on ${pr}${action.commentId ? ` (comment ${action.commentId})` : ''}`,
        ...action.content.split('\n').map((line) => `  | ${line}`),
      ];
    case 'close':
      return [`${dry}close ${pr}`];
    case 'approval':
      return [
        `${dry}${action.state === 'APPROVE' ? 'approve' : 'revoke approval of'} ${pr} revision ${action.revisionId.slice(0, 12)}: ${action.outcome}`,
      ];
    case 'build':
      return [
        `${dry}start ${action.project} on ${action.sourceCommit.slice(0, 12)} for ${pr}${action.buildArn ? ` (${action.buildArn})` : ''}`,
      ];
    case 'promotion':
      return [
        `${dry}open promotion ${action.source} → ${action.destination}${action.pullRequestId ? ` as pull request ${action.pullRequestId}` : ''}`,
        ...action.changes.map((c) => `  ${c.image}  ${c.file}  ${c.from} → ${c.to}`),
      ];
    case 'alert':
      return [
        `alert: ${action.subject}`,
        ...('files' in action ? action.files : []).map((file) => `  ${file}`),
      ];
    case 'status':
      return [
        `${dry}GitLab status ${action.name} ${action.state} on ${action.repository}@${action.commitId.slice(0, 12)}: ${action.outcome}`,
      ];
    case 'note':
      return [
        `GitLab note on merge request !${action.mergeRequest} of ${action.repository} (head ${action.commitId.slice(0, 12)}): ${action.outcome}`,
      ];
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** An SQS batch answer: each event's result under its id, then the messages left for redelivery. */
function renderBatch(result: Record<string, unknown>): RenderedResult {
  const results = Array.isArray(result.results) ? result.results : [];
  const failures = (result.batchItemFailures as unknown[]).filter(isObject);
  const parts: string[] = [];
  const rejected: string[] = [];
  for (const one of results) {
    const id = isObject(one) ? String(one.eventId) : '?';
    const rendered = renderResult(one);
    if (rendered.rejected) rejected.push(`event ${id}: ${rendered.rejected}`);
    else parts.push(`event ${id}:\n${rendered.text.replace(/^(?=.)/gm, '  ')}`);
  }
  for (const failure of failures) {
    parts.push(`message ${String(failure.itemIdentifier)}: failed, left on the queue for redelivery\n`);
  }
  return { text: parts.join(''), ...(rejected.length > 0 ? { rejected: rejected.join('; ') } : {}) };
}

/**
 * A Function URL answer (the GitLab webhook): the status, then the JSON body; for an accepted
 * merge request that is the event put on the bus (or, with no bus configured, the one that would be).
 */
function renderHttpAnswer(status: number, body: unknown): RenderedResult {
  let parsed: unknown = body;
  if (typeof body === 'string' && body !== '') {
    try {
      parsed = JSON.parse(body);
    } catch {
      parsed = body;
    }
  }
  const answer = isObject(parsed) ? parsed : {};
  if (status >= 400) {
    const reason = typeof answer.message === 'string' ? answer.message : 'no detail';
    return { text: '', rejected: `HTTP ${status}: ${reason}` };
  }
  const lines = [`HTTP ${status}`];
  if (isObject(answer.event)) {
    lines.push(
      answer.bus === null || answer.bus === undefined
        ? 'no event bus configured (FLOWKEEPER_EVENT_BUS_NAME): this event would be put:'
        : `put on bus ${String(answer.bus)} as event ${String(answer.eventId)}:`,
      JSON.stringify(answer.event, null, 2),
    );
  } else if (typeof answer.message === 'string') {
    lines.push(answer.message);
  }
  return { text: `${lines.join('\n')}\n` };
}
