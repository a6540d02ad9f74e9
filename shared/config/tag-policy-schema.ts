/** The `tags` of an image rule: which pushed tags are candidates and which one wins. */
import { validRange } from 'semver';
import * as z from 'zod';
import { checkedString, closedObject, requiredText } from '#config/schema-building-blocks.ts';
import type { TagPolicy } from '#config/types.ts';
import { namedGroups, regexProblem } from '#config/value-rules.ts';

const regex = checkedString(
  (value) => regexProblem(value) === undefined,
  (value) => regexProblem(value) ?? '',
);

const tagsInput = closedObject({
  semver: checkedString(
    (value) => value.trim() !== '' && validRange(value) !== null,
    (value) => `invalid semver range ${JSON.stringify(value)}`,
  )
    .meta({
      description:
        'Semver range a tag must satisfy (npm semver syntax); the highest matching version wins. ' +
        'Exclusive with `pattern`. When neither is set, `*` applies.',
      examples: ['>=1.0.0', '^2.3'],
    })
    .optional(),
  prerelease: z
    .boolean()
    .meta({
      description: 'Also consider prerelease versions (`1.2.0-rc.1`). Only with `semver`.',
      default: false,
    })
    .optional(),
  pattern: regex
    .meta({
      description:
        'JavaScript regular expression (no flags) a tag must match; tags are ordered by `by` or by the ' +
        'whole tag. Matched in linear time, so no lookaround or backreferences. Exclusive with `semver`.',
      examples: ['^dev-(?<stamp>\\d{14})-[0-9a-f]{7}$'],
    })
    .optional(),
  order: z
    .enum(['numeric', 'lexical', 'push-time'])
    .meta({
      description:
        'How tags are compared: `numeric` or `lexical` on `by` (only with `pattern`), or `push-time`: the ' +
        'image pushed last to ECR wins, whatever its tag says (`pattern`, when given, only selects tags).',
      default: 'numeric',
    })
    .optional(),
  by: requiredText
    .meta({
      description:
        'Named capture group of `pattern` to compare; the whole tag when omitted. Only with `pattern`.',
      examples: ['stamp'],
    })
    .optional(),
  include: z
    .array(regex)
    .meta({
      description:
        'Regular expressions (like `pattern`: no lookaround or backreferences); when any is given a tag must match at least one.',
    })
    .default([]),
  exclude: z
    .array(regex)
    .meta({
      description:
        'Regular expressions (like `pattern`: no lookaround or backreferences); a tag matching any of them is never selected.',
    })
    .default([]),
});

export const tags = tagsInput
  .superRefine((value, ctx) => {
    if (value.semver !== undefined && value.pattern !== undefined) {
      ctx.addIssue({ code: 'custom', message: 'set either semver or pattern, not both', path: [] });
    }
    if (value.order === 'push-time') {
      if (value.semver !== undefined || value.prerelease !== undefined) {
        ctx.addIssue({
          code: 'custom',
          message: 'push-time ordering does not combine with semver',
          path: ['order'],
        });
      }
      if (value.by !== undefined) {
        ctx.addIssue({ code: 'custom', message: 'not used with push-time ordering', path: ['by'] });
      }
    } else if (value.pattern === undefined) {
      for (const key of ['order', 'by'] as const) {
        if (value[key] !== undefined)
          ctx.addIssue({ code: 'custom', message: 'only allowed with pattern', path: [key] });
      }
    } else if (value.prerelease !== undefined && value.semver === undefined) {
      ctx.addIssue({ code: 'custom', message: 'only allowed with semver', path: ['prerelease'] });
    }
    if (value.pattern !== undefined && value.by !== undefined && regexProblem(value.pattern) === undefined) {
      const groups = namedGroups(value.pattern);
      if (!groups.includes(value.by)) {
        const known =
          groups.length > 0 ? `named groups: ${groups.join(', ')}` : 'pattern has no named groups';
        ctx.addIssue({
          code: 'custom',
          message: `${JSON.stringify(value.by)} is not a named group of pattern (${known})`,
          path: ['by'],
        });
      }
    }
  })
  .transform(
    (value): TagPolicy => ({
      ordering:
        value.order === 'push-time'
          ? { kind: 'push-time', ...(value.pattern !== undefined && { pattern: value.pattern }) }
          : value.pattern !== undefined
            ? {
                kind: 'pattern',
                pattern: value.pattern,
                order: value.order === 'lexical' ? 'lexical' : 'numeric',
                ...(value.by !== undefined && { by: value.by }),
              }
            : { kind: 'semver', range: value.semver ?? '*', prerelease: value.prerelease ?? false },
      include: value.include,
      exclude: value.exclude,
    }),
  )
  .meta({
    title: 'Tag policy',
    description:
      'Which pushed tags are candidates and which one wins: a semver range, or a pattern with an order.',
    allOf: [
      { not: { required: ['semver', 'pattern'] } },
      { not: { required: ['prerelease', 'pattern'] } },
      { not: { required: ['semver', 'order'] } },
      { dependentRequired: { by: ['pattern'] } },
    ],
  })
  .prefault({ semver: '*' });
