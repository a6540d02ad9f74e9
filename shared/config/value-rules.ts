/**
 * Rules for single values of the configuration: paths inside a repository, branch names, ECR
 * repository and image names, regular expressions. Each says whether, or why not, a value is valid.
 */

import { branchNameReason } from '#domain/branch-globs.ts';
import { tagPatternProblem } from '#domain/tag-policy.ts';

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

/**
 * Why `name` is not a valid branch name, as a configuration message: `invalid branch name "x": …`.
 * The rules (git check-ref-format, plus no pattern or full ref) are the domain's.
 */
export function branchNameProblem(name: string): string | undefined {
  const reason = branchNameReason(name);
  return reason === undefined ? undefined : `invalid branch name ${JSON.stringify(name)}: ${reason}`;
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

const PARAMETER_NAME = /^(?:\/[a-zA-Z0-9_.-]+(?:\/[a-zA-Z0-9_.-]+){0,14}|[a-zA-Z0-9_.-]+)$/;

/** Why `name` is not the name of an SSM parameter Flowkeeper may write or read, or undefined. */
export function ssmParameterNameProblem(name: string): string | undefined {
  if (name.length > 1011) return 'must be at most 1011 characters';
  if (!PARAMETER_NAME.test(name)) {
    return 'must be an SSM parameter name: letters, digits, "_", ".", "-", hierarchy levels separated by "/" with a leading "/" (at most 15 levels)';
  }
  if (/^\/?(aws|ssm)/i.test(name)) return 'must not start with "aws" or "ssm" (reserved by AWS)';
  return undefined;
}

/**
 * Why `source` is not a usable tag pattern: it must compile as a JavaScript regular expression and
 * run on the linear-time engine tag patterns use (no lookaround, no backreferences), so that no
 * pushed tag or manifest value can make a match take exponential time.
 */
export function regexProblem(source: string): string | undefined {
  return tagPatternProblem(source);
}

/** Named capture groups of a valid regular expression. */
export function namedGroups(source: string): string[] {
  // The empty alternative always matches, and `groups` lists every named group of the pattern.
  const groups = new RegExp(`${source}|`).exec('')?.groups;
  return groups ? Object.keys(groups) : [];
}
