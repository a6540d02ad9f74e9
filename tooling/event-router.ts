import { matchesPattern } from './event-pattern.ts';
import { isObject, type SamFunction } from './sam-template.ts';

/**
 * The functions whose rules in the template would deliver `event`: what `flowkeeper invoke
 * --event <file>` runs when no function is named. An EventBridge event matches a function's rules,
 * whether the rule invokes the function or feeds its queue (a replayed single event reaches the
 * function directly); an SQS batch is routed by the event in its first message, against the rules
 * that feed a queue.
 */
export function routeEvent(functions: SamFunction[], event: unknown): SamFunction[] {
  const queued = firstQueuedEvent(event);
  const matched = functions.filter((fn) =>
    queued === undefined
      ? fn.rules.some((rule) => matchesPattern(rule.pattern, event))
      : fn.rules.some((rule) => isQueued(rule.name) && matchesPattern(rule.pattern, queued)),
  );
  if (matched.length < 2) return matched;
  // Scheduled events all look alike; each names its rule, which SAM calls
  // `<stack>-<FunctionLogicalId><EventKey>-<suffix>`.
  const ruleNames = resourceRuleNames(event);
  const named = matched.filter((fn) =>
    fn.rules.some((rule) => ruleNames.some((name) => name.includes(`-${fn.logicalId}${rule.name}-`))),
  );
  return named.length > 0 ? named : matched;
}

function resourceRuleNames(event: unknown): string[] {
  if (!isObject(event) || !Array.isArray(event.resources)) return [];
  return event.resources.flatMap((arn) =>
    typeof arn === 'string' && /^arn:[^:]+:events:[^:]*:\d*:rule\//.test(arn)
      ? [arn.slice(arn.indexOf(':rule/') + 6)]
      : [],
  );
}

/** sam-template.ts names a rule that reaches its function through a queue `<rule> → <queue>`. */
const isQueued = (ruleName: string): boolean => ruleName.includes(' → ');

function firstQueuedEvent(event: unknown): unknown {
  if (!isObject(event) || !Array.isArray(event.Records)) return undefined;
  const [record] = event.Records as unknown[];
  if (!isObject(record) || record.eventSource !== 'aws:sqs' || typeof record.body !== 'string')
    return undefined;
  try {
    return JSON.parse(record.body) as unknown;
  } catch {
    return undefined;
  }
}
