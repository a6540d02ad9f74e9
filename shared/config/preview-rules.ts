/**
 * Rules of `previews` that look at the rest of the document: the manifests and source repositories
 * must be defined (the source a CodeCommit or GitLab repository, or a local one for the embedded
 * default), and two sets may not share a preview directory.
 */
import { type Issue, isRecord } from '#config/issue-list.ts';

export function previewIssues(
  input: Record<string, unknown>,
  repositoryNames: string[] | undefined,
): Issue[] {
  if (!Array.isArray(input.previews) || repositoryNames === undefined) return [];
  const issues: Issue[] = [];
  const places = new Map<string, number>();
  const known = repositoryNames.length > 0 ? repositoryNames.join(', ') : 'none';
  input.previews.forEach((set: unknown, index) => {
    if (!isRecord(set)) return;
    const check = (path: (string | number)[], name: unknown) => {
      if (typeof name === 'string' && name !== '' && !repositoryNames.includes(name)) {
        issues.push({
          path: ['previews', index, ...path],
          message: `repository ${JSON.stringify(name)} is not defined under repositories (defined: ${known})`,
        });
      }
    };
    check(['repository'], set.repository);
    if (isRecord(set.source)) check(['source', 'repository'], set.source.repository);
    if (
      typeof set.repository === 'string' &&
      typeof set.branch === 'string' &&
      typeof set.path === 'string'
    ) {
      const place = `${set.repository}\u0000${set.branch}\u0000${set.path.replace(/\/+$/, '')}`;
      const first = places.get(place);
      if (first !== undefined) {
        issues.push({
          path: ['previews', index, 'path'],
          message: `previews[${first}] already puts its previews here; give each set its own path`,
        });
      } else places.set(place, index);
    }
  });
  return issues;
}
