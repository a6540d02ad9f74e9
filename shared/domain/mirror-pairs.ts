import type { Config, MirrorConfig } from '#config/types.ts';
import { globMatch } from './branch-globs.ts';

/** Which configured mirror pairs an event concerns: pure look-ups in the configuration. */
export interface MirrorPair {
  settings: MirrorConfig;
  /** The CodeCommit repository name (not the key). */
  codecommitName: string;
}

/** The mirror pairs whose CodeCommit side is `repositoryName` and that keep `branch` in sync. */
export function pairsForBranch(config: Config, repositoryName: string, branch: string): MirrorPair[] {
  return allPairs(config).filter(
    (pair) =>
      pair.codecommitName === repositoryName &&
      pair.settings.branches.some((glob) => globMatch(glob, branch)),
  );
}

export function allPairs(config: Config): MirrorPair[] {
  return config.mirrors.flatMap((settings) => {
    const repository = config.repositories[settings.codecommit];
    return repository?.provider === 'codecommit' ? [{ settings, codecommitName: repository.name }] : [];
  });
}

/** The pairs a commit by Flowkeeper on GitLab repository `key`, branch `branch` should be mirrored through. */
export function pairsForPrimary(config: Config, key: string, branch: string): MirrorPair[] {
  return allPairs(config).filter(
    (pair) => pair.settings.gitlab === key && pair.settings.branches.some((glob) => globMatch(glob, branch)),
  );
}
