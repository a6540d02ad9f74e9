import type { Config, FlowSettings } from '#config/types.ts';
import type { AlertSink } from '../ports/alert-sink.ts';
import type { BuildStarter } from '../ports/build-starter.ts';
import type { GitHost } from '../ports/git-host.ts';
import type { MirrorPrimary } from '../ports/mirror-hosts.ts';
import type { PullRequestHost } from '../ports/pull-request-host.ts';

/** What branch-flow enforcement and build reporting need from the outside world. */
export interface FlowDeps {
  config: Config;
  hostFor: (repository: string) => GitHost;
  pullRequestsFor: (repository: string) => PullRequestHost;
  builds: () => BuildStarter;
  alerts: () => AlertSink;
  /** The GitLab side of a mirror pair (commit statuses); absent where no GitLab is configured. */
  mirrorPrimary?: (repository: string) => MirrorPrimary;
  /** Trusted for every repository: Flowkeeper's own committer identity. */
  trustedPushers: string[];
  /** The identities (IAM role or user names) that start validation builds: only their builds approve. */
  buildStarters: string[];
  dryRun?: boolean;
}

export interface FlowRepository {
  /** Key of `repositories` (and of `flow`). */
  key: string;
  settings: FlowSettings;
}

/**
 * The flow of the repository an event names: a CodeCommit repository by its name, a local one by
 * its key (so replayed events can address the embedded default).
 */
export function flowForRepository(config: Config, name: string): FlowRepository | undefined {
  for (const [key, settings] of Object.entries(config.flow)) {
    const repository = config.repositories[key];
    if (repository === undefined) continue;
    const matches = repository.provider === 'codecommit' ? repository.name === name : key === name;
    if (matches) return { key, settings };
  }
  return undefined;
}

/** The configured repository key behind a repository name an event or build names. */
export function repositoryKeyFor(config: Config, name: string): string | undefined {
  for (const [key, repository] of Object.entries(config.repositories)) {
    if (repository.provider === 'codecommit' ? repository.name === name : key === name) return key;
  }
  return undefined;
}
