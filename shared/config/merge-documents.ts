import { ConfigError } from '#domain/errors.ts';
import { isRecord } from '#domain/is-record.ts';

export interface ConfigPart {
  /** Where the part came from (an SSM parameter name). */
  name: string;
  document: unknown;
}

/**
 * Merge the parts of a configuration split across several parameters, in name order:
 * `repositories` and `flow` maps are merged (a name defined twice is an error), `images` lists are
 * concatenated, and `commit` may appear in one part only.
 */
export function mergeConfigParts(parts: ConfigPart[], source: string): Record<string, unknown> {
  const issues: string[] = [];
  const maps = { repositories: new NamedEntries(), flow: new NamedEntries() };
  let images: unknown[] | undefined;
  let commit: { value: unknown; from: string } | undefined;

  for (const { name, document } of [...parts].sort((a, b) => a.name.localeCompare(b.name))) {
    if (document === null || document === undefined) continue;
    if (typeof document !== 'object' || Array.isArray(document)) {
      issues.push(`${name}: must hold an object with repositories, images, flow or commit`);
      continue;
    }
    for (const [key, value] of Object.entries(document)) {
      if ((key === 'repositories' || key === 'flow') && isRecord(value)) {
        issues.push(...maps[key].add(key, value, name));
      } else if (key === 'images' && Array.isArray(value)) {
        images = [...(images ?? []), ...value];
      } else if (key === 'commit') {
        if (commit) issues.push(`${name}: commit is already set in ${commit.from}`);
        else commit = { value, from: name };
      } else {
        issues.push(
          `${name}: ${key}: unknown key or wrong type (parts hold repositories, images, flow and commit)`,
        );
      }
    }
  }
  if (issues.length > 0) throw new ConfigError(source, issues);
  return {
    repositories: maps.repositories.entries,
    ...(images || !maps.flow.used ? { images: images ?? [] } : {}),
    ...(maps.flow.used ? { flow: maps.flow.entries } : {}),
    ...(commit ? { commit: commit.value } : {}),
  };
}

/** A map merged from several parts, remembering which part defined each name. */
class NamedEntries {
  readonly entries: Record<string, unknown> = {};
  readonly #origin = new Map<string, string>();
  used = false;

  /** Adds the entries of one part; returns a line for each name another part already defined. */
  add(key: string, value: Record<string, unknown>, part: string): string[] {
    this.used = true;
    const issues: string[] = [];
    for (const [name, settings] of Object.entries(value)) {
      const first = this.#origin.get(name);
      if (first) issues.push(`${part}: ${key}.${name} is already defined in ${first}`);
      else {
        this.#origin.set(name, part);
        this.entries[name] = settings;
      }
    }
    return issues;
  }
}
