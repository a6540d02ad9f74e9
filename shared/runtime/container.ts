import { Logger } from '@aws-lambda-powertools/logger';
import { createCodeBuildStarter } from '#adapters/codebuild-build-starter.ts';
import { createEcrRegistry } from '#adapters/ecr-registry.ts';
import { gitHostsFor, mirrorHostsFor } from '#adapters/git-hosts.ts';
import { createPowertoolsMetrics } from '#adapters/powertools-metrics.ts';
import { pullRequestHostsFor } from '#adapters/pull-request-hosts.ts';
import { createLogAlertSink, createSnsAlertSink } from '#adapters/sns-alert-sink.ts';
import { createSsmParameterStore } from '#adapters/ssm-parameter-store.ts';
import type { AlertSink } from '#app/alert-sink.ts';
import type { ApplyDeps } from '#app/apply-image.ts';
import type { BuildStarter } from '#app/build-starter.ts';
import type { FlowDeps } from '#app/flow-deps.ts';
import type { ImageRegistry } from '#app/image-registry.ts';
import type { MirrorDeps } from '#app/mirror-sync.ts';
import type { ParameterStore } from '#app/parameter-store.ts';
import { type ConfigLoader, configLoaderFromEnv } from '#config/load-ssm.ts';
import type { Config } from '#config/types.ts';
import { envFlag } from './env.ts';
import type { EventContext } from './handle-event.ts';

/**
 * What a Lambda container keeps between invocations: the logger, the configuration loader (with
 * its TTL cache), git hosts per configuration, and AWS clients created on first use only, so a
 * local run that needs no AWS service never builds one.
 */
export interface Container extends EventContext {
  deps(): Promise<ApplyDeps>;
  flowDeps(): Promise<FlowDeps>;
  mirrorDeps(): Promise<MirrorDeps>;
  registry(): ImageRegistry;
}

/** A comma-separated list from the environment, blanks dropped. */
function listFromEnv(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

export function createContainer(name: string, env: NodeJS.ProcessEnv = process.env): Container {
  const logger = new Logger({ serviceName: 'flowkeeper' });
  let loader: ConfigLoader | undefined;
  let hosts:
    | {
        config: Config;
        hostFor: ApplyDeps['hostFor'];
        pullRequestsFor: FlowDeps['pullRequestsFor'];
        mirrors: ReturnType<typeof mirrorHostsFor>;
      }
    | undefined;
  let builds: BuildStarter | undefined;
  let registry: ImageRegistry | undefined;
  let parameters: ParameterStore | undefined;
  let alerts: AlertSink | undefined;

  const lazyParameters: ParameterStore = {
    get: (parameterName) => {
      parameters ??= createSsmParameterStore();
      return parameters.get(parameterName);
    },
    put: (parameterName, value, description) => {
      parameters ??= createSsmParameterStore();
      return parameters.put(parameterName, value, description);
    },
  };
  const lazyRegistry: ImageRegistry = {
    describeImage: (repository, ref) => {
      registry ??= createEcrRegistry();
      return registry.describeImage(repository, ref);
    },
    listImages: (repository) => {
      registry ??= createEcrRegistry();
      return registry.listImages(repository);
    },
    scanFindings: (repository, digest) => {
      registry ??= createEcrRegistry();
      return registry.scanFindings(repository, digest);
    },
  };

  const container: Container = {
    name,
    logger,
    alerts: () => {
      alerts ??= env.ALERT_TOPIC_ARN
        ? createSnsAlertSink({ topicArn: env.ALERT_TOPIC_ARN })
        : createLogAlertSink((line) => logger.warn(line));
      return alerts;
    },
    registry: () => lazyRegistry,
    async deps() {
      const { config, hostFor } = await current();
      return {
        config,
        hostFor,
        parameters: lazyParameters,
        registry: lazyRegistry,
        dryRun: envFlag('FLOWKEEPER_DRY_RUN', env),
      };
    },
    async flowDeps() {
      const { config, hostFor, pullRequestsFor, mirrors } = await current();
      return {
        config,
        hostFor,
        pullRequestsFor,
        mirrorPrimary: mirrors.primary,
        builds: () => {
          builds ??= createCodeBuildStarter();
          return builds;
        },
        alerts: () => container.alerts(),
        trustedPushers: listFromEnv(env.TRUSTED_PUSHER_ARNS),
        buildStarters: listFromEnv(env.FLOWKEEPER_BUILD_STARTERS),
        dryRun: envFlag('FLOWKEEPER_DRY_RUN', env),
      };
    },
    async mirrorDeps() {
      const { config, mirrors } = await current();
      return {
        config,
        primary: mirrors.primary,
        replica: mirrors.replica,
        alerts: () => container.alerts(),
        metrics: createPowertoolsMetrics(),
        now: () => Date.now(),
        dryRun: envFlag('FLOWKEEPER_DRY_RUN', env),
      };
    },
  };

  /** The configuration and the hosts built for it; rebuilt when the loader yields a new one. */
  async function current(): Promise<NonNullable<typeof hosts>> {
    loader ??= configLoaderFromEnv(env);
    const config = await loader.load();
    if (hosts?.config !== config) {
      hosts = {
        config,
        hostFor: gitHostsFor(config),
        pullRequestsFor: pullRequestHostsFor(config),
        mirrors: mirrorHostsFor(config),
      };
    }
    return hosts;
  }
  return container;
}
