/**
 * Pure rules of mirror adoption and drift: the trailer that marks a commit replayed from
 * CodeCommit onto GitLab, the alert lines of such commits, the first-parent chain drift is dated
 * from, and time arithmetic.
 */
import type { MirrorPair } from './mirror-pairs.ts';
import { plainLine } from './untrusted-text.ts';

export const ADOPTED_TRAILER = 'Flowkeeper-Adopted-From';

/** `codecommit:<repository>@<commit>`: what an adopted commit's trailer names, on one line. */
export function adoptedOrigin(repository: string, commitId: string): string {
  return plainLine(`codecommit:${repository}@${commitId}`);
}

/**
 * The message of the replayed commit: the original one (the author's own words, kept as they are),
 * plus a trailer naming where it came from, always the last line.
 */
export function adoptedMessage(message: string, origin: string): string {
  const body = message.replace(/\s+$/, '');
  // A trailer block is separated from the body by a blank line, unless the body already ends in one.
  const lines = body.split('\n');
  const last = lines.at(-1) ?? '';
  const endsInTrailers = lines.length > 1 && /^[A-Za-z][\w-]*: /.test(last) && lines.includes('');
  return `${body}${endsInTrailers ? '\n' : '\n\n'}${ADOPTED_TRAILER}: ${plainLine(origin)}\n`;
}

/**
 * The origin named by the adoption trailer of a message: its last line, where {@link adoptedMessage}
 * puts it. An adoption trailer anywhere else was written by whoever wrote the message, and a
 * commit it named as adopted would never be adopted (and the next mirror update would erase it).
 */
export function adoptedOrigins(message: string): string[] {
  const prefix = `${ADOPTED_TRAILER}: `;
  const last = message.replace(/\s+$/, '').split('\n').at(-1) ?? '';
  return last.startsWith(prefix) ? [last.slice(prefix.length).trim()] : [];
}

/** What the alert about commits only on CodeCommit says of one: who, when, what, which files. */
export interface ForeignCommit {
  id: string;
  author: { name: string; email: string };
  authoredAt: string;
  message: string;
}

/**
 * The alert lines of a commit only CodeCommit holds: id, author and date; the subject; each changed
 * path. Author, subject and paths are whatever the commit holds, so each is flattened onto its line.
 */
export function foreignCommitLines(
  commit: ForeignCommit,
  changes: readonly { path: string; deleted?: true }[],
): string[] {
  const { name, email } = commit.author;
  return [
    plainLine(`${commit.id.slice(0, 12)} ${name} <${email}> ${commit.authoredAt}`),
    `  ${plainLine(commit.message.split('\n')[0] ?? '')}`,
    ...changes.map((change) => `  ${change.deleted ? 'D' : 'M'} ${plainLine(change.path)}`),
  ];
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

/**
 * The alert about commits only CodeCommit holds: where, which commits with their changes, and what
 * happens next (adopted onto GitLab, merge by hand when GitLab moved too, or commit them to GitLab).
 */
export function foreignCommitsMessage(
  pair: MirrorPair,
  branch: string,
  comparison: { state: string; missing: readonly unknown[]; forkPoint?: string },
  described: readonly { commit: ForeignCommit; changes: readonly { path: string; deleted?: true }[] }[],
  canAdopt: boolean,
): string {
  const lines = [
    `CodeCommit repository ${pair.codecommitName}, branch ${plainLine(branch)}, holds commits that GitLab (${pair.settings.gitlab}) does not.`,
    'The next push mirror update overwrites them (or fails, with "keep divergent refs").',
    '',
  ];
  for (const { commit, changes } of described) lines.push(...foreignCommitLines(commit, changes));
  lines.push('');
  if (canAdopt) {
    lines.push(`Flowkeeper replays them onto GitLab with a ${ADOPTED_TRAILER} trailer (adopt: true).`);
  } else if (comparison.state === 'diverged') {
    lines.push(
      `GitLab has moved too (${comparison.missing.length} commit(s) since ${comparison.forkPoint?.slice(0, 12) ?? 'the fork'}): merge by hand; nothing was adopted.`,
    );
  } else {
    lines.push('Commit them to GitLab (or set adopt: true on the mirror) before the next mirror update.');
  }
  return lines.join('\n');
}
