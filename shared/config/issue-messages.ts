/** How a value is named in messages, and the messages for the issues zod raises itself. */
import type * as z from 'zod';
import { didYouMean } from '#config/did-you-mean.ts';

export const describeValue = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'object') return 'an object';
  return typeof value;
};

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'an object',
  record: 'an object',
  array: 'a list',
};

const oneOf = (values: readonly unknown[], input: unknown): string => {
  const list = values.map(String).join(', ');
  if (input === undefined) return `required; one of ${list}`;
  const hint = typeof input === 'string' ? didYouMean(input, values.map(String)) : '';
  return `must be one of ${list} (got ${describeValue(input)})${hint}`;
};

/** Messages for the issues zod raises itself; schemas with something specific to say set their own. */
export const issueMessage: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'required';
      return `must be ${EXPECTED[issue.expected] ?? issue.expected} (got ${describeValue(issue.input)})`;
    case 'invalid_value':
      return oneOf(issue.values, issue.input);
    case 'invalid_union':
      if (issue.discriminator !== undefined && Array.isArray(issue.options)) {
        const input = issue.input as Record<string, unknown> | undefined;
        return oneOf(issue.options, input?.[issue.discriminator]);
      }
      return undefined;
    case 'too_small':
      if (issue.origin === 'string') return 'must not be empty';
      if (issue.origin === 'array') return `must contain at least ${issue.minimum} item(s)`;
      return `must be at least ${issue.minimum} (got ${describeValue(issue.input)})`;
    case 'too_big':
      if (issue.origin === 'string') return `must be at most ${issue.maximum} characters long`;
      if (issue.origin === 'array') return `must contain at most ${issue.maximum} item(s)`;
      return `must be at most ${issue.maximum} (got ${describeValue(issue.input)})`;
    default:
      return undefined;
  }
};
