import { RE2JS } from 're2js';
import semver from 'semver';

/** Which tags an image rule accepts, and how two accepted tags are ordered. */
export interface TagPolicy {
  ordering: TagOrdering;
  /** Regular expressions; when non-empty a tag must match at least one. */
  include: string[];
  /** Regular expressions; a tag matching any is never selected. */
  exclude: string[];
}

export type TagOrdering =
  | { kind: 'semver'; range: string; prerelease: boolean }
  /** `by` names a capture group of `pattern`; without it the whole match is compared. */
  | { kind: 'pattern'; pattern: string; order: 'numeric' | 'lexical'; by?: string }
  /** Newest ECR push wins; `pattern`, when given, only selects tags. */
  | { kind: 'push-time'; pattern?: string };

/** ECR push time (epoch ms) of the tags a `push-time` ordering compares. */
export type PushTimes = ReadonlyMap<string, number>;

export type Verdict = { ok: true } | { ok: false; reason: string };

/**
 * Tag patterns (`pattern`, `include`, `exclude`) run on RE2JS, a linear-time engine: a pattern
 * that a backtracking engine would take hours on (`^v?(\d+\.?)+$` against `1111…1x`) takes
 * microseconds. A pattern must be a JavaScript regular expression that RE2 can also run: no
 * lookaround and no backreferences (`tagPatternProblem` says why one is refused).
 */
const compiled = new Map<string, RE2JS>();
const COMPILED_LIMIT = 256;

function tagPattern(source: string): RE2JS {
  let pattern = compiled.get(source);
  if (pattern === undefined) {
    pattern = RE2JS.compile(RE2JS.translateRegExp(source));
    if (compiled.size >= COMPILED_LIMIT) compiled.clear();
    compiled.set(source, pattern);
  }
  return pattern;
}

/** Whether `source` matches somewhere in `tag` (as `RegExp.prototype.test` would), in linear time. */
export function patternMatches(source: string, tag: string): boolean {
  return tagPattern(source).matcher(tag).find();
}

/** The first match of `source` in `tag` and its named groups, or undefined, in linear time. */
export function patternCaptures(
  source: string,
  tag: string,
): { match: string; groups: Record<string, string | undefined> } | undefined {
  const pattern = tagPattern(source);
  const matcher = pattern.matcher(tag);
  if (!matcher.find()) return undefined;
  const groups: Record<string, string | undefined> = {};
  for (const name of Object.keys(pattern.namedGroups())) groups[name] = matcher.group(name) ?? undefined;
  return { match: matcher.group(0) ?? '', groups };
}

/**
 * Why `source` cannot be a tag pattern, or undefined: it must compile as a JavaScript regular
 * expression (no flags) and run on the linear-time engine, which has no lookaround and no
 * backreferences.
 */
export function tagPatternProblem(source: string): string | undefined {
  try {
    new RegExp(source);
  } catch (error) {
    return `does not compile: ${(error as Error).message}`;
  }
  try {
    tagPattern(source);
    return undefined;
  } catch (error) {
    const detail = (error as Error).message.replace(/^error parsing regexp: /, '');
    return (
      `cannot run in linear time (${detail}): tag patterns run on a linear-time engine (RE2), which has no ` +
      'lookahead, lookbehind or backreferences, so that no tag can make a match take exponential time; ' +
      'express the condition with include/exclude instead'
    );
  }
}

/** The best of `tags` under the policy (selected ones only), or undefined when none is selected. */
export function newestTag(
  policy: TagPolicy,
  tags: Iterable<string>,
  pushTimes?: PushTimes,
): string | undefined {
  let best: string | undefined;
  for (const tag of tags) {
    if (!selectTag(policy, tag).ok) continue;
    if (best === undefined || (compareTags(policy.ordering, tag, best, pushTimes) ?? 0) > 0) best = tag;
  }
  return best;
}

/** Whether the policy accepts `tag` at all (range, pattern, include/exclude). */
export function selectTag(policy: TagPolicy, tag: string): Verdict {
  const excluded = policy.exclude.find((re) => patternMatches(re, tag));
  if (excluded !== undefined) return reject(`tag ${tag} matches exclude pattern /${excluded}/`);
  if (policy.include.length > 0 && !policy.include.some((re) => patternMatches(re, tag))) {
    return reject(
      `tag ${tag} matches no include pattern (${policy.include.map((r) => `/${r}/`).join(', ')})`,
    );
  }
  const { ordering } = policy;
  if (ordering.kind === 'semver') {
    const version = semver.parse(tag);
    if (!version) return reject(`tag ${tag} is not a semantic version`);
    if (version.prerelease.length > 0 && !ordering.prerelease) {
      return reject(`tag ${tag} is a prerelease (set tags.prerelease: true to accept prereleases)`);
    }
    if (!semver.satisfies(version, ordering.range, { includePrerelease: ordering.prerelease })) {
      return reject(`tag ${tag} is outside the range ${ordering.range}`);
    }
    return { ok: true };
  }
  if (ordering.kind === 'push-time') {
    if (ordering.pattern !== undefined && !patternMatches(ordering.pattern, tag)) {
      return reject(`tag ${tag} does not match the pattern /${ordering.pattern}/`);
    }
    return { ok: true };
  }
  const key = orderingKey(ordering, tag);
  if (key === undefined) return reject(`tag ${tag} does not match the pattern /${ordering.pattern}/`);
  if (ordering.order === 'numeric' && !isNumeric(key)) {
    return reject(`tag ${tag}: captured ${ordering.by ?? 'value'} "${key}" is not a number`);
  }
  return { ok: true };
}

/**
 * Tags a manifest holds before any image was deployed there: no rank, and replaced by any selected
 * tag. An empty value counts too (`current` undefined).
 */
const PLACEHOLDER_TAGS = new Set(['latest']);

/**
 * Whether `candidate` (already selected) should replace `current`. Order comes from the policy,
 * never from arrival: equal or lower ranks are refused. An empty value or `latest` is replaced. A
 * current tag the policy cannot rank is replaced only when it is this image's: the policy selects
 * it but cannot order it (a `push-time` tag whose image ECR no longer lists), or the manifest names
 * this image's repository next to it (`sameImage`, a tag of a scheme the policy has left). Any
 * other unrankable tag (`1.4.2` under a `^dev-` pattern, next to another image's name or none) may
 * be another image's: it is kept, and the verdict says why.
 */
export function decideUpgrade(
  policy: TagPolicy,
  current: string | undefined,
  candidate: string,
  pushTimes?: PushTimes,
  options: { sameImage?: boolean } = {},
): Verdict {
  if (current === undefined || PLACEHOLDER_TAGS.has(current)) return { ok: true };
  if (current === candidate) return reject(`already at ${candidate}`);
  const order = compareTags(policy.ordering, candidate, current, pushTimes);
  if (order === undefined) {
    const selected = selectTag(policy, current);
    if (selected.ok || options.sameImage) return { ok: true };
    return reject(
      `the current ${current} is not a tag this image's policy ranks (${selected.reason}), so it may ` +
        `belong to another image and is not replaced by ${candidate}; if this value is this image's, ` +
        'set it once by hand (or empty it) or widen the tag policy',
    );
  }
  if (order === 0) return reject(`${candidate} ranks equal to the current ${current}`);
  if (order < 0) {
    const how = policy.ordering.kind === 'push-time' ? 'was pushed before' : 'is older than';
    return reject(`${candidate} ${how} the current ${current}`);
  }
  return { ok: true };
}

/** Sign of `a` − `b` under the ordering; undefined when either cannot be ranked. */
export function compareTags(
  ordering: TagOrdering,
  a: string,
  b: string,
  pushTimes?: PushTimes,
): number | undefined {
  if (ordering.kind === 'push-time') {
    const ta = pushTimes?.get(a);
    const tb = pushTimes?.get(b);
    return ta === undefined || tb === undefined ? undefined : Math.sign(ta - tb);
  }
  if (ordering.kind === 'semver') {
    const va = semver.parse(a);
    const vb = semver.parse(b);
    return va && vb ? semver.compare(va, vb) : undefined;
  }
  const ka = orderingKey(ordering, a);
  const kb = orderingKey(ordering, b);
  if (ka === undefined || kb === undefined) return undefined;
  if (ordering.order === 'lexical') return ka < kb ? -1 : ka > kb ? 1 : 0;
  if (!isNumeric(ka) || !isNumeric(kb)) return undefined;
  return compareNumbers(ka, kb);
}

function orderingKey(ordering: Extract<TagOrdering, { kind: 'pattern' }>, tag: string): string | undefined {
  const match = patternCaptures(ordering.pattern, tag);
  if (!match) return undefined;
  return ordering.by === undefined ? match.match : match.groups[ordering.by];
}

const DECIMAL = /^\d+(\.\d+)?$/;

function isNumeric(value: string): boolean {
  return DECIMAL.test(value);
}

/** Exact comparison of non-negative decimals of any length (14-digit timestamps exceed float precision). */
function compareNumbers(a: string, b: string): number {
  const [ia = '', fa = ''] = a.split('.');
  const [ib = '', fb = ''] = b.split('.');
  const intA = ia.replace(/^0+(?=\d)/, '');
  const intB = ib.replace(/^0+(?=\d)/, '');
  if (intA.length !== intB.length) return intA.length < intB.length ? -1 : 1;
  if (intA !== intB) return intA < intB ? -1 : 1;
  const width = Math.max(fa.length, fb.length);
  const fracA = fa.padEnd(width, '0');
  const fracB = fb.padEnd(width, '0');
  return fracA === fracB ? 0 : fracA < fracB ? -1 : 1;
}

function reject(reason: string): Verdict {
  return { ok: false, reason };
}
