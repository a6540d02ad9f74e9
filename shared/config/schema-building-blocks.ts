/** Schema pieces the configuration is built from: closed objects and strings with checks. */
import * as z from 'zod';
import { didYouMean } from '#config/did-you-mean.ts';
import { describeValue } from '#config/issue-messages.ts';

/**
 * A closed object: unknown keys are errors, one line per key. zod reports them in a single
 * issue, so the message holds one line per key, in the order of `keys` (see `zodIssues`).
 */
export function closedObject<Shape extends z.core.$ZodLooseShape>(shape: Shape, expected = 'an object') {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code === 'unrecognized_keys') {
        return issue.keys.map((key) => `unknown key${didYouMean(key, known)}`).join('\n');
      }
      if (issue.code === 'invalid_type' && issue.input !== undefined) {
        return `must be ${expected} (got ${describeValue(issue.input)})`;
      }
      return undefined;
    },
  });
}

export const requiredText = z.string().min(1);

/** A string that must satisfy `test`; `explain` gives the message for a value that does not. */
export const checkedString = (test: (value: string) => boolean, explain: (value: string) => string) =>
  z.string().check((ctx) => {
    // `continue`: a bad value is no reason to skip the checks of the object that holds it.
    if (!test(ctx.value)) {
      ctx.issues.push({ code: 'custom', message: explain(ctx.value), input: ctx.value, continue: true });
    }
  });
