import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { reportBuild } from '#app/build-report/report-build.ts';
import { fromEnvelope as buildEvent } from '#parsers/codebuild-build-state.ts';
import { parseEnvelope } from '#parsers/envelope.ts';
import { createFlowContainer } from '#runtime/flow-container.ts';
import { handleEvent } from '#runtime/handle-event.ts';
import { notifyBuildOutcome, notifyContext } from '#runtime/notify-outcome.ts';

const container = createFlowContainer('BuildReportFunction');
const notifying = notifyContext(container, () => container.flowDeps());

/** CodeBuild build state changes → pull-request comments and approvals. Parses, wires and delegates. */
const report = (event: unknown) =>
  handleEvent(container, event, async (raw) => {
    const envelope = parseEnvelope(raw);
    container.logger.setCorrelationId(envelope.id);
    const build = buildEvent(envelope);
    const result = await reportBuild(build, await container.flowDeps(), container.logger);
    await notifyBuildOutcome(notifying, build, result);
    return result;
  });

export const handler = middy(report).use(injectLambdaContext(container.logger, { resetKeys: true }));
