/**
 * How a schema's verdict on an event becomes an `EventError`: the path of the first problem
 * (`event.account`, `detail.additional-information.phases[0].phase-type`), what was expected, and
 * a short preview of what was there. Values are untrusted: a preview is bounded and on one line.
 */
import type * as z from 'zod/mini';
import { EventError } from '#domain/errors.ts';

const PREVIEW_LENGTH = 80;

/** A value as messages name it: strings quoted (escaped, cut at 80 characters), others by kind. */
export function preview(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') {
    return JSON.stringify(value.length > PREVIEW_LENGTH ? `${value.slice(0, PREVIEW_LENGTH)}…` : value);
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value === 'object' ? 'an object' : typeof value;
}

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'an object',
  record: 'an object',
  array: 'an array',
};

/** `"a"`, `"a" or "b"`, `"a", "b" or "c"`. */
export function alternatives(values: readonly unknown[]): string {
  const quoted = values.map((value) => JSON.stringify(value));
  const last = quoted.pop();
  return quoted.length === 0 ? (last ?? 'nothing') : `${quoted.join(', ')} or ${last}`;
}

/**
 * Messages for the issues zod raises itself. A schema with something specific to say sets its own
 * (`error` on the schema or check), which zod prefers to this map.
 */
const issueMessage: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'missing';
      return `expected ${EXPECTED[issue.expected] ?? issue.expected}, got ${preview(issue.input)}`;
    case 'invalid_value':
      return `expected ${alternatives(issue.values)}, got ${preview(issue.input)}`;
    case 'too_small':
      if (issue.origin === 'string') return `expected a non-empty string, got ${preview(issue.input)}`;
      if (issue.origin === 'array') return `expected at least ${issue.minimum} item(s)`;
      return `expected at least ${issue.minimum}, got ${preview(issue.input)}`;
    case 'too_big':
      if (issue.origin === 'string') return `longer than ${issue.maximum} characters`;
      if (issue.origin === 'array') return `expected at most ${issue.maximum} item(s)`;
      return `expected at most ${issue.maximum}, got ${preview(issue.input)}`;
    case 'invalid_format':
      return `expected ${issue.format}, got ${preview(issue.input)}`;
    default:
      return undefined;
  }
};

/** `detail.phases[0].phase-type`; keys that are not plain words are quoted: `detail.counts["a\nb"]`. */
export function formatPath(root: string, path: readonly PropertyKey[]): string {
  let out = root;
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'string' && /^[A-Za-z0-9_$-]+$/.test(segment))
      out += out ? `.${segment}` : segment;
    else out += `[${preview(String(segment))}]`;
  }
  return out;
}

/** The message of a failed parse: its first issue, where it is and what is wrong. */
export function issuesMessage(issues: readonly z.core.$ZodIssue[], root: string): string {
  const [first] = issues;
  if (first === undefined) return `${root}: invalid`;
  return `${formatPath(root, first.path) || root}: ${first.message}`;
}

/** `input` read by `schema`, or an `EventError` naming the first problem under `root` (`event`, `detail`). */
export function parseWith<S extends z.ZodMiniType>(schema: S, input: unknown, root: string): z.output<S> {
  const result = schema.safeParse(input, { error: issueMessage });
  if (!result.success) throw new EventError(issuesMessage(result.error.issues, root));
  return result.data;
}
