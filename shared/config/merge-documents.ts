import { ConfigError } from '#domain/errors.ts';
import { isRecord } from '#domain/is-record.ts';

export interface ConfigPart {
  /** Where the part came from (an SSM parameter name). */
  name: string;
  document: unknown;
}

/**
 * Merge the parts of a configuration split across several parameters, in name order:
 * `repositories` maps are merged (a name defined twice is an error), `images` lists are
 * concatenated, and `commit` may appear in one part only.
 */
export function mergeConfigParts(parts: ConfigPart[], source: string): Record<string, unknown> {
  const issues: string[] = [];
  const repositories: Record<string, unknown> = {};
  const repositoryOrigin = new Map<string, string>();
  const images: unknown[] = [];
  let commit: { value: unknown; from: string } | undefined;

  for (const { name, document } of [...parts].sort((a, b) => a.name.localeCompare(b.name))) {
    if (document === null || document === undefined) continue;
    if (typeof document !== 'object' || Array.isArray(document)) {
      issues.push(`${name}: must hold an object with repositories, images or commit`);
      continue;
    }
    for (const [key, value] of Object.entries(document)) {
      if (key === 'repositories' && isRecord(value)) {
        for (const [repo, settings] of Object.entries(value)) {
          const first = repositoryOrigin.get(repo);
          if (first) issues.push(`${name}: repositories.${repo} is already defined in ${first}`);
          else {
            repositoryOrigin.set(repo, name);
            repositories[repo] = settings;
          }
        }
      } else if (key === 'images' && Array.isArray(value)) {
        images.push(...value);
      } else if (key === 'commit') {
        if (commit) issues.push(`${name}: commit is already set in ${commit.from}`);
        else commit = { value, from: name };
      } else {
        issues.push(
          `${name}: ${key}: unknown key or wrong type (parts hold repositories, images and commit)`,
        );
      }
    }
  }
  if (issues.length > 0) throw new ConfigError(source, issues);
  return { repositories, images, ...(commit ? { commit: commit.value } : {}) };
}
