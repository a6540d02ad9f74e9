import { reportBuild } from '#app/build-report/report-build.ts';
import { fromEnvelope as buildEvent } from '#parsers/codebuild-build-state.ts';
import { defineHandler } from '#runtime/define-handler.ts';
import { createFlowContainer } from '#runtime/flow-container.ts';
import { notifyBuildOutcome, notifyContext } from '#runtime/notify-outcome.ts';

/** CodeBuild build state changes → pull-request comments and approvals (the parser checks the kind). */
export const handler = defineHandler(
  'BuildReportFunction',
  createFlowContainer,
  async (envelope, container) => {
    const build = buildEvent(envelope);
    const result = await reportBuild(build, await container.flow(), container.logger);
    await notifyBuildOutcome(
      notifyContext(container, () => container.flow()),
      build,
      result,
    );
    return result;
  },
);
