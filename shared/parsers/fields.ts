/** Schema building blocks the event parsers share, with the messages their fields have always had. */
import * as z from 'zod/mini';
import { isRecord } from '#domain/is-record.ts';
import { preview } from './zod-error.ts';

/** A required, non-empty string. */
export const text = z.string({
  error: (issue) =>
    issue.input === undefined || issue.input === null
      ? 'missing'
      : `expected a non-empty string, got ${preview(issue.input)}`,
});
export const nonEmptyText = text.check(z.minLength(1));

/** `schema`, with absent and `null` both read as `undefined`. */
export const optional = <S extends z.ZodMiniType>(schema: S) =>
  z.pipe(
    z.nullish(schema),
    z.transform((value): z.output<S> | undefined => value ?? undefined),
  );

/** A string that may be absent or null (undefined then); `""` is kept. */
export const optionalText = optional(z.string());

/** A non-empty string of a known shape: `expected <what>, got "<preview>"` otherwise. */
export const shaped = (shape: RegExp, what: string) =>
  nonEmptyText.check(z.regex(shape, { error: (issue) => `expected ${what}, got ${preview(issue.input)}` }));

/** Absent, null or `""` read as undefined; any other value must pass `schema`. */
export const blankOr = <S extends z.ZodMiniType<string | undefined, string | undefined>>(schema: S) =>
  z.pipe(
    optionalText,
    z.pipe(
      z.transform((value: string | undefined) => (value === '' ? undefined : value)),
      z.optional(schema),
    ),
  );

/** A JSON object whose fields are read later, kept as it is (no copy). */
export const anyRecord = z.custom<Record<string, unknown>>(isRecord, {
  error: (issue) => `expected an object, got ${preview(issue.input)}`,
});

/** `value` without its undefined fields: optional fields are left out rather than set to undefined. */
export function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}

/** A number `accept` takes; anything else is `expected <what>, got <preview>` (or missing). */
export function numberThat(what: string, accept: (value: number) => boolean) {
  const error = (issue: { input?: unknown }) =>
    issue.input === undefined || issue.input === null
      ? 'missing'
      : `expected ${what}, got ${preview(issue.input)}`;
  return z.number({ error }).check(z.refine(accept, { error }));
}

/** A whole number of at least 1 (GitLab ids). */
export const positiveInteger = numberThat('a positive integer', (n) => Number.isSafeInteger(n) && n >= 1);
