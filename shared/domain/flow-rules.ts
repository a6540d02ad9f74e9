import { branchName, branchNameProblem, globMatch, globProblem } from './branch-globs.ts';
import type { Verdict } from './tag-policy.ts';

export { branchName, globMatch } from './branch-globs.ts';

/** How changes may move between the branches of one repository. */
export interface FlowRules {
  /** Environment branches in promotion order, e.g. `['main', 'pre-prod', 'prod']`. */
  promotion: string[];
  /** Extra pull-request routes: sources matching the `from` glob may target the `to` branches. */
  allow: AllowRule[];
  /** Globs of branches that take no direct pushes; when absent, every promotion branch. */
  protected?: string[];
  /** IAM ARNs that may push directly; a role ARN also covers its assumed-role sessions. */
  trustedPushers: string[];
  onViolation: 'comment' | 'close' | 'revoke-approval';
  openPromotionPullRequest: boolean;
}

export interface AllowRule {
  from: string;
  to: string | string[];
}

export type PullRequestVerdict =
  | { allowed: true; reason: string }
  | { allowed: false; reason: string; allowedSources: string[] };

export interface PushAttempt {
  branch: string;
  /** `callerUserArn` of the reference event; absent in some events, and then never trusted. */
  callerArn?: string | undefined;
  /** The push is the merge of a pull request that `checkPullRequest` allowed. */
  mergeOfAllowedPullRequest: boolean;
}

/**
 * Whether a pull request from `source` into `destination` (short names or `refs/heads/...`) follows
 * the flow: a promotion stage takes the stage before it and its allow rules; the first stage, and a
 * branch that is only an allow target, take their allow rules alone; any other branch is outside
 * the flow and not checked.
 */
export function checkPullRequest(rules: FlowRules, source: string, destination: string): PullRequestVerdict {
  const from = branchName(source);
  const to = branchName(destination);
  const flow = flowText(rules);
  const stage = rules.promotion.indexOf(to);
  const routes = allowRulesInto(rules, to);
  if (stage < 0 && routes.length === 0) {
    return {
      allowed: true,
      reason:
        `${to} is outside the branch flow: it is neither a promotion stage (${flow}) nor the target ` +
        'of an allow rule, so pull requests into it are not checked.',
    };
  }
  const previous = stage > 0 ? rules.promotion[stage - 1] : undefined;
  if (previous !== undefined && from === previous) {
    return { allowed: true, reason: `${from} → ${to} follows the promotion order ${flow}.` };
  }
  const route = routes.find(({ rule }) => globMatch(rule.from, from));
  if (route) {
    return {
      allowed: true,
      reason: `${from} → ${to} is allowed by allow[${route.index}] (${describeAllow(route.rule)}).`,
    };
  }
  const allowedSources = unique([
    ...(previous === undefined ? [] : [previous]),
    ...routes.map((r) => r.rule.from),
  ]);
  const refused = `Pull request from ${from} into ${to} refused: `;
  if (allowedSources.length === 0) {
    return {
      allowed: false,
      reason: `${refused}${to} is the first stage of ${flow} and no allow rule targets it, so it accepts no pull requests.`,
      allowedSources,
    };
  }
  const accepted = [
    ...(previous === undefined ? [] : [`${previous} (the stage before it in ${flow})`]),
    ...routes.map(({ rule, index }) => `branches matching ${rule.from} (allow[${index}])`),
  ];
  const first = stage === 0 ? ` (${to} is the first stage of ${flow})` : '';
  return {
    allowed: false,
    reason: `${refused}${to} accepts pull requests only from ${orList(accepted)}${first}.${orderNote(rules, from, stage)}`,
    allowedSources,
  };
}

/** The stage to promote to after a merge into `mergedInto`, or undefined at the last stage or off the flow. */
export function nextPromotion(rules: FlowRules, mergedInto: string): string | undefined {
  const stage = rules.promotion.indexOf(branchName(mergedInto));
  return stage < 0 ? undefined : rules.promotion[stage + 1];
}

/** The protection globs in force: the configured ones, or every promotion stage by default. */
export function protectedPatterns(rules: FlowRules): string[] {
  return rules.protected ?? rules.promotion;
}

/**
 * Whether a branch update is acceptable: pushes to unprotected branches, merges of allowed pull
 * requests and pushes by trusted pushers are; any other push to a protected branch is a violation.
 */
export function checkPush(rules: FlowRules, push: PushAttempt): Verdict {
  const branch = branchName(push.branch);
  const pattern = protectedPatterns(rules).find((p) => globMatch(p, branch));
  if (pattern === undefined || push.mergeOfAllowedPullRequest) return { ok: true };
  const caller = push.callerArn;
  if (caller !== undefined && rules.trustedPushers.some((trusted) => arnMatches(trusted, caller))) {
    return { ok: true };
  }
  const who = caller === undefined ? 'an unknown caller' : caller;
  const matched = pattern === branch ? '' : ` (protected: ${pattern})`;
  const sources = sourcesInto(rules, branch);
  const way =
    sources.length === 0
      ? 'only trusted pushers may update it'
      : `changes reach it through a pull request from ${orList(sources)}`;
  return {
    ok: false,
    reason: `Direct push to protected branch ${branch}${matched} by ${who}, who is not a trusted pusher; ${way}.`,
  };
}

const IAM_ROLE = /^arn:([\w-]+):iam::(\d{12}):role\/(?:[^/]+\/)*([^/]+)$/;
const ASSUMED_ROLE = /^arn:([\w-]+):sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/;
const IAM_OR_STS = /^arn:[\w-]+:(iam|sts)::\d{12}:\S+$/;

/**
 * Whether the caller ARN of an event is the trusted principal: the same ARN, or a session of the
 * trusted role (`arn:aws:iam::123:role/ops/Deployer` covers `arn:aws:sts::123:assumed-role/Deployer/x`;
 * session ARNs drop the role path, so the partition, account and role name are compared).
 */
export function arnMatches(trusted: string, caller: string): boolean {
  if (trusted === caller) return true;
  const role = IAM_ROLE.exec(trusted);
  const session = ASSUMED_ROLE.exec(caller);
  if (!role || !session) return false;
  return role[1] === session[1] && role[2] === session[2] && role[3] === session[3];
}

/** Everything wrong with a set of rules, as `path: message` lines; empty when the rules are usable. */
export function flowRulesProblems(rules: FlowRules): string[] {
  const problems: string[] = [];
  if (rules.promotion.length === 0)
    problems.push('promotion: the promotion order is empty; name at least one branch');
  rules.promotion.forEach((stage, i) => {
    const problem = branchNameProblem(stage);
    if (problem) problems.push(`promotion[${i}]: ${problem}`);
    const first = rules.promotion.indexOf(stage);
    if (first < i) problems.push(`promotion[${i}]: ${stage} is already stage promotion[${first}]`);
  });
  rules.allow.forEach((rule, i) => {
    const fromProblem = globProblem(rule.from);
    if (fromProblem) problems.push(`allow[${i}].from: ${fromProblem}`);
    const targets = typeof rule.to === 'string' ? [rule.to] : rule.to;
    if (targets.length === 0) problems.push(`allow[${i}].to: names no branch`);
    targets.forEach((target, j) => {
      const problem = branchNameProblem(target);
      const path = typeof rule.to === 'string' ? `allow[${i}].to` : `allow[${i}].to[${j}]`;
      if (problem) problems.push(`${path}: ${problem}`);
    });
  });
  problems.push(...cycleProblems(rules));
  (rules.protected ?? []).forEach((pattern, i) => {
    const problem = globProblem(pattern);
    if (problem) problems.push(`protected[${i}]: ${problem}`);
  });
  rules.trustedPushers.forEach((arn, i) => {
    if (!IAM_OR_STS.test(arn)) {
      problems.push(
        `trustedPushers[${i}]: '${arn}' is not an IAM user or role ARN (arn:aws:iam::<account>:...)`,
      );
    }
  });
  return problems;
}

/**
 * Allow rules that let a branch flow back into one it came from (prod → main with main → pre-prod
 * → prod, or two allow rules pointing at each other). Only named branches are nodes: a glob source
 * creates an edge from each promotion stage or allow target it matches.
 */
function cycleProblems(rules: FlowRules): string[] {
  const nodes = unique([...rules.promotion, ...rules.allow.flatMap(targetsOf)]);
  const edges = new Map<string, Set<string>>(nodes.map((n) => [n, new Set<string>()]));
  rules.promotion.forEach((stage, i) => {
    const next = rules.promotion[i + 1];
    if (next !== undefined) edges.get(stage)?.add(next);
  });
  for (const rule of rules.allow) {
    for (const node of nodes.filter((n) => globMatch(rule.from, n))) {
      for (const target of targetsOf(rule)) edges.get(node)?.add(target);
    }
  }
  const problems: string[] = [];
  rules.allow.forEach((rule, i) => {
    for (const target of targetsOf(rule)) {
      // A pull request never targets its own source, so a glob only closes a cycle through other branches.
      const loop = nodes
        .filter((n) => globMatch(rule.from, n) && (n !== target || n === rule.from))
        .map((n) => pathBetween(edges, target, n))
        .find((path) => path !== undefined);
      if (loop) {
        const [back] = loop.slice(-1);
        problems.push(
          `allow[${i}]: ${back} → ${target} closes a cycle (${[...loop, target].join(' → ')}); ` +
            'changes must only move forward',
        );
        break;
      }
    }
  });
  return problems;
}

/** The shortest path of branches from `start` to `end` (both included), or undefined when none. */
function pathBetween(edges: Map<string, Set<string>>, start: string, end: string): string[] | undefined {
  const parents = new Map<string, string | undefined>([[start, undefined]]);
  const queue = [start];
  for (let node = queue.shift(); node !== undefined; node = queue.shift()) {
    if (node === end) {
      const path: string[] = [];
      for (let at: string | undefined = node; at !== undefined; at = parents.get(at)) path.unshift(at);
      return path;
    }
    for (const next of edges.get(node) ?? []) {
      if (!parents.has(next)) {
        parents.set(next, node);
        queue.push(next);
      }
    }
  }
  return undefined;
}

function allowRulesInto(rules: FlowRules, branch: string): { rule: AllowRule; index: number }[] {
  return rules.allow.flatMap((rule, index) => (targetsOf(rule).includes(branch) ? [{ rule, index }] : []));
}

function sourcesInto(rules: FlowRules, branch: string): string[] {
  const stage = rules.promotion.indexOf(branch);
  const previous = stage > 0 ? [rules.promotion[stage - 1]!] : [];
  return unique([...previous, ...allowRulesInto(rules, branch).map(({ rule }) => rule.from)]);
}

/** A note when the refused source is itself a stage: skipping ahead or flowing back. */
function orderNote(rules: FlowRules, from: string, stage: number): string {
  const at = rules.promotion.indexOf(from);
  if (at < 0 || stage < 0) return '';
  if (at < stage) {
    const skipped = rules.promotion.slice(at + 1, stage);
    return ` Merging ${from} straight into ${rules.promotion[stage]} would skip ${skipped.join(', ')}.`;
  }
  return ` Changes move forward through ${flowText(rules)}, never back from ${from}.`;
}

function targetsOf(rule: AllowRule): string[] {
  return typeof rule.to === 'string' ? [rule.to] : rule.to;
}

function describeAllow(rule: AllowRule): string {
  return `${rule.from} → ${targetsOf(rule).join(', ')}`;
}

function flowText(rules: FlowRules): string {
  return rules.promotion.join(' → ');
}

function orList(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}
