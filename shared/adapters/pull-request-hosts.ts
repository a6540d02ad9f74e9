import type { PullRequestHost } from '#app/ports/pull-request-host.ts';
import type { Config } from '#config/types.ts';
import { FlowkeeperError } from '#domain/errors.ts';
import { credentialsOption } from './aws/assumed-role.ts';
import { createCodeCommitPullRequestHost } from './codecommit/pull-request-host.ts';

/** The pull-request host behind each configured repository key, created once per configuration. */
export function pullRequestHostsFor(config: Config): (repository: string) => PullRequestHost {
  const hosts = new Map<string, PullRequestHost>();
  return (repository) => {
    let host = hosts.get(repository);
    if (!host) {
      const settings = config.repositories[repository];
      if (!settings)
        throw new FlowkeeperError(`repository ${repository} is not configured: add it under repositories`);
      if (settings.provider !== 'codecommit') {
        throw new FlowkeeperError(
          `repository ${repository} is a ${settings.provider} repository (${settings.provider === 'local' ? settings.path : `${settings.url}/${settings.project}`}); the branch flow's pull requests need a CodeCommit repository (provider: codecommit)`,
        );
      }
      host = createCodeCommitPullRequestHost({
        repositoryName: settings.name,
        ...(settings.region ? { region: settings.region } : {}),
        ...credentialsOption(settings),
      });
      hosts.set(repository, host);
    }
    return host;
  };
}
