import { CodeBuildClient, StartBuildCommand, type StartBuildCommandOutput } from '@aws-sdk/client-codebuild';
import { type BuildRequest, BuildStartError, type BuildStarter } from '#app/ports/build-starter.ts';
import { clientFor } from './clients.ts';

export { BuildStartError } from '#app/ports/build-starter.ts';

export interface CodeBuildStarterOptions {
  /** An injected client (tests pass their own); otherwise a shared default client. */
  client?: CodeBuildClient;
  /** Region of the default client; the SDK's chain (AWS_REGION, profile) decides when absent. */
  region?: string;
}

const errorName = (error: unknown): string | undefined =>
  error instanceof Error && typeof error.name === 'string' ? error.name : undefined;

/**
 * Starts CodeBuild builds with StartBuild. The client token becomes CodeBuild's idempotency token, so
 * a retried start within its window answers the build already started. Throttling and 5xx answers
 * are retried by the SDK; errors other than an unknown project propagate unchanged.
 */
export function createCodeBuildStarter(options: CodeBuildStarterOptions = {}): BuildStarter {
  const client = async (): Promise<CodeBuildClient> =>
    options.client ?? clientFor(CodeBuildClient, { region: options.region });
  return {
    async startBuild(request: BuildRequest): Promise<{ buildArn: string }> {
      const { project } = request;
      let output: StartBuildCommandOutput;
      try {
        output = await (await client()).send(
          new StartBuildCommand({
            projectName: project,
            sourceVersion: request.sourceVersion,
            environmentVariablesOverride: Object.entries(request.environment).map(([name, value]) => ({
              name,
              value,
              type: 'PLAINTEXT',
            })),
            idempotencyToken: request.clientToken,
          }),
        );
      } catch (error) {
        if (errorName(error) === 'ResourceNotFoundException') {
          throw new BuildStartError(
            project,
            `CodeBuild project ${project} does not exist in this account and region; create it, or set flow.<repository>.validation.project to an existing project`,
            { cause: error },
          );
        }
        throw error;
      }
      const buildArn = output.build?.arn;
      if (buildArn === undefined) throw new Error(`StartBuild for project ${project} answered no build ARN`);
      return { buildArn };
    },
  };
}
