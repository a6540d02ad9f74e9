/** File globs of a discover target: which repository paths they match and which folders to list. */
import { globMatch } from '../../branch-globs.ts';

/** Whether `path` matches any of `globs` (`*` within a segment, `**` across segments). */
export function matchesAny(globs: readonly string[], path: string): boolean {
  return globs.some((glob) => globMatch(glob, path));
}

/** The folder every path `glob` matches lies under: its segments before the first wildcard. */
export function globFolder(glob: string): string {
  const star = glob.indexOf('*');
  const literal = star < 0 ? glob : glob.slice(0, star);
  const slash = literal.lastIndexOf('/');
  return slash < 0 ? '' : literal.slice(0, slash);
}

/** The fewest folders whose listings hold every path the globs match (no folder inside another). */
export function foldersToList(globs: readonly string[]): string[] {
  const folders = [...new Set(globs.map(globFolder))].sort();
  return folders.filter(
    (folder, i) => !folders.slice(0, i).some((outer) => outer === '' || folder.startsWith(`${outer}/`)),
  );
}

/** Why `glob` is no usable file glob, or undefined. */
export function fileGlobProblem(glob: string): string | undefined {
  if (glob === '' || glob.startsWith('/'))
    return `must be a relative path glob (got ${JSON.stringify(glob)})`;
  if (/\*{3,}/.test(glob)) return `${JSON.stringify(glob)} has three or more * in a row; use * or **`;
  if (glob.split('/').some((segment) => segment === '..' || segment === '.' || segment === '')) {
    return `${JSON.stringify(glob)} has an empty, . or .. segment`;
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\\\x00-\x1f]/.test(glob)) return `${JSON.stringify(glob)} has a backslash or control character`;
  return undefined;
}
