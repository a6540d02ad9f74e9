import type { Config } from '#config/types.ts';
import { matchesAny } from '#domain/editors/discover/globs.ts';
import { type GitHost, GitHostError } from '../ports/git-host.ts';
import { FolderListings, listGlobFolders } from './discover-files.ts';

/**
 * What `config validate --check` says of the discover targets against their repositories: each
 * glob that matches no file on its branch, and each branch that cannot be listed. Warnings, not
 * errors: a glob may be written ahead of the files it is for.
 */
export async function discoverWarnings(
  config: Config,
  hostFor: (repository: string) => GitHost,
): Promise<string[]> {
  const warnings: string[] = [];
  const listings = new FolderListings();
  for (const [i, image] of config.images.entries()) {
    for (const [j, target] of image.update.entries()) {
      if (target.kind !== 'discover') continue;
      const where = `images[${i}].update[${j}]`;
      const place = `${target.repository}/${target.branch}`;
      let paths: string[];
      try {
        ({ paths } = await listGlobFolders(
          hostFor(target.repository),
          target.branch,
          target.files,
          listings,
        ));
      } catch (error) {
        if (!(error instanceof GitHostError)) throw error;
        warnings.push(`${where}: cannot list ${place}: ${error.message}`);
        continue;
      }
      for (const [k, glob] of target.files.entries()) {
        if (!paths.some((path) => matchesAny([glob], path))) {
          warnings.push(`${where}.files[${k}]: ${JSON.stringify(glob)} matches no file on ${place}`);
        }
      }
    }
  }
  return warnings;
}
