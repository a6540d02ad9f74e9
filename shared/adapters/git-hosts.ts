import type { GitHost } from '#app/git-host.ts';
import type { Config, RepositoryConfig } from '#config/types.ts';
import { createCodeCommitGitHost } from './codecommit-git-host.ts';
import { createLocalGitHost } from './local-git-host.ts';

/** The git host behind each configured repository key, created once per configuration. */
export function gitHostsFor(config: Config): (repository: string) => GitHost {
  const hosts = new Map<string, GitHost>();
  return (repository) => {
    let host = hosts.get(repository);
    if (!host) {
      const settings = config.repositories[repository];
      if (!settings) throw new Error(`repository ${repository} is not configured`);
      host = createGitHost(settings);
      hosts.set(repository, host);
    }
    return host;
  };
}

export function createGitHost(settings: RepositoryConfig): GitHost {
  switch (settings.provider) {
    case 'local':
      return createLocalGitHost(settings.path);
    case 'codecommit':
      return createCodeCommitGitHost({
        repositoryName: settings.name,
        ...(settings.region ? { region: settings.region } : {}),
      });
  }
}
