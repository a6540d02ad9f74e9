import {
  AccountLimitExceededException,
  CodeBuildClient,
  ResourceNotFoundException,
  type StartBuildCommandInput,
} from '@aws-sdk/client-codebuild';
import { describe, expect, it } from 'vitest';
import { BuildStartError, createCodeBuildStarter } from '#adapters/aws/codebuild-build-starter.ts';
import type { BuildRequest } from '#app/ports/build-starter.ts';
import { classifyError } from '#runtime/classify-error.ts';
import { rejectionOf } from '../../emulators/codecommit/assertions.ts';

const BUILD_ARN = 'arn:aws:codebuild:eu-west-1:123456789012:build/manifests-validate:5f0c2a8e';

/**
 * A real client whose requests stop before the network: the first middleware records each command
 * and its input, then answers `respond`'s output or throws its error. Narrow on purpose: it checks the
 * request shape and the error mapping, not CodeBuild's behaviour.
 */
function stubbedClient(respond: () => Record<string, unknown>) {
  const client = new CodeBuildClient({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const sent: Array<{ command: string; input: StartBuildCommandInput }> = [];
  client.middlewareStack.add(
    (_next, context) => async (args) => {
      sent.push({ command: context.commandName as string, input: args.input as StartBuildCommandInput });
      return { output: { $metadata: {}, ...respond() }, response: {} };
    },
    { step: 'initialize', priority: 'high' },
  );
  return { client, sent };
}

const request: BuildRequest = {
  project: 'manifests-validate',
  sourceVersion: '0123456789abcdef0123456789abcdef01234567',
  environment: { PULL_REQUEST_ID: '42', REVISION_ID: 'a'.repeat(64) },
  clientToken: 'event-7d1c',
};

describe('CodeBuild build starter', () => {
  it('starts the project on the commit with plain-text overrides and the idempotency token', async () => {
    const { client, sent } = stubbedClient(() => ({ build: { arn: BUILD_ARN } }));
    const result = await createCodeBuildStarter({ client }).startBuild(request);
    expect(result).toEqual({ buildArn: BUILD_ARN });
    expect(sent).toEqual([
      {
        command: 'StartBuildCommand',
        input: {
          projectName: 'manifests-validate',
          sourceVersion: request.sourceVersion,
          environmentVariablesOverride: [
            { name: 'PULL_REQUEST_ID', value: '42', type: 'PLAINTEXT' },
            { name: 'REVISION_ID', value: 'a'.repeat(64), type: 'PLAINTEXT' },
          ],
          idempotencyToken: 'event-7d1c',
        },
      },
    ]);
  });

  it('throws a permanent BuildStartError naming the project when the project does not exist', async () => {
    const { client } = stubbedClient(() => {
      throw new ResourceNotFoundException({
        message:
          'Project cannot be found: arn:aws:codebuild:eu-west-1:123456789012:project/manifests-validate',
        $metadata: { httpStatusCode: 400 },
      });
    });
    const error = await rejectionOf(createCodeBuildStarter({ client }).startBuild(request));
    expect(error).toBeInstanceOf(BuildStartError);
    expect(error.name).toBe('BuildStartError');
    expect(error.message).toContain('CodeBuild project manifests-validate does not exist');
    expect(error.message).toContain('validation.project');
    expect((error as unknown as BuildStartError).project).toBe('manifests-validate');
    expect((error as Error).cause).toBeInstanceOf(ResourceNotFoundException);
    expect(classifyError(error)).toBe('permanent');
  });

  it('lets other service errors through unchanged, as transient', async () => {
    const limit = new AccountLimitExceededException({
      message: 'Cannot have more than 60 active builds for the account',
      $metadata: { httpStatusCode: 400 },
    });
    const { client } = stubbedClient(() => {
      throw limit;
    });
    const error = await rejectionOf(createCodeBuildStarter({ client }).startBuild(request));
    expect(error).toBe(limit);
    expect(classifyError(error)).toBe('transient');
  });

  it('throws when StartBuild answers no build ARN', async () => {
    const { client } = stubbedClient(() => ({ build: {} }));
    await expect(createCodeBuildStarter({ client }).startBuild(request)).rejects.toThrow(
      'StartBuild for project manifests-validate answered no build ARN',
    );
  });
});
