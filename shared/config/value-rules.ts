/**
 * Rules for single values of the configuration: paths inside a repository, branch names, ECR
 * repository and image names, regular expressions. Each says whether, or why not, a value is valid.
 */

const hasControlCharacter = (value: string): boolean => [...value].some((c) => c < ' ' || c === '\x7f');

/** A path inside a git repository as git stores it: relative, `/`-separated, no `.`/`..`/`.git`. */
export function isRepositoryPath(file: string): boolean {
  if (file === '' || file.includes('\\') || hasControlCharacter(file)) return false;
  if (file.startsWith('/') || /^[A-Za-z]:/.test(file)) return false;
  return file
    .split('/')
    .every(
      (segment) => segment !== '' && segment !== '.' && segment !== '..' && segment.toLowerCase() !== '.git',
    );
}

/** Why `name` is not a valid branch name (git check-ref-format rules for refs/heads/<name>), or undefined. */
export function branchNameProblem(name: string): string | undefined {
  if (name === '') return 'must not be empty';
  if (name === '@') return 'must not be "@"';
  if (name === 'HEAD') return 'must not be "HEAD"';
  if (name.startsWith('-')) return 'must not start with "-"';
  if (name.startsWith('/') || name.endsWith('/')) return 'must not start or end with "/"';
  if (name.includes('//')) return 'must not contain "//"';
  if (name.endsWith('.')) return 'must not end with "."';
  if (name.includes('..')) return 'must not contain ".."';
  if (name.includes('@{')) return 'must not contain "@{"';
  if (hasControlCharacter(name) || name.includes(' ')) return 'must not contain spaces or control characters';
  const forbidden = [...'~^:?*[\\'].find((c) => name.includes(c));
  if (forbidden) return `must not contain "${forbidden}"`;
  for (const component of name.split('/')) {
    if (component.startsWith('.')) return 'no path component may start with "."';
    if (component.endsWith('.lock')) return 'no path component may end with ".lock"';
  }
  return undefined;
}

export const ECR_NAME_PATTERN = '^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$';
const ECR_NAME = new RegExp(ECR_NAME_PATTERN);
export const isEcrRepositoryName = (name: string): boolean =>
  name.length >= 2 && name.length <= 256 && ECR_NAME.test(name);

// Image name grammar of the distribution reference: [host[:port]/]component(/component)*.
const HOST_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const HOST = `(?:${HOST_COMPONENT}(?:\\.${HOST_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const IMAGE_NAME = new RegExp(`^(?:${HOST}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);

/** Why `uri` is not an image name without tag or digest, or undefined. */
export function imageNameProblem(uri: string): string | undefined {
  const lastSlash = uri.lastIndexOf('/');
  if (uri.includes('@') || uri.lastIndexOf(':') > lastSlash) {
    return `must be an image name without tag or digest (got ${JSON.stringify(uri)})`;
  }
  if (uri.length > 255 || !IMAGE_NAME.test(uri)) {
    return `must be an image name such as 111122223333.dkr.ecr.eu-west-1.amazonaws.com/my-app (got ${JSON.stringify(uri)})`;
  }
  return undefined;
}

/** The JS error message when `source` is not a valid regular expression. */
export function regexProblem(source: string): string | undefined {
  try {
    new RegExp(source);
    return undefined;
  } catch (error) {
    return `does not compile: ${(error as Error).message}`;
  }
}

/** Named capture groups of a valid regular expression. */
export function namedGroups(source: string): string[] {
  // The empty alternative always matches, and `groups` lists every named group of the pattern.
  const groups = new RegExp(`${source}|`).exec('')?.groups;
  return groups ? Object.keys(groups) : [];
}
