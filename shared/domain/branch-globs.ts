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
  return refNameProblem(pattern, true);
}

/** Why `name` is not a plain branch name (a pattern, a full ref, a name git refuses). */
export function branchNameProblem(name: string): string | undefined {
  if (name.includes('*')) return `'${name}' is a pattern; name one branch here`;
  return refNameProblem(name, false);
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

/** The rules of `git check-ref-format` that a branch name or pattern in a configuration can break. */
function refNameProblem(text: string, pattern: boolean): string | undefined {
  const what = pattern ? 'pattern' : 'branch name';
  if (text.trim() === '') return `the ${what} is empty`;
  if (text.startsWith('refs/')) {
    return `'${text}' is a full ref; write the short ${what} (main, not refs/heads/main)`;
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what git refuses
  const bad = /[\s\x00-\x1f\x7f~^:?[\\]/.exec(text);
  if (bad) return `'${text}' contains ${JSON.stringify(bad[0])}, which git does not allow in branch names`;
  if (text.includes('..') || text.includes('@{') || text === '@') {
    return `'${text}' contains a sequence git does not allow in branch names (.., @{ or a lone @)`;
  }
  if (text.startsWith('/') || text.endsWith('/') || text.includes('//')) {
    return `'${text}' has an empty path segment (leading, trailing or double /)`;
  }
  if (text.split('/').some((segment) => segment.startsWith('.') || segment.endsWith('.lock'))) {
    return `'${text}' has a segment starting with . or ending with .lock, which git does not allow`;
  }
  if (text.endsWith('.')) return `'${text}' ends with ., which git does not allow`;
  return undefined;
}
