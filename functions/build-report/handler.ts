import { reportBuild } from '#app/build-report/report-build.ts';
import { BUILD_STATE_CHANGE, fromEnvelope as buildEvent } from '#parsers/codebuild-build-state.ts';
import { eventUnion } from '#parsers/event-union.ts';
import { defineHandler } from '#runtime/define-handler.ts';
import { createFlowContainer } from '#runtime/flow-container.ts';
import { notifyBuildOutcome, notifyContext } from '#runtime/notify-outcome.ts';

/** CodeBuild build state changes → pull-request comments and approvals. */
export const handler = defineHandler(
  'BuildReportFunction',
  createFlowContainer,
  eventUnion({ [BUILD_STATE_CHANGE]: buildEvent }),
  {
    [BUILD_STATE_CHANGE]: async ({ detail: build }, container) => {
      const result = await reportBuild(build, await container.flow(), container.logger);
      await notifyBuildOutcome(
        notifyContext(container, () => container.flow()),
        build,
        result,
      );
      return result;
    },
  },
);
