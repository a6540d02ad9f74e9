import { ConfigError } from '#domain/errors.ts';
import { isRecord } from '#domain/is-record.ts';

export interface ConfigPart {
  /** Where the part came from (an SSM parameter name). */
  name: string;
  document: unknown;
}

/**
 * Merge the parts of a configuration split across several parameters, in name order:
 * `repositories`, `flow` and `accounts` maps are merged (a name defined twice is an error), `images` and
 * `mirrors` lists are concatenated, and `commit` may appear in one part only.
 */
export function mergeConfigParts(parts: ConfigPart[], source: string): Record<string, unknown> {
  const issues: string[] = [];
  const maps: Record<'repositories' | 'flow' | 'accounts', Record<string, unknown>> = {
    repositories: {},
    flow: {},
    accounts: {},
  };
  /** The part that defined each `repositories.<name>`, `flow.<name>` and `accounts.<id>`. */
  const origin = new Map<string, string>();
  let hasFlow = false;
  let hasAccounts = false;
  let images: unknown[] | undefined;
  let mirrors: unknown[] | undefined;
  let commit: { value: unknown; from: string } | undefined;

  for (const { name, document } of [...parts].sort((a, b) => a.name.localeCompare(b.name))) {
    if (document === null || document === undefined) continue;
    if (typeof document !== 'object' || Array.isArray(document)) {
      issues.push(`${name}: must hold an object with repositories, images, flow, mirrors or commit`);
      continue;
    }
    for (const [key, value] of Object.entries(document)) {
      if ((key === 'repositories' || key === 'flow' || key === 'accounts') && isRecord(value)) {
        hasFlow ||= key === 'flow';
        hasAccounts ||= key === 'accounts';
        for (const [entry, settings] of Object.entries(value)) {
          const path = `${key}.${entry}`;
          const first = origin.get(path);
          if (first) issues.push(`${name}: ${path} is already defined in ${first}`);
          else {
            origin.set(path, name);
            maps[key][entry] = settings;
          }
        }
      } else if (key === 'images' && Array.isArray(value)) {
        images = [...(images ?? []), ...value];
      } else if (key === 'mirrors' && Array.isArray(value)) {
        mirrors = [...(mirrors ?? []), ...value];
      } else if (key === 'commit') {
        if (commit) issues.push(`${name}: commit is already set in ${commit.from}`);
        else commit = { value, from: name };
      } else {
        issues.push(
          `${name}: ${key}: unknown key or wrong type (parts hold repositories, images, flow, mirrors, accounts and commit)`,
        );
      }
    }
  }
  if (issues.length > 0) throw new ConfigError(source, issues);
  return {
    repositories: maps.repositories,
    // Without images, a flow or mirrors configuration stays one: `images: []` would be an error.
    ...(images || !(hasFlow || mirrors) ? { images: images ?? [] } : {}),
    ...(hasFlow ? { flow: maps.flow } : {}),
    ...(hasAccounts ? { accounts: maps.accounts } : {}),
    ...(mirrors ? { mirrors } : {}),
    ...(commit ? { commit: commit.value } : {}),
  };
}
