import type { GitHost } from '#app/ports/git-host.ts';
import type { MirrorPrimary, MirrorReplica } from '#app/ports/mirror-hosts.ts';
import type { Config, RepositoryConfig } from '#config/types.ts';
import { FlowkeeperError } from '#domain/errors.ts';
import { credentialsOption } from './aws/assumed-role.ts';
import { createCodeCommitGitHost } from './codecommit/git-host.ts';
import { createCodeCommitMirrorReplica } from './codecommit/mirror-replica.ts';
import { createGitLabGitHost, type GitLabGitHost } from './gitlab/git-host.ts';
import { describeTokenSource, tokenProvider } from './gitlab/token.ts';
import { createLocalGitHost } from './local/git-host.ts';

/** The git host behind each configured repository key, created once per configuration. */
export function gitHostsFor(config: Config): (repository: string) => GitHost {
  const hosts = new Map<string, GitHost>();
  return (repository) => {
    let host = hosts.get(repository);
    if (!host) {
      const settings = config.repositories[repository];
      if (!settings)
        throw new FlowkeeperError(`repository ${repository} is not configured: add it under repositories`);
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
        ...credentialsOption(settings),
      });
    case 'gitlab':
      return gitLabHost(settings);
  }
}

type GitLabSettings = Extract<RepositoryConfig, { provider: 'gitlab' }>;
const gitLabHosts = new WeakMap<GitLabSettings, GitLabGitHost>();

/**
 * One GitLab host per configured project (per configuration loaded), whether it is reached as a
 * git host or as a mirror primary: one token read and one file cache, not two.
 */
function gitLabHost(settings: GitLabSettings): GitLabGitHost {
  let host = gitLabHosts.get(settings);
  if (!host) {
    host = createGitLabGitHost({
      url: settings.url,
      project: settings.project,
      token: tokenProvider(settings.token),
      tokenSource: describeTokenSource(settings.token),
    });
    gitLabHosts.set(settings, host);
  }
  return host;
}

export interface MirrorHosts {
  /** The GitLab project configured under `key`. */
  primary(key: string): MirrorPrimary;
  /** The CodeCommit repository configured under `key`. */
  replica(key: string): MirrorReplica;
}

/** Both sides of the configured mirrors, each created once per configuration. */
export function mirrorHostsFor(config: Config): MirrorHosts {
  const replicas = new Map<string, MirrorReplica>();
  const settingsOf = (key: string): RepositoryConfig => {
    const settings = config.repositories[key];
    if (!settings) throw new FlowkeeperError(`repository ${key} is not configured`);
    return settings;
  };
  return {
    primary(key) {
      const settings = settingsOf(key);
      if (settings.provider !== 'gitlab') {
        throw new FlowkeeperError(
          `repository ${key} is a ${settings.provider} repository; the primary of a mirror must be a GitLab project (provider: gitlab)`,
        );
      }
      return gitLabHost(settings);
    },
    replica(key) {
      let replica = replicas.get(key);
      if (!replica) {
        const settings = settingsOf(key);
        if (settings.provider !== 'codecommit') {
          throw new FlowkeeperError(
            `repository ${key} is a ${settings.provider} repository; the mirror of a GitLab project must be a CodeCommit repository (provider: codecommit)`,
          );
        }
        replica = createCodeCommitMirrorReplica({
          repositoryName: settings.name,
          ...(settings.region ? { region: settings.region } : {}),
          ...credentialsOption(settings),
        });
        replicas.set(key, replica);
      }
      return replica;
    },
  };
}
