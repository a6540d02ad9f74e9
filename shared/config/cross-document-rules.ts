/**
 * Rules that relate one part of the document to another: images, flow or mirrors present,
 * references to defined repositories, ECR repositories configured twice, targets that write the same
 * value (also through different kinds, or through two names of one repository), relative local
 * paths without a file to resolve them against. They run on the raw input,
 * next to the schema; the rules of mirrors are in `mirror-rules.ts`.
 */
import { isAbsolute, resolve } from 'node:path';
import { formatPath, type Issue, isRecord } from '#config/issue-list.ts';
import { issueMessage } from '#config/issue-messages.ts';
import { previewIssues } from '#config/preview-rules.ts';
import { targetBase } from '#config/target-fields.ts';
import { type ValueWrites, valueWrites, writesOverlap } from '#config/value-locations.ts';

/** The keys that, with repository, branch, file and kind, say which value a target writes. */
const SELECTORS: Record<string, string[]> = {
  kustomize: ['image'],
  helm: ['path'],
  kubernetes: ['container', 'resource'],
  yaml: ['path', 'document'],
  imagedefinitions: ['container'],
  imagedetail: [],
  taskdefinition: ['container'],
  ssm: [],
};

const sortedJson = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    isRecord(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );

/** The message for a reference to a repository the document does not define. */
export function unknownRepository(name: string, names: readonly string[]): string {
  const known = names.length > 0 ? `known: ${names.join(', ')}` : 'none is defined';
  return `unknown repository ${JSON.stringify(name)}; ${known}`;
}

export function crossReferenceIssues(
  input: Record<string, unknown>,
  baseDirectory: string | undefined,
): Issue[] {
  const issues: Issue[] = [];
  const repositoryNames = isRecord(input.repositories) ? Object.keys(input.repositories) : undefined;

  if (isRecord(input.repositories) && baseDirectory === undefined) {
    for (const [name, repo] of Object.entries(input.repositories)) {
      if (isRecord(repo) && repo.provider === 'local' && typeof repo.path === 'string' && repo.path !== '') {
        if (!isAbsolute(repo.path)) {
          issues.push({
            path: ['repositories', name, 'path'],
            message: `must be an absolute path: there is no configuration file to resolve it against (got ${JSON.stringify(repo.path)})`,
          });
        }
      }
    }
  }

  if (
    input.images === undefined &&
    input.flow === undefined &&
    input.mirrors === undefined &&
    input.previews === undefined
  ) {
    issues.push({
      path: ['images'],
      message:
        'required: list at least one image, configure the branch flow of a repository under flow, ' +
        'or mirror a GitLab project under mirrors',
    });
  }
  issues.push(...previewIssues(input, repositoryNames));
  if (isRecord(input.flow) && repositoryNames) {
    for (const name of Object.keys(input.flow)) {
      if (!repositoryNames.includes(name)) {
        issues.push({ path: ['flow', name], message: unknownRepository(name, repositoryNames) });
      }
    }
  }

  if (!Array.isArray(input.images)) return issues;
  const ecrSeen = new Map<string, number>();
  const parametersSeen = new Map<string, string>();
  const fileTargets: TargetWrite[] = [];
  const discoveries: Discovery[] = [];
  const repositories = isRecord(input.repositories) ? input.repositories : {};
  input.images.forEach((img: unknown, i) => {
    if (!isRecord(img)) return;
    if (typeof img.ecr === 'string') {
      const first = ecrSeen.get(img.ecr);
      if (first === undefined) ecrSeen.set(img.ecr, i);
      else {
        issues.push({
          path: ['images', i, 'ecr'],
          message: `${JSON.stringify(img.ecr)} is already configured at images[${first}]; merge their update lists`,
        });
      }
    }
    if (!Array.isArray(img.update)) return;
    img.update.forEach((t: unknown, j) => {
      if (!isRecord(t)) return;
      if (typeof t.repository === 'string' && repositoryNames && !repositoryNames.includes(t.repository)) {
        issues.push({
          path: ['images', i, 'update', j, 'repository'],
          message: unknownRepository(t.repository, repositoryNames),
        });
      }
      if (t.kind === 'discover') {
        if (typeof t.repository === 'string' && typeof t.branch === 'string') {
          discoveries.push({ path: ['images', i, 'update', j], image: img, target: t });
        }
        return;
      }
      if (t.kind === 'ssm') {
        if (typeof t.parameter !== 'string') return;
        // The same name in another account or region is another parameter.
        const account = typeof t.roleArn === 'string' ? (/:iam::(\d{12}):/.exec(t.roleArn)?.[1] ?? '') : '';
        const key = sortedJson(['ssm', t.parameter, account, typeof t.region === 'string' ? t.region : '']);
        const here = formatPath(['images', i, 'update', j]);
        const first = parametersSeen.get(key);
        if (first === undefined) parametersSeen.set(key, here);
        else
          issues.push({
            path: ['images', i, 'update', j],
            message: `duplicates ${first} (same SSM parameter)`,
          });
        return;
      }
      const selector =
        typeof t.kind === 'string' && Object.hasOwn(SELECTORS, t.kind) ? SELECTORS[t.kind] : undefined;
      if (!selector) {
        const base = targetBase.safeParse(t, { error: issueMessage });
        for (const issue of base.error?.issues ?? []) {
          issues.push({ path: ['images', i, 'update', j, ...issue.path], message: issue.message });
        }
        return;
      }
      if (typeof t.repository !== 'string' || typeof t.branch !== 'string' || typeof t.file !== 'string') {
        return;
      }
      const repository = repositories[t.repository];
      fileTargets.push({
        path: ['images', i, 'update', j],
        target: t,
        repository: t.repository,
        location: isRecord(repository) ? repositoryLocation(repository, baseDirectory) : undefined,
        branch: t.branch,
        file: t.file,
        key: sortedJson([t.kind, ...selector.map((k) => t[k] ?? null)]),
        selector,
        writes: valueWrites(t),
      });
    });
  });
  issues.push(...overlapIssues(fileTargets), ...discoveryIssues(discoveries, repositories, baseDirectory));
  return issues;
}

interface Discovery {
  path: PropertyKey[];
  image: Record<string, unknown>;
  target: Record<string, unknown>;
}

/** What a discovery matches: the image's `uri` when set (else its ECR name, unique per rule) and `names`. */
function discoveryIdentities(d: Discovery): string[] {
  const own =
    typeof d.image.uri === 'string' ? `uri ${d.image.uri.toLowerCase()}` : `ecr ${String(d.image.ecr)}`;
  const names = Array.isArray(d.target.names) ? d.target.names.map((n) => `name ${String(n)}`) : [];
  return [own, ...names];
}

/**
 * Two images can never own one value: discoveries of two images on one branch of one repository
 * must match disjoint references (another `uri`, no shared bare name).
 */
function discoveryIssues(
  discoveries: readonly Discovery[],
  repositories: Record<string, unknown>,
  baseDirectory: string | undefined,
): Issue[] {
  const issues: Issue[] = [];
  const where = (d: Discovery) => {
    const repository = repositories[String(d.target.repository)];
    return isRecord(repository) ? repositoryLocation(repository, baseDirectory) : undefined;
  };
  discoveries.forEach((later, k) => {
    for (const first of discoveries.slice(0, k)) {
      if (first.image === later.image || first.target.branch !== later.target.branch) continue;
      const a = where(first);
      const b = where(later);
      const same = first.target.repository === later.target.repository || (a && b && sameRepository(a, b));
      if (!same) continue;
      const shared = discoveryIdentities(first).find((id) => discoveryIdentities(later).includes(id));
      if (shared === undefined) continue;
      issues.push({
        path: later.path,
        message:
          `discovers the same references as ${formatPath(first.path)} (${shared}) on branch ` +
          `${String(later.target.branch)}; two images would replace each other's tag there, so give each ` +
          'image its own uri and names',
      });
      break;
    }
  });
  return issues;
}

/** A file target as the overlap check sees it. */
interface TargetWrite {
  path: PropertyKey[];
  target: Record<string, unknown>;
  /** The repository name the target gives. */
  repository: string;
  /** What that repository points at; undefined when the name is not defined. */
  location: RepositoryLocation | undefined;
  branch: string;
  file: string;
  /** Kind and selector values: equal keys under one repository name are plain duplicates. */
  key: string;
  selector: string[];
  writes: ValueWrites;
}

/** What a configured repository points at, normalised so that two names of one repository compare equal. */
interface RepositoryLocation {
  provider: string;
  /** Path, CodeCommit name, or GitLab instance and project. */
  id: string;
  /** CodeCommit region; undefined stands for the function's own region. */
  region?: string;
  label: string;
}

function repositoryLocation(
  repository: Record<string, unknown>,
  baseDirectory: string | undefined,
): RepositoryLocation | undefined {
  const { provider } = repository;
  if (provider === 'local' && typeof repository.path === 'string') {
    const absolute =
      isAbsolute(repository.path) || baseDirectory === undefined
        ? resolve('/', repository.path)
        : resolve(baseDirectory, repository.path);
    const path = absolute.replace(/\/\.git$/, '') || '/';
    return { provider, id: path, label: `local ${path}` };
  }
  if (provider === 'codecommit' && typeof repository.name === 'string') {
    const region = typeof repository.region === 'string' ? repository.region : undefined;
    return {
      provider,
      id: repository.name,
      ...(region !== undefined && { region }),
      label: `CodeCommit ${repository.name}${region ? ` in ${region}` : ''}`,
    };
  }
  if (provider === 'gitlab' && typeof repository.url === 'string') {
    const { project } = repository;
    if (typeof project !== 'string' && typeof project !== 'number') return undefined;
    let instance = repository.url.replace(/\/+$/, '').toLowerCase();
    try {
      const url = new URL(repository.url);
      instance = `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`.toLowerCase();
    } catch {
      // The schema reports a URL that does not parse.
    }
    // GitLab resolves project paths without regard to case.
    const path = String(project)
      .replace(/^\/+|\/+$/g, '')
      .toLowerCase();
    return { provider, id: `${instance} ${path}`, label: `GitLab ${instance} project ${path}` };
  }
  return undefined;
}

/** Whether two locations are the same repository; a CodeCommit region left out may be any region. */
function sameRepository(a: RepositoryLocation, b: RepositoryLocation): boolean {
  if (a.provider !== b.provider || a.id !== b.id) return false;
  return a.region === undefined || b.region === undefined || a.region === b.region;
}

/**
 * Targets that write one value: the same target twice under one repository name, or the same
 * value reached through another kind or another name of the repository. Each later target is
 * reported once, against the first one it meets.
 */
function overlapIssues(targets: readonly TargetWrite[]): Issue[] {
  const issues: Issue[] = [];
  const byFile = new Map<string, TargetWrite[]>();
  for (const target of targets) {
    const group = JSON.stringify([target.branch, target.file]);
    const earlier = byFile.get(group) ?? [];
    const clash = earlier.map((first) => clashOf(first, target)).find((c) => c !== undefined);
    if (clash) issues.push({ path: target.path, message: clash });
    earlier.push(target);
    byFile.set(group, earlier);
  }
  return issues;
}

function clashOf(first: TargetWrite, later: TargetWrite): string | undefined {
  const firstPath = formatPath(first.path);
  if (first.repository === later.repository && first.key === later.key) {
    const same = ['repository', 'branch', 'file', 'kind', ...later.selector];
    return `duplicates ${firstPath} (same ${same.slice(0, -1).join(', ')} and ${same.at(-1)})`;
  }
  if (first.repository !== later.repository) {
    if (!first.location || !later.location || !sameRepository(first.location, later.location)) {
      return undefined;
    }
  }
  const value = writesOverlap(first.writes, later.writes);
  if (value === undefined) return undefined;
  const repository =
    first.repository === later.repository
      ? `repository ${later.repository}`
      : `repositories ${first.repository} and ${later.repository}, which are both ${later.location?.label ?? ''}`;
  return (
    `writes the same value as ${firstPath}: ${value} in ${later.file} on branch ${later.branch} of ` +
    `${repository}; two images would replace each other's tag there, so keep one target per value`
  );
}
