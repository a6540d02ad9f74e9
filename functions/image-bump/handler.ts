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
    if (hosts?.config !== config) hosts = { config, hostFor: gitHostsFor(config) };
    const { hostFor } = hosts;
    return bumpImage(action, { config, hostFor, dryRun: envFlag('FLOWKEEPER_DRY_RUN') });
  });

export const handler = middy(bump).use(injectLambdaContext(logger, { resetKeys: true }));
