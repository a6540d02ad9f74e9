/** The short branch name of `refs/heads/<name>` (events carry full refs); other names unchanged. */
export function branchName(ref: string): string {
  return ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : ref;
}

/**
 * Whether `branch` matches `pattern`: `*` matches within one path segment, `**` across segments
 * (`release/**` covers `release/1/x`); a `**` segment followed by `/` may also match no segment at
 * all, so `team/**` + `/hotfix` covers `team/hotfix`. Every other character is literal.
 */
export function globMatch(pattern: string, branch: string): boolean {
  return globRegExp(pattern).test(branch);
}

/** Why `pattern` cannot match a branch name, or undefined when it is a usable glob. */
export function globProblem(pattern: string): string | undefined {
  if (/\*{3,}/.test(pattern)) return `'${pattern}' has three or more * in a row; use * or **`;
  return sentence(pattern, 'pattern', refNameRule(pattern, 'pattern'));
}

/** Why `name` is not a plain branch name (a pattern, a full ref, a name git refuses), as a sentence about it. */
export function branchNameProblem(name: string): string | undefined {
  return sentence(name, 'branch name', refNameRule(name, 'branch name'));
}

/**
 * The same problem as `branchNameProblem` without the name in front, to follow a label such as
 * `invalid branch name "x": `.
 */
export function branchNameReason(name: string): string | undefined {
  return refNameRule(name, 'branch name')?.reason;
}

const cache = new Map<string, RegExp>();

function globRegExp(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (re) return re;
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char !== '*') {
      source += char.replace(/[.+?^${}()|[\]\\/]/g, '\\$&');
    } else if (pattern[i + 1] !== '*') {
      source += '[^/]*';
    } else {
      const wholeSegmentStart = i === 0 || pattern[i - 1] === '/';
      i++;
      if (wholeSegmentStart && pattern[i + 1] === '/') {
        // `**/` is zero or more whole segments, so `a/**/b` also matches `a/b`.
        source += '(?:.*/)?';
        i++;
      } else {
        source += '.*';
      }
    }
  }
  re = new RegExp(`^${source}$`);
  cache.set(pattern, re);
  return re;
}

interface RuleBroken {
  reason: string;
  /** The reason is a clause of its own (`no path component may …`) rather than a predicate of the name. */
  clause?: true;
}

function sentence(text: string, what: string, rule: RuleBroken | undefined): string | undefined {
  if (rule === undefined) return undefined;
  if (text.trim() === '') return `the ${what} ${rule.reason}`;
  return rule.clause ? `'${text}': ${rule.reason}` : `'${text}' ${rule.reason}`;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what git refuses
const REFUSED_CHARACTER = /[\s\x00-\x1f\x7f~^:?[\\]/;

/** A refused character as a JSON string, with DEL and non-ASCII spaces escaped so that they show. */
const shown = (char: string): string =>
  JSON.stringify(char).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/**
 * The rules of `git check-ref-format --branch` that a branch name or pattern in a configuration can
 * break, plus a full ref, which git would take but is never meant here. A pattern may hold `*`;
 * every other rule applies to both.
 */
function refNameRule(text: string, what: 'branch name' | 'pattern'): RuleBroken | undefined {
  if (text.trim() === '') return { reason: 'must not be empty' };
  if (what === 'branch name' && text.includes('*')) return { reason: 'is a pattern; name one branch here' };
  if (text.startsWith('refs/')) {
    return { reason: `is a full ref; write the short ${what} (main, not refs/heads/main)` };
  }
  if (text === 'HEAD' || text === '@') return { reason: 'is a name git reserves' };
  if (text.startsWith('-')) return { reason: 'must not start with "-"' };
  const refused = REFUSED_CHARACTER.exec(text);
  if (refused) return { reason: `contains ${shown(refused[0])}, which git does not allow in branch names` };
  if (text.includes('..')) return { reason: 'must not contain ".."' };
  if (text.includes('@{')) return { reason: 'must not contain "@{"' };
  if (text.startsWith('/') || text.endsWith('/') || text.includes('//')) {
    return { reason: 'has an empty path segment (leading, trailing or double /)' };
  }
  for (const segment of text.split('/')) {
    if (segment.startsWith('.')) return { reason: 'no path component may start with "."', clause: true };
    if (segment.endsWith('.lock')) return { reason: 'no path component may end with ".lock"', clause: true };
  }
  if (text.endsWith('.')) return { reason: 'ends with ., which git does not allow' };
  return undefined;
}
