import type { BumpAction } from '#app/bump-result.ts';

export interface RenderedResult {
  text: string;
  /** The one-line reason when the function rejected the event. */
  rejected?: string;
}

/** Human-readable lines for a function result (the JSON form is printed as is). */
export function renderResult(result: unknown): RenderedResult {
  if (!isObject(result)) return { text: `${JSON.stringify(result)}\n` };
  const lines: string[] = [];
  if (isObject(result.error)) {
    const message = String(result.error.message);
    return { text: '', rejected: `${String(result.error.type)}: ${message}` };
  }
  const actions = Array.isArray(result.actions) ? (result.actions as BumpAction[]) : [];
  for (const action of actions) lines.push(...renderAction(action));
  if (actions.length === 0) lines.push('nothing to do');
  return { text: `${lines.join('\n')}\n` };
}

function renderAction(action: BumpAction): string[] {
  const where = 'repository' in action && action.repository ? `${action.repository}/${action.branch}` : '';
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
        action.diff.trimEnd(),
      ];
    case 'parameter':
      return [
        `${action.dryRun ? 'dry run: would write' : 'wrote'} SSM parameter ${action.parameter}${action.version === undefined ? '' : ` (version ${action.version})`}`,
        `  ${action.from ?? '(none)'} → ${action.to}`,
      ];
    case 'skip': {
      const what = action.parameter
        ? ` SSM parameter ${action.parameter}`
        : `${where ? ` ${where}` : ''}${action.file ? ` ${action.file}` : ''}`;
      return [`skip${what}: ${action.reason}`];
    }
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
