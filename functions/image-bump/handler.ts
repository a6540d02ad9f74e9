import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { gitHostsFor } from '#adapters/git-hosts.ts';
import { bumpImage } from '#app/bump-image.ts';
import { configLoaderFromEnv } from '#config/load-ssm.ts';
import type { Config } from '#config/types.ts';
import { parseEcrImageAction } from '#events/ecr-image-action.ts';
import { envFlag } from '#runtime/env.ts';
import { handleEvent } from '#runtime/handle-event.ts';

const logger = new Logger({ serviceName: 'flowkeeper' });
let loader: ReturnType<typeof configLoaderFromEnv> | undefined;
let hosts: { config: Config; hostFor: ReturnType<typeof gitHostsFor> } | undefined;

/** ECR image push → manifest bump. Parses, wires and delegates; the work is in bumpImage. */
const bump = (event: unknown) =>
  handleEvent(logger, event, async (raw) => {
    const action = parseEcrImageAction(raw);
    logger.setCorrelationId(action.id);
    loader ??= configLoaderFromEnv();
    const config = await loader.load();
    return bumpImage(action, { config, hostFor: hostsFor(config), dryRun: envFlag('FLOWKEEPER_DRY_RUN') });
  });

/** Git hosts live as long as the configuration they were built from (one per container). */
function hostsFor(config: Config) {
  let current = hosts;
  if (current?.config !== config) {
    current = { config, hostFor: gitHostsFor(config) };
    hosts = current;
  }
  return current.hostFor;
}

export const handler = middy(bump).use(injectLambdaContext(logger, { resetKeys: true }));
