import { reportBuild } from '#app/build-report/report-build.ts';
import { fromEnvelope as buildEvent } from '#parsers/codebuild-build-state.ts';
import { defineHandler } from '#runtime/define-handler.ts';
import { createFlowContainer } from '#runtime/flow-container.ts';

/** CodeBuild build state changes → pull-request comments and approvals (the parser checks the kind). */
export const handler = defineHandler(
  'BuildReportFunction',
  createFlowContainer,
  async (envelope, container) => reportBuild(buildEvent(envelope), await container.flow(), container.logger),
);
