/**
 * Rules of the `mirrors` section that look at the rest of the document: each side names a defined
 * repository of the right provider, a pair is listed once, a CodeCommit repository mirrors one GitLab
 * project, and a remote mirror id pushes to one CodeCommit repository. Repositories are compared by
 * what they point at (instance and project; name and region), so two names for one repository count
 * as one. They run on the raw input, next to the schema.
 */
import { unknownRepository } from '#config/cross-document-rules.ts';
import { formatPath, type Issue, isRecord } from '#config/issue-list.ts';

type Side = 'gitlab' | 'codecommit';

const PROVIDER_LABELS: Record<string, string> = {
  gitlab: 'GitLab',
  codecommit: 'CodeCommit',
  local: 'local',
};

/** What a repository points at, so that two names for the same one compare equal. */
function identity(side: Side, repository: Record<string, unknown>): string {
  if (side === 'codecommit') return JSON.stringify([repository.name, repository.region ?? null]);
  // GitLab resolves hosts and project paths without regard to case.
  const url = typeof repository.url === 'string' ? repository.url.replace(/\/+$/, '').toLowerCase() : null;
  const project =
    typeof repository.project === 'string' ? repository.project.toLowerCase() : repository.project;
  return JSON.stringify([url, project ?? null]);
}

interface Seen {
  index: number;
  /** The repository name the entry gives as its primary. */
  gitlabName: unknown;
  codecommit: string;
}

export function mirrorIssues(input: Record<string, unknown>): Issue[] {
  const { mirrors, repositories } = input;
  if (!Array.isArray(mirrors) || !isRecord(repositories)) return [];
  const names = Object.keys(repositories);
  const issues: Issue[] = [];

  /** The identity of the repository a mirror's side names, or undefined (with an issue) when it cannot be one. */
  const resolve = (entry: Record<string, unknown>, side: Side, index: number): string | undefined => {
    const name = entry[side];
    if (typeof name !== 'string') return undefined;
    const path = ['mirrors', index, side];
    if (!Object.hasOwn(repositories, name)) {
      issues.push({ path, message: unknownRepository(name, names) });
      return undefined;
    }
    const repository = repositories[name];
    if (!isRecord(repository)) return undefined;
    if (repository.provider !== side) {
      const label =
        typeof repository.provider === 'string' ? PROVIDER_LABELS[repository.provider] : undefined;
      // A provider the schema does not know is reported there.
      if (label !== undefined) {
        issues.push({
          path,
          message: `must name a ${PROVIDER_LABELS[side]} repository; ${JSON.stringify(name)} is a ${label} repository`,
        });
      }
      return undefined;
    }
    return identity(side, repository);
  };

  const pairs = new Map<string, number>();
  const mirrorOf = new Map<string, Seen>();
  const mirrorIds = new Map<string, Seen>();
  mirrors.forEach((entry: unknown, index) => {
    if (!isRecord(entry)) return;
    const gitlab = resolve(entry, 'gitlab', index);
    const codecommit = resolve(entry, 'codecommit', index);
    if (gitlab === undefined || codecommit === undefined) return;
    const here: Seen = { index, gitlabName: entry.gitlab, codecommit };
    const at = (seen: Seen): string => formatPath(['mirrors', seen.index]);

    const pair = JSON.stringify([gitlab, codecommit]);
    const samePair = pairs.get(pair);
    if (samePair !== undefined) {
      issues.push({
        path: ['mirrors', index],
        message: `duplicates ${formatPath(['mirrors', samePair])} (same GitLab project and CodeCommit repository)`,
      });
      return;
    }
    pairs.set(pair, index);

    const first = mirrorOf.get(codecommit);
    if (first === undefined) mirrorOf.set(codecommit, here);
    else {
      issues.push({
        path: ['mirrors', index, 'codecommit'],
        message:
          `this CodeCommit repository is already the mirror of ${JSON.stringify(first.gitlabName)} at ` +
          `${at(first)}; a CodeCommit repository mirrors one GitLab project only`,
      });
    }

    if (typeof entry.mirrorId !== 'number') return;
    const mirrorId = JSON.stringify([gitlab, entry.mirrorId]);
    const sameId = mirrorIds.get(mirrorId);
    if (sameId === undefined) mirrorIds.set(mirrorId, here);
    else if (sameId.codecommit !== codecommit) {
      issues.push({
        path: ['mirrors', index, 'mirrorId'],
        message:
          `remote mirror ${entry.mirrorId} of this GitLab project is already used by ${at(sameId)}, ` +
          'which pushes to another CodeCommit repository',
      });
    }
  });
  return issues;
}
