/**
 * The problems the domain's `flowRulesProblems` finds in a raw `flow` section, as issues at their
 * paths under `flow.<repository>`. They are checked on the raw input, beside the schema, so that a
 * type error in one key does not hide what is wrong with the others.
 */
import * as z from 'zod';
import { allowRule } from '#config/flow-schema.ts';
import type { Issue } from '#config/issue-list.ts';
import { type FlowRules, flowRulesProblems } from '#domain/flow-rules.ts';
import { isRecord } from '#domain/is-record.ts';

const lenientAllowRule = z.object(allowRule.shape);

/**
 * The rules of a raw flow entry as far as they are well typed. A malformed list item stands in as
 * a neutral value (a malformed `promotion` as an empty one) and its path is returned, so that only
 * the schema speaks about it while every other item is still checked.
 */
function rulesOf(entry: Record<string, unknown>): { rules: FlowRules; unchecked: PropertyKey[][] } {
  const unchecked: PropertyKey[][] = [];
  const list = <T>(key: string, item: z.ZodType<T>, neutral: T): T[] | undefined => {
    const value = entry[key];
    if (value === undefined) return undefined;
    if (!Array.isArray(value)) {
      unchecked.push([key]);
      return undefined;
    }
    return value.map((element, i) => {
      const parsed = item.safeParse(element);
      if (parsed.success) return parsed.data;
      unchecked.push([key, i]);
      return neutral;
    });
  };
  let promotion = list('promotion', z.string(), '');
  // A stage is a node of the flow: a stand-in stage would change what the other rules mean.
  if (promotion === undefined || unchecked.some(([key]) => key === 'promotion')) {
    unchecked.push(['promotion']);
    promotion = [];
  }
  const protectedGlobs = list('protected', z.string(), '');
  return {
    rules: {
      promotion,
      allow: list('allow', lenientAllowRule, { from: '', to: [] }) ?? [],
      ...(protectedGlobs === undefined ? {} : { protected: protectedGlobs }),
      trustedPushers: list('trustedPushers', z.string(), '') ?? [],
      onViolation: 'comment',
      openPromotionPullRequest: false,
    },
    unchecked,
  };
}

const startsWith = (path: PropertyKey[], prefix: PropertyKey[]): boolean =>
  prefix.every((segment, i) => path[i] === segment);

const PROBLEM_LINE = /^(\w+)((?:\[\d+\]|\.\w+)*): ([\s\S]*)$/;

/** `allow[1].to[0]` as path segments: `['allow', 1, 'to', 0]`. */
function pathSegments(head: string, rest: string): PropertyKey[] {
  const segments: PropertyKey[] = [head];
  for (const [, index, key] of rest.matchAll(/\[(\d+)\]|\.(\w+)/g)) {
    segments.push(index === undefined ? (key ?? '') : Number(index));
  }
  return segments;
}

/**
 * The problems `flowRulesProblems` finds in each entry of a raw `flow` section, at their paths
 * under `flow.<repository>`. Keys the schema rejects are left to the schema's own messages.
 */
export function flowRuleIssues(input: unknown): Issue[] {
  if (!isRecord(input)) return [];
  return Object.entries(input).flatMap(([repository, entry]) => {
    if (!isRecord(entry)) return [];
    const { rules: flowRules, unchecked } = rulesOf(entry);
    return flowRulesProblems(flowRules).flatMap((line): Issue[] => {
      const match = PROBLEM_LINE.exec(line);
      if (!match) return [{ path: ['flow', repository], message: line }];
      const [, head = '', rest = '', message = ''] = match;
      const path = pathSegments(head, rest);
      if (unchecked.some((prefix) => startsWith(path, prefix))) return [];
      return [{ path: ['flow', repository, ...path], message }];
    });
  });
}
