/**
 * Pure rules of mirror adoption and drift: the trailer that marks a commit replayed from
 * CodeCommit onto GitLab, the first-parent chain drift is dated from, and time arithmetic.
 */

export const ADOPTED_TRAILER = 'Flowkeeper-Adopted-From';

/** `codecommit:<repository>@<commit>`: what an adopted commit's trailer names. */
export function adoptedOrigin(repository: string, commitId: string): string {
  return `codecommit:${repository}@${commitId}`;
}

/** The message of the replayed commit: the original one, plus a trailer naming where it came from. */
export function adoptedMessage(message: string, origin: string): string {
  const body = message.replace(/\s+$/, '');
  // A trailer block is separated from the body by a blank line, unless the body already ends in one.
  const lines = body.split('\n');
  const last = lines.at(-1) ?? '';
  const endsInTrailers = lines.length > 1 && /^[A-Za-z][\w-]*: /.test(last) && lines.includes('');
  return `${body}${endsInTrailers ? '\n' : '\n\n'}${ADOPTED_TRAILER}: ${origin}\n`;
}

/** The origins named by the adoption trailers of a message. */
export function adoptedOrigins(message: string): string[] {
  const prefix = `${ADOPTED_TRAILER}: `;
  return message
    .split('\n')
    .filter((line) => line.startsWith(prefix))
    .map((line) => line.slice(prefix.length).trim());
}

/** Whole seconds between two ISO-8601 instants, never negative. */
export function secondsBetween(fromIso: string, toMs: number): number {
  const from = Date.parse(fromIso);
  return Number.isNaN(from) ? 0 : Math.max(0, Math.round((toMs - from) / 1000));
}

/**
 * The commits a branch itself moved through, oldest first: from `head` back along first parents to
 * (not including) `base`, within `commits`. Commits merged in from other branches keep the dates
 * they were made on those branches, so they would make drift look older than it is.
 */
export function firstParentChain<Commit extends { id: string; parentIds: readonly string[] }>(
  commits: readonly Commit[],
  head: string | undefined,
  base: string | undefined,
): Commit[] {
  const byId = new Map(commits.map((commit) => [commit.id, commit]));
  const chain: Commit[] = [];
  for (let cursor = head; cursor !== undefined && cursor !== base; ) {
    const commit = byId.get(cursor);
    if (commit === undefined) break;
    chain.unshift(commit);
    cursor = commit.parentIds[0];
  }
  return chain;
}
