/**
 * Problems found in a document, each a path and a message: how zod's issues become such lines,
 * how a path is written, and the order the lines are listed in.
 */
import type * as z from 'zod';
import { isRecord } from '#domain/is-record.ts';

export { isRecord };

export type Issue = { path: PropertyKey[]; message: string };

/** `images[1].update[0].file`; keys that are not plain words are quoted: `repositories["a b"]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'string' && /^[A-Za-z0-9_$-]+$/.test(segment))
      out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out || '(root)';
}

export function zodIssues(issues: readonly z.core.$ZodIssue[]): Issue[] {
  return issues.flatMap((issue): Issue[] => {
    if (issue.code === 'unrecognized_keys') {
      const messages = issue.message.split('\n');
      return issue.keys.map((key, i) => ({
        path: [...issue.path, key],
        message: messages[i] ?? 'unknown key',
      }));
    }
    if (issue.code === 'invalid_key')
      return issue.issues.map((inner) => ({ path: issue.path, message: inner.message }));
    return [{ path: issue.path, message: issue.message }];
  });
}

/**
 * Where a path points in the document, as a sortable list: list indexes, and the position of each
 * key in its object (keys the document lacks sort after the ones it has).
 */
function documentPosition(input: unknown, path: readonly PropertyKey[]): number[] {
  const position: number[] = [];
  let node = input;
  for (const segment of path) {
    if (typeof segment === 'number') position.push(segment);
    else {
      const index = isRecord(node) ? Object.keys(node).indexOf(String(segment)) : -1;
      position.push(index < 0 ? Number.POSITIVE_INFINITY : index);
    }
    node =
      isRecord(node) || Array.isArray(node) ? (node as Record<PropertyKey, unknown>)[segment] : undefined;
  }
  return position;
}

/** Issues in the order of the document, so they read top to bottom like the file. */
export function inDocumentOrder(input: unknown, issues: readonly Issue[]): Issue[] {
  const keyed = issues.map((issue) => ({ issue, position: documentPosition(input, issue.path) }));
  keyed.sort((a, b) => {
    for (let i = 0; i < Math.min(a.position.length, b.position.length); i++) {
      const difference = (a.position[i] ?? 0) - (b.position[i] ?? 0);
      if (difference !== 0 && !Number.isNaN(difference)) return difference;
    }
    return a.position.length - b.position.length;
  });
  return keyed.map(({ issue }) => issue);
}
