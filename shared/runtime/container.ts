import { Logger } from '@aws-lambda-powertools/logger';
import { createEcrRegistry } from '#adapters/ecr-registry.ts';
import { gitHostsFor } from '#adapters/git-hosts.ts';
import { createLogAlertSink, createSnsAlertSink } from '#adapters/sns-alert-sink.ts';
import { createSsmParameterStore } from '#adapters/ssm-parameter-store.ts';
import type { AlertSink } from '#app/alert-sink.ts';
import type { ApplyDeps } from '#app/apply-image.ts';
import type { ImageRegistry } from '#app/image-registry.ts';
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
  registry(): ImageRegistry;
}

export function createContainer(name: string, env: NodeJS.ProcessEnv = process.env): Container {
  const logger = new Logger({ serviceName: 'flowkeeper' });
  let loader: ConfigLoader | undefined;
  let hosts: { config: Config; hostFor: ApplyDeps['hostFor'] } | undefined;
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

  return {
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
      loader ??= configLoaderFromEnv(env);
      const config = await loader.load();
      let current = hosts;
      if (current?.config !== config) {
        current = { config, hostFor: gitHostsFor(config) };
        hosts = current;
      }
      return {
        config,
        hostFor: current.hostFor,
        parameters: lazyParameters,
        registry: lazyRegistry,
        dryRun: envFlag('FLOWKEEPER_DRY_RUN', env),
      };
    },
  };
}
