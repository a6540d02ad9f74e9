/**
 * Rules that relate one part of the document to another: images, flow or mirrors present,
 * references to defined repositories, ECR repositories configured twice, targets that write the same
 * value, relative local paths without a file to resolve them against. They run on the raw input,
 * next to the schema; the rules of mirrors are in `mirror-rules.ts`.
 */
import { isAbsolute } from 'node:path';
import { formatPath, type Issue, isRecord } from '#config/issue-list.ts';
import { issueMessage } from '#config/issue-messages.ts';
import { targetBase } from '#config/target-fields.ts';

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

  if (input.images === undefined && input.flow === undefined && input.mirrors === undefined) {
    issues.push({
      path: ['images'],
      message:
        'required: list at least one image, configure the branch flow of a repository under flow, ' +
        'or mirror a GitLab project under mirrors',
    });
  }
  if (isRecord(input.flow) && repositoryNames) {
    for (const name of Object.keys(input.flow)) {
      if (!repositoryNames.includes(name)) {
        issues.push({ path: ['flow', name], message: unknownRepository(name, repositoryNames) });
      }
    }
  }

  if (!Array.isArray(input.images)) return issues;
  const ecrSeen = new Map<string, number>();
  const targetsSeen = new Map<string, string>();
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
      if (t.kind === 'ssm') {
        if (typeof t.parameter !== 'string') return;
        const key = sortedJson(['ssm', t.parameter]);
        const here = formatPath(['images', i, 'update', j]);
        const first = targetsSeen.get(key);
        if (first === undefined) targetsSeen.set(key, here);
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
      const key = sortedJson([t.repository, t.branch, t.file, t.kind, ...selector.map((k) => t[k] ?? null)]);
      const here = formatPath(['images', i, 'update', j]);
      const first = targetsSeen.get(key);
      if (first === undefined) targetsSeen.set(key, here);
      else {
        const same = ['repository', 'branch', 'file', 'kind', ...selector];
        issues.push({
          path: ['images', i, 'update', j],
          message: `duplicates ${first} (same ${same.slice(0, -1).join(', ')} and ${same.at(-1)})`,
        });
      }
    });
  });
  return issues;
}
