import type { FlowDeps } from '#app/branch-flow/deps.ts';
import type { BuildStarter } from '#app/ports/build-starter.ts';
import type { Config } from '#config/types.ts';
import { createCore, eventContext, lazily } from './container-core.ts';
import type { EventContext } from './handle-event.ts';

/**
 * The branch flow and build reports, one feature: pull requests, validation builds, GitLab
 * primaries (`flow`).
 */
export interface FlowContainer extends EventContext {
  flow(): Promise<FlowDeps>;
}

export function createFlowContainer(name: string, env: NodeJS.ProcessEnv = process.env): FlowContainer {
  const core = createCore(name, env);
  const builds = lazyBuildStarter();
  let pullRequestHosts: { config: Config; pullRequestsFor: FlowDeps['pullRequestsFor'] } | undefined;

  async function pullRequestsOf(config: Config): Promise<FlowDeps['pullRequestsFor']> {
    const { pullRequestHostsFor } = await import('#adapters/pull-request-hosts.ts');
    if (pullRequestHosts?.config !== config) {
      pullRequestHosts = { config, pullRequestsFor: pullRequestHostsFor(config) };
    }
    return pullRequestHosts.pullRequestsFor;
  }

  return {
    ...eventContext(core),
    async flow() {
      const config = await core.config();
      const [{ hostFor, mirrors }, pullRequestsFor] = await Promise.all([
        core.gitHosts(config),
        pullRequestsOf(config),
      ]);
      return {
        config,
        hostFor,
        pullRequestsFor,
        mirrorPrimary: mirrors.primary,
        builds: () => builds,
        alerts: core.alerts,
        trustedPushers: listFromEnv(core.env.TRUSTED_PUSHER_ARNS),
        buildStarters: listFromEnv(core.env.FLOWKEEPER_BUILD_STARTERS),
        dryRun: core.dryRun(),
      };
    },
  };
}

/** CodeBuild, created (and its client imported) when the first validation build starts. */
function lazyBuildStarter(): BuildStarter {
  const starter = lazily(async () =>
    (await import('#adapters/aws/codebuild-build-starter.ts')).createCodeBuildStarter(),
  );
  return { startBuild: async (request) => (await starter()).startBuild(request) };
}

/** A comma-separated list from the environment, blanks dropped. */
function listFromEnv(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}
