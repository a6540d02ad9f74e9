import { Logger } from '@aws-lambda-powertools/logger';
import type { ConfigLoader } from '#adapters/aws/ssm-config-loader.ts';
import type { MirrorHosts } from '#adapters/git-hosts.ts';
import type { ApplyDeps } from '#app/image-bump/apply-image.ts';
import type { AlertSink } from '#app/ports/alert-sink.ts';
import type { Config } from '#config/types.ts';
import { envFlag } from './env.ts';
import type { EventContext } from './handle-event.ts';
import { lazily } from './lazily.ts';

export { lazily } from './lazily.ts';

/**
 * What every function's container has: the logger, the alert sink, the configuration loader (with
 * its TTL cache) and the git hosts built for the configuration. The containers themselves are in
 * container.ts (image bumps, reconcile), flow-container.ts and mirror-container.ts.
 *
 * Every adapter, and the configuration loader, is reached through `import()` on first use. The
 * bundles are built with esbuild's code splitting, so each is a chunk of its own that a function
 * loads on the first event that needs it; importing a handler compiles little more than the
 * handler's own code. esbuild emits a chunk for every `import()` of every module in the bundle,
 * called or not, so each kind of container is a module of its own that names only the adapters
 * its functions use: a function's artifact holds no chunk for a client it never calls (branch-flow
 * has no ECR client, mirror-sync no CodeBuild client). See docs/performance.md, "Cold start as
 * deployed".
 */
export interface Core {
  name: string;
  env: NodeJS.ProcessEnv;
  logger: Logger;
  alerts: () => AlertSink;
  dryRun: () => boolean;
  /** The configuration, from the loader's cache while its TTL lasts. */
  config(): Promise<Config>;
  /** Git hosts and mirror hosts for `config`; built again when the loader yields a new one. */
  gitHosts(config: Config): Promise<{ hostFor: ApplyDeps['hostFor']; mirrors: MirrorHosts }>;
}

export function createCore(name: string, env: NodeJS.ProcessEnv): Core {
  const logger = new Logger({ serviceName: 'flowkeeper' });
  const alerts = lazyAlertSink(env, logger);
  const loader = lazily<ConfigLoader>(async () =>
    (await import('#adapters/aws/ssm-config-loader.ts')).configLoaderFromEnv(env),
  );
  let hosts: { config: Config; hostFor: ApplyDeps['hostFor']; mirrors: MirrorHosts } | undefined;
  return {
    name,
    env,
    logger,
    alerts: () => alerts,
    dryRun: () => envFlag('FLOWKEEPER_DRY_RUN', env),
    config: async () => (await loader()).load(),
    async gitHosts(config) {
      const { gitHostsFor, mirrorHostsFor } = await import('#adapters/git-hosts.ts');
      if (hosts?.config !== config) {
        hosts = { config, hostFor: gitHostsFor(config), mirrors: mirrorHostsFor(config) };
      }
      return hosts;
    },
  };
}

export function eventContext(core: Core): EventContext {
  return { name: core.name, logger: core.logger, alerts: core.alerts };
}

/** SNS when the stack names a topic (ALERT_TOPIC_ARN), else warnings in the log (local runs). */
function lazyAlertSink(env: NodeJS.ProcessEnv, logger: Logger): AlertSink {
  const sink = lazily(async (): Promise<AlertSink> => {
    const { createLogAlertSink, createSnsAlertSink } = await import('#adapters/aws/sns-alert-sink.ts');
    return env.ALERT_TOPIC_ARN
      ? createSnsAlertSink({ topicArn: env.ALERT_TOPIC_ARN })
      : createLogAlertSink((line) => logger.warn(line));
  });
  return { publish: async (alert) => (await sink()).publish(alert) };
}
