/** Whether an image name a manifest holds is the pushed repository: by registry host and path. */

/** The repository discovery looks for: its URI, and the bare names a target also counts as it. */
export interface RepositoryMatch {
  /** `<registry host>/<path>`, e.g. `111122223333.dkr.ecr.eu-west-1.amazonaws.com/team/my-app`. */
  uri: string;
  /** Names written without a registry host (`my-app`) that mean this repository. */
  names: readonly string[];
}

/** A first path segment that names a registry: it has a dot or a port, or is `localhost`. */
export function registryHost(name: string): string | undefined {
  const slash = name.indexOf('/');
  if (slash < 0) return undefined;
  const first = name.slice(0, slash);
  return first.includes('.') || first.includes(':') || first === 'localhost' ? first : undefined;
}

/** `undefined` when `name` is the repository, otherwise why it is not (for the skip list). */
export function mismatch(name: string, match: RepositoryMatch): string | undefined {
  if (match.names.includes(name)) return undefined;
  const host = registryHost(name);
  const uriHost = registryHost(match.uri) ?? '';
  const uriPath = match.uri.slice(uriHost.length + (uriHost ? 1 : 0));
  if (host === undefined) {
    if (name === uriPath) {
      return `written without a registry host; it matches only when the target lists ${JSON.stringify(name)} under names`;
    }
    return `another repository (${name})`;
  }
  const path = name.slice(host.length + 1);
  if (host.toLowerCase() === uriHost.toLowerCase() && path === uriPath) return undefined;
  if (path === uriPath) return `the same repository name in another registry or account (${host})`;
  return `another repository (${name})`;
}

/** Whether a string could be an image reference at all: no spaces, a name and a tag or digest. */
export function looksLikeImage(value: string, hasTagOrDigest: boolean, name: string): boolean {
  return hasTagOrDigest && name !== '' && !/\s/.test(value) && registryHost(name) !== undefined;
}
