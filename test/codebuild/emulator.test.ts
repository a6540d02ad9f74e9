import {
  BatchGetBuildsCommand,
  BatchGetProjectsCommand,
  CodeBuildClient,
  CreateProjectCommand,
  type CreateProjectCommandInput,
  InvalidInputException,
  ListBuildsForProjectCommand,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
  StartBuildCommand,
  type StartBuildCommandInput,
  StopBuildCommand,
} from '@aws-sdk/client-codebuild';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildStateEvent, eventTimestamp } from '#test/codebuild-events.ts';
import { startEmulators } from '#test/emulators.ts';
import { type CodeBuildEmulator, startCodeBuildEmulator } from '../emulators/codebuild/server.ts';
import { rejectionOf } from '../emulators/codecommit/assertions.ts';

let emulator: CodeBuildEmulator;
let client: CodeBuildClient;
let projectCount = 0;

function clientFor(target: CodeBuildEmulator, options: { maxAttempts?: number } = {}): CodeBuildClient {
  return new CodeBuildClient({
    endpoint: target.endpoint,
    region: target.region,
    credentials: { accessKeyId: 'AKIDVALIDATOR', secretAccessKey: 'test' },
    ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
  });
}

beforeAll(async () => {
  emulator = await startCodeBuildEmulator({ region: 'eu-west-1' });
  client = clientFor(emulator);
});
afterAll(async () => {
  client.destroy();
  await emulator.stop();
});
afterEach(() => {
  emulator.faults.reset();
  emulator.calls.length = 0;
});

/** A fresh project with one project-level variable, so merges with overrides are visible. */
function project(): string {
  const name = `validate-${++projectCount}`;
  emulator.createProject(name, {
    environment: {
      environmentVariables: [
        { name: 'STAGE', value: 'ci' },
        { name: 'REGION', value: 'eu-west-1' },
      ],
    },
  });
  return name;
}

const SOURCE_COMMIT = 'a'.repeat(40);
const overrides = [
  { name: 'PULL_REQUEST_ID', value: '2', type: 'PLAINTEXT' as const },
  { name: 'STAGE', value: 'pull-request', type: 'PLAINTEXT' as const },
  { name: 'GITLAB_TOKEN', value: '/flowkeeper/gitlab-token', type: 'PARAMETER_STORE' as const },
];

const start = (input: StartBuildCommandInput) => client.send(new StartBuildCommand(input));

async function expectInvalidInput(call: Promise<unknown>, messagePart: string): Promise<void> {
  const error = await rejectionOf(call);
  expect(error).toBeInstanceOf(InvalidInputException);
  expect(error.message).toContain(messagePart);
  expect(error.$metadata.httpStatusCode).toBe(400);
}

const SIGNED = 'AWS4-HMAC-SHA256 Credential=test/20260310/eu-west-1/codebuild/aws4_request, Signature=0';

async function post(target: string, body: string, authorization: string | null = SIGNED) {
  const response = await fetch(emulator.endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': target,
      ...(authorization === null ? {} : { authorization }),
    },
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('wire protocol', () => {
  it('throws UnknownOperationException for an unknown or foreign target', async () => {
    for (const target of ['CodeBuild_20161006.DeleteEverything', 'CodeCommit_20150413.GetFile', '']) {
      const response = await post(target, '{}');
      expect(response.status).toBe(400);
      expect(response.body.__type).toBe('UnknownOperationException');
    }
  });

  it('rejects an unsigned request and a signature scoped to another service', async () => {
    const name = project();
    const body = JSON.stringify({ projectName: name });
    const unsigned = await post('CodeBuild_20161006.StartBuild', body, null);
    expect(unsigned).toMatchObject({ status: 400, body: { __type: 'MissingAuthenticationTokenException' } });
    const foreign = await post(
      'CodeBuild_20161006.StartBuild',
      body,
      SIGNED.replace('/codebuild/', '/codecommit/'),
    );
    expect(foreign).toMatchObject({ status: 400, body: { __type: 'InvalidSignatureException' } });
    expect(emulator.builds().filter((build) => build.projectName === name)).toEqual([]);
  });

  it('answers an unreadable body with SerializationException', async () => {
    const response = await post('CodeBuild_20161006.StartBuild', '{not json');
    expect(response).toMatchObject({ status: 400, body: { __type: 'SerializationException' } });
  });

  it('logs each API call with its input and outcome, but not the test controls', async () => {
    const name = project();
    await start({ projectName: name });
    await rejectionOf(start({ projectName: 'no-such-project' }));
    expect(
      emulator.calls.map(({ operation, input, status, errorType }) => ({
        operation,
        input,
        status,
        errorType,
      })),
    ).toEqual([
      { operation: 'StartBuild', input: { projectName: name }, status: 200, errorType: undefined },
      {
        operation: 'StartBuild',
        input: { projectName: 'no-such-project' },
        status: 400,
        errorType: 'ResourceNotFoundException',
      },
    ]);
  });
});

const projectInput = (overridesOf: Partial<CreateProjectCommandInput> = {}): CreateProjectCommandInput => ({
  name: `api-project-${++projectCount}`,
  source: {
    type: 'CODECOMMIT',
    location: 'https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/app-manifests',
  },
  artifacts: { type: 'NO_ARTIFACTS' },
  environment: {
    type: 'LINUX_CONTAINER',
    image: 'aws/codebuild/standard:7.0',
    computeType: 'BUILD_GENERAL1_SMALL',
  },
  serviceRole: 'arn:aws:iam::123456789012:role/codebuild-validate',
  ...overridesOf,
});

describe('CreateProject and BatchGetProjects', () => {
  it('creates a project that BatchGetProjects finds by name or ARN', async () => {
    const input = projectInput({
      environment: {
        type: 'LINUX_CONTAINER',
        image: 'aws/codebuild/standard:7.0',
        computeType: 'BUILD_GENERAL1_SMALL',
        environmentVariables: [{ name: 'STAGE', value: 'ci' }],
      },
    });
    const { project: created } = await client.send(new CreateProjectCommand(input));
    expect(created).toMatchObject({
      name: input.name,
      arn: `arn:aws:codebuild:eu-west-1:123456789012:project/${input.name}`,
      source: input.source,
      artifacts: { type: 'NO_ARTIFACTS' },
      environment: { environmentVariables: [{ name: 'STAGE', value: 'ci', type: 'PLAINTEXT' }] },
      serviceRole: input.serviceRole,
      timeoutInMinutes: 60,
      queuedTimeoutInMinutes: 480,
    });
    expect(created?.created).toBeInstanceOf(Date);

    const found = await client.send(
      new BatchGetProjectsCommand({ names: [input.name ?? '', created?.arn ?? '', 'missing-project'] }),
    );
    expect(found.projects?.map((project) => project.name)).toEqual([input.name, input.name]);
    expect(found.projectsNotFound).toEqual(['missing-project']);
  });

  it('throws ResourceAlreadyExistsException for a name already taken', async () => {
    const input = projectInput();
    await client.send(new CreateProjectCommand(input));
    const error = await rejectionOf(client.send(new CreateProjectCommand(input)));
    expect(error).toBeInstanceOf(ResourceAlreadyExistsException);
    const name = project();
    const again = await rejectionOf(client.send(new CreateProjectCommand(projectInput({ name }))));
    expect(again).toBeInstanceOf(ResourceAlreadyExistsException);
  });

  it.each([
    ['no name', { name: undefined }, "at 'name'"],
    ['a one-character name', { name: 'x' }, "at 'name'"],
    ['a name with a dot', { name: 'my.project' }, 'regular expression pattern'],
    ['no source', { source: undefined }, "at 'source'"],
    ['an unknown source type', { source: { type: 'SVN' as 'S3', location: 'x' } }, "at 'source.type'"],
    [
      'a CODECOMMIT source without location',
      { source: { type: 'CODECOMMIT' as const } },
      'location is required',
    ],
    [
      'a NO_SOURCE source without buildspec',
      { source: { type: 'NO_SOURCE' as const } },
      'buildspec is required',
    ],
    ['no artifacts', { artifacts: undefined }, "at 'artifacts'"],
    ['S3 artifacts without location', { artifacts: { type: 'S3' as const } }, 'location is required for S3'],
    [
      'CODEPIPELINE artifacts with a CODECOMMIT source',
      { artifacts: { type: 'CODEPIPELINE' as const } },
      'CODEPIPELINE',
    ],
    ['no environment', { environment: undefined }, "at 'environment'"],
    [
      'an environment without image',
      {
        environment: {
          type: 'LINUX_CONTAINER' as const,
          computeType: 'BUILD_GENERAL1_SMALL' as const,
          image: undefined,
        },
      },
      "at 'environment.image'",
    ],
    [
      'an unknown compute type',
      {
        environment: {
          type: 'LINUX_CONTAINER' as const,
          image: 'i',
          computeType: 'HUGE' as 'BUILD_GENERAL1_SMALL',
        },
      },
      "at 'environment.computeType'",
    ],
    [
      'a variable without value',
      {
        environment: {
          type: 'LINUX_CONTAINER' as const,
          image: 'i',
          computeType: 'BUILD_GENERAL1_SMALL' as const,
          environmentVariables: [{ name: 'A', value: undefined }],
        },
      },
      "at 'environment.environmentVariables.1.member.value'",
    ],
    ['no service role', { serviceRole: undefined }, "at 'serviceRole'"],
    ['a 2-minute timeout', { timeoutInMinutes: 2 }, "at 'timeoutInMinutes'"],
  ] as [string, Partial<CreateProjectCommandInput>, string][])(
    'throws InvalidInputException for %s',
    async (_, change, part) => {
      const input = projectInput(change);
      await expectInvalidInput(client.send(new CreateProjectCommand(input)), part);
      if (input.name) {
        const found = await client.send(new BatchGetProjectsCommand({ names: [input.name] }));
        expect(found.projects).toEqual([]);
      }
    },
  );

  it('throws InvalidInputException for an empty or oversized name list', async () => {
    await expectInvalidInput(client.send(new BatchGetProjectsCommand({ names: [] })), "at 'names'");
    const names = Array.from({ length: 101 }, (_, index) => `p-${index}`);
    await expectInvalidInput(
      client.send(new BatchGetProjectsCommand({ names })),
      'less than or equal to 100',
    );
  });
});

describe('StartBuild', () => {
  it('starts an IN_PROGRESS build with the overrides merged into the project environment', async () => {
    const name = project();
    const before = Date.now();
    const { build } = await start({
      projectName: name,
      sourceVersion: SOURCE_COMMIT,
      environmentVariablesOverride: overrides,
      buildspecOverride: 'buildspec-pr.yml',
    });
    expect(build?.id).toMatch(
      new RegExp(`^${name}:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`),
    );
    expect(build).toMatchObject({
      arn: `arn:aws:codebuild:eu-west-1:123456789012:build/${build?.id}`,
      buildNumber: 1,
      projectName: name,
      buildStatus: 'IN_PROGRESS',
      currentPhase: 'SUBMITTED',
      buildComplete: false,
      sourceVersion: SOURCE_COMMIT,
      source: {
        type: 'CODECOMMIT',
        location: `https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/${name}`,
        buildspec: 'buildspec-pr.yml',
      },
      initiator: 'AKIDVALIDATOR',
      logs: {
        deepLink:
          'https://console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logEvent:group=null;stream=null',
      },
    });
    expect(build?.logs?.groupName).toBeUndefined();
    expect(build?.environment?.environmentVariables).toEqual([
      { name: 'STAGE', value: 'pull-request', type: 'PLAINTEXT' },
      { name: 'REGION', value: 'eu-west-1', type: 'PLAINTEXT' },
      { name: 'PULL_REQUEST_ID', value: '2', type: 'PLAINTEXT' },
      { name: 'GITLAB_TOKEN', value: '/flowkeeper/gitlab-token', type: 'PARAMETER_STORE' },
    ]);
    expect(build?.startTime?.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(build?.startTime?.getTime()).toBeLessThanOrEqual(Date.now());
  });

  it('numbers builds per project from 1 and applies source overrides', async () => {
    const first = project();
    const second = project();
    const numbers = [];
    for (const name of [first, first, second, first]) {
      numbers.push((await start({ projectName: name })).build?.buildNumber);
    }
    expect(numbers).toEqual([1, 2, 1, 3]);
    const { build } = await start({
      projectName: second,
      sourceTypeOverride: 'GITHUB',
      sourceLocationOverride: 'https://github.com/example/app-manifests.git',
      sourceVersion: 'pr/12',
    });
    expect(build?.source).toMatchObject({
      type: 'GITHUB',
      location: 'https://github.com/example/app-manifests.git',
    });
    expect(build?.sourceVersion).toBe('pr/12');
  });

  it('throws ResourceNotFoundException for an unknown project and starts nothing', async () => {
    const count = emulator.builds().length;
    const error = await rejectionOf(start({ projectName: 'no-such-project' }));
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect(error.message).toContain('arn:aws:codebuild:eu-west-1:123456789012:project/no-such-project');
    expect(emulator.builds()).toHaveLength(count);
  });

  it.each([
    ['no project name', { projectName: undefined }, "at 'projectName'"],
    [
      'a variable without name',
      { environmentVariablesOverride: [{ name: undefined, value: 'x' }] },
      '.1.member.name',
    ],
    [
      'an unknown variable type',
      { environmentVariablesOverride: [{ name: 'A', value: 'x', type: 'VAULT' as 'PLAINTEXT' }] },
      '.1.member.type',
    ],
    ['an unknown source type', { sourceTypeOverride: 'SVN' as 'S3' }, "at 'sourceTypeOverride'"],
    [
      'a NO_SOURCE override without buildspec',
      { sourceTypeOverride: 'NO_SOURCE' as const },
      'buildspec is required',
    ],
    ['a 3000-minute timeout', { timeoutInMinutesOverride: 3000 }, "at 'timeoutInMinutesOverride'"],
  ] as [string, Partial<StartBuildCommandInput>, string][])(
    'throws InvalidInputException for %s',
    async (_, change, part) => {
      const name = project();
      await expectInvalidInput(start({ projectName: name, ...change } as StartBuildCommandInput), part);
      expect(emulator.builds().filter((build) => build.projectName === name)).toEqual([]);
    },
  );

  it('builds without source when NO_SOURCE comes with a buildspec', async () => {
    const { build } = await start({
      projectName: project(),
      sourceTypeOverride: 'NO_SOURCE',
      buildspecOverride: 'version: 0.2\nphases:\n  build:\n    commands: [./validate.sh]\n',
    });
    expect(build?.source?.type).toBe('NO_SOURCE');
    expect(build?.source?.location).toBeUndefined();
  });
});

describe('idempotency tokens', () => {
  it('answers the same build for the same token and request, starting one build only', async () => {
    const name = project();
    const input = {
      projectName: name,
      sourceVersion: SOURCE_COMMIT,
      environmentVariablesOverride: overrides,
    };
    const first = await start({ ...input, idempotencyToken: 'event-1' });
    const second = await start({ idempotencyToken: 'event-1', ...input });
    expect(second.build?.id).toBe(first.build?.id);
    expect(emulator.builds().filter((build) => build.projectName === name)).toHaveLength(1);
    const listed = await client.send(new ListBuildsForProjectCommand({ projectName: name }));
    expect(listed.ids).toEqual([first.build?.id]);
  });

  it('answers the build in its current state when the request is repeated after it finished', async () => {
    const name = project();
    const first = await start({ projectName: name, idempotencyToken: 'event-2' });
    emulator.finishBuild(first.build?.id ?? '', 'SUCCEEDED');
    const again = await start({ projectName: name, idempotencyToken: 'event-2' });
    expect(again.build).toMatchObject({ id: first.build?.id, buildStatus: 'SUCCEEDED', buildComplete: true });
  });

  it.each([
    ['another source version', { sourceVersion: 'b'.repeat(40) }],
    ['another variable value', { environmentVariablesOverride: [{ name: 'PULL_REQUEST_ID', value: '3' }] }],
    ['an extra override', { buildspecOverride: 'other.yml' }],
  ])('throws InvalidInputException for the same token with %s', async (_, change) => {
    const name = project();
    const input: StartBuildCommandInput = {
      projectName: name,
      sourceVersion: SOURCE_COMMIT,
      environmentVariablesOverride: [{ name: 'PULL_REQUEST_ID', value: '2' }],
      idempotencyToken: `event-3-${name}`,
    };
    await start(input);
    await expectInvalidInput(start({ ...input, ...change }), `event-3-${name}`);
    expect(emulator.builds().filter((build) => build.projectName === name)).toHaveLength(1);
  });

  it('throws InvalidInputException when the token is reused for another project', async () => {
    await start({ projectName: project(), idempotencyToken: 'event-4' });
    await expectInvalidInput(start({ projectName: project(), idempotencyToken: 'event-4' }), 'event-4');
  });

  it('starts a new build once the token is 5 minutes old', async () => {
    let now = Date.UTC(2026, 2, 10, 9, 31, 12);
    const timed = await startCodeBuildEmulator({ now: () => now });
    const timedClient = clientFor(timed);
    try {
      timed.createProject('timed');
      const send = () =>
        timedClient.send(new StartBuildCommand({ projectName: 'timed', idempotencyToken: 't' }));
      const first = await send();
      now += 5 * 60_000 - 1;
      expect((await send()).build?.id).toBe(first.build?.id);
      now += 1;
      const later = await send();
      expect(later.build?.id).not.toBe(first.build?.id);
      expect(later.build?.buildNumber).toBe(2);
      expect(timed.builds().map((build) => build.startTime)).toEqual([now - 5 * 60_000, now]);
    } finally {
      timedClient.destroy();
      await timed.stop();
    }
  });

  it('keeps a retried StartBuild whose response was lost to one build when it carries a token', async () => {
    const name = project();
    emulator.faults.failSequence(['lostResponse'], 'StartBuild');
    const { build, $metadata } = await start({ projectName: name, idempotencyToken: 'event-5' });
    expect($metadata.attempts).toBe(2);
    expect(
      emulator
        .builds()
        .filter((each) => each.projectName === name)
        .map((each) => each.id),
    ).toEqual([build?.id]);

    emulator.faults.failSequence(['lostResponse'], 'StartBuild');
    await start({ projectName: name });
    expect(emulator.builds().filter((each) => each.projectName === name)).toHaveLength(3);
  });
});

describe('BatchGetBuilds', () => {
  it('answers builds in the order asked, with their overrides, and lists unknown ids', async () => {
    const name = project();
    const first =
      (await start({ projectName: name, environmentVariablesOverride: overrides })).build?.id ?? '';
    const second = (await start({ projectName: name })).build?.id ?? '';
    const missing = `${name}:00000000-0000-4000-8000-000000000000`;
    const output = await client.send(new BatchGetBuildsCommand({ ids: [second, missing, first, second] }));
    expect(output.builds?.map((build) => build.id)).toEqual([second, first]);
    expect(output.buildsNotFound).toEqual([missing]);
    expect(output.builds?.[1]?.environment?.environmentVariables).toContainEqual({
      name: 'PULL_REQUEST_ID',
      value: '2',
      type: 'PLAINTEXT',
    });
  });

  it('shows a finished build with its phases, end time and log stream', async () => {
    const name = project();
    const id = (await start({ projectName: name })).build?.id ?? '';
    const finished = emulator.finishBuild(id, 'FAILED');
    const { builds } = await client.send(new BatchGetBuildsCommand({ ids: [id] }));
    const build = builds?.[0];
    const uuid = id.slice(name.length + 1);
    expect(build).toMatchObject({
      buildStatus: 'FAILED',
      buildComplete: true,
      currentPhase: 'COMPLETED',
      logs: {
        groupName: `/aws/codebuild/${name}`,
        streamName: uuid,
        deepLink: `https://console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logEvent:group=/aws/codebuild/${name};stream=${uuid}`,
      },
    });
    expect(build?.endTime?.getTime()).toBe(finished.endTime);
    expect(build?.phases?.map((phase) => [phase.phaseType, phase.phaseStatus])).toEqual([
      ['SUBMITTED', 'SUCCEEDED'],
      ['QUEUED', 'SUCCEEDED'],
      ['PROVISIONING', 'SUCCEEDED'],
      ['DOWNLOAD_SOURCE', 'SUCCEEDED'],
      ['INSTALL', 'SUCCEEDED'],
      ['PRE_BUILD', 'SUCCEEDED'],
      ['BUILD', 'FAILED'],
      ['POST_BUILD', 'SUCCEEDED'],
      ['UPLOAD_ARTIFACTS', 'SUCCEEDED'],
      ['FINALIZING', 'SUCCEEDED'],
      ['COMPLETED', undefined],
    ]);
    expect(build?.phases?.[6]?.contexts).toEqual([
      {
        statusCode: 'COMMAND_EXECUTION_ERROR',
        message: 'Error while executing command: ./validate.sh. Reason: exit status 1',
      },
    ]);
  });

  it('throws InvalidInputException for an empty or oversized id list', async () => {
    await expectInvalidInput(client.send(new BatchGetBuildsCommand({ ids: [] })), "at 'ids'");
    const ids = Array.from({ length: 101 }, (_, index) => `p:${index}`);
    await expectInvalidInput(client.send(new BatchGetBuildsCommand({ ids })), 'less than or equal to 100');
  });
});

describe('StopBuild', () => {
  it('stops a running build', async () => {
    const id = (await start({ projectName: project() })).build?.id ?? '';
    const { build } = await client.send(new StopBuildCommand({ id }));
    expect(build).toMatchObject({
      id,
      buildStatus: 'STOPPED',
      buildComplete: true,
      currentPhase: 'COMPLETED',
    });
    const { builds } = await client.send(new BatchGetBuildsCommand({ ids: [id] }));
    expect(builds?.[0]?.buildStatus).toBe('STOPPED');
    expect(builds?.[0]?.phases?.find((phase) => phase.phaseType === 'BUILD')?.phaseStatus).toBe('STOPPED');
  });

  it('throws InvalidInputException for a build that already finished', async () => {
    const id = (await start({ projectName: project() })).build?.id ?? '';
    emulator.finishBuild(id, 'SUCCEEDED');
    await expectInvalidInput(client.send(new StopBuildCommand({ id })), 'SUCCEEDED');
    expect(emulator.builds().find((build) => build.id === id)?.status).toBe('SUCCEEDED');
  });

  it('throws ResourceNotFoundException for an unknown build', async () => {
    const error = await rejectionOf(client.send(new StopBuildCommand({ id: 'nobody:0000' })));
    expect(error).toBeInstanceOf(ResourceNotFoundException);
  });
});

describe('ListBuildsForProject', () => {
  let paged: CodeBuildEmulator;
  let pagedClient: CodeBuildClient;

  beforeAll(async () => {
    paged = await startCodeBuildEmulator({ pageSize: 2 });
    pagedClient = clientFor(paged);
  });
  afterAll(async () => {
    pagedClient.destroy();
    await paged.stop();
  });

  async function startMany(name: string, count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let index = 0; index < count; index++) {
      ids.push((await pagedClient.send(new StartBuildCommand({ projectName: name }))).build?.id ?? '');
    }
    return ids;
  }

  async function listAll(name: string, sortOrder?: 'ASCENDING' | 'DESCENDING'): Promise<string[][]> {
    const pages: string[][] = [];
    let nextToken: string | undefined;
    do {
      const page = await pagedClient.send(
        new ListBuildsForProjectCommand({ projectName: name, sortOrder, nextToken }),
      );
      pages.push(page.ids ?? []);
      nextToken = page.nextToken;
    } while (nextToken !== undefined);
    return pages;
  }

  it('lists newest first, a page at a time, and oldest first on request', async () => {
    paged.createProject('listed');
    paged.createProject('other');
    const ids = await startMany('listed', 5);
    await startMany('other', 1);
    expect(await listAll('listed')).toEqual([[ids[4], ids[3]], [ids[2], ids[1]], [ids[0]]]);
    expect(await listAll('listed', 'ASCENDING')).toEqual([[ids[0], ids[1]], [ids[2], ids[3]], [ids[4]]]);
  });

  it('keeps later pages stable when builds start between pages', async () => {
    paged.createProject('moving');
    const ids = await startMany('moving', 3);
    const first = await pagedClient.send(new ListBuildsForProjectCommand({ projectName: 'moving' }));
    await startMany('moving', 2);
    const second = await pagedClient.send(
      new ListBuildsForProjectCommand({ projectName: 'moving', nextToken: first.nextToken }),
    );
    expect([...(first.ids ?? []), ...(second.ids ?? [])]).toEqual([ids[2], ids[1], ids[0]]);
    expect(second.nextToken).toBeUndefined();
  });

  it('answers no ids for a project without builds', async () => {
    paged.createProject('idle');
    const output = await pagedClient.send(new ListBuildsForProjectCommand({ projectName: 'idle' }));
    expect(output.ids).toEqual([]);
    expect(output.nextToken).toBeUndefined();
  });

  it('throws for an unknown project and for a token of another listing', async () => {
    const error = await rejectionOf(
      pagedClient.send(new ListBuildsForProjectCommand({ projectName: 'ghost' })),
    );
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    paged.createProject('tokens');
    await startMany('tokens', 3);
    const { nextToken } = await pagedClient.send(new ListBuildsForProjectCommand({ projectName: 'tokens' }));
    await expectInvalidInput(
      pagedClient.send(new ListBuildsForProjectCommand({ projectName: 'listed', nextToken })),
      'nextToken',
    );
    await expectInvalidInput(
      pagedClient.send(
        new ListBuildsForProjectCommand({ projectName: 'tokens', sortOrder: 'ASCENDING', nextToken }),
      ),
      'nextToken',
    );
    await expectInvalidInput(
      pagedClient.send(new ListBuildsForProjectCommand({ projectName: 'tokens', nextToken: 'garbage' })),
      'nextToken',
    );
  });
});

describe('finishBuild', () => {
  it('runs every phase back to back when the build succeeds', async () => {
    const id = (await start({ projectName: project() })).build?.id ?? '';
    const build = emulator.finishBuild(id, 'SUCCEEDED', { buildSeconds: 40 });
    expect(build.phases.at(-1)).toEqual({ type: 'COMPLETED', startTime: build.endTime });
    const ran = build.phases.slice(0, -1);
    expect(ran.every((phase) => phase.status === 'SUCCEEDED')).toBe(true);
    expect(ran.find((phase) => phase.type === 'BUILD')?.durationInSeconds).toBe(40);
    const total = ran.reduce((sum, phase) => sum + (phase.durationInSeconds ?? 0), 0);
    expect(build.endTime).toBe(build.startTime + total * 1000);
    for (const [index, phase] of ran.entries()) {
      expect(phase.startTime).toBe(index === 0 ? build.startTime : ran[index - 1]?.endTime);
    }
  });

  it('ends a build in the phase and context asked for, skipping the build phases after it', async () => {
    const id = (await start({ projectName: project() })).build?.id ?? '';
    const build = emulator.finishBuild(id, 'FAILED', {
      phase: 'PRE_BUILD',
      context: 'COMMAND_EXECUTION_ERROR: Error while executing command: npm ci. Reason: exit status 1',
    });
    expect(build.phases.map((phase) => [phase.type, phase.status])).toEqual([
      ['SUBMITTED', 'SUCCEEDED'],
      ['QUEUED', 'SUCCEEDED'],
      ['PROVISIONING', 'SUCCEEDED'],
      ['DOWNLOAD_SOURCE', 'SUCCEEDED'],
      ['INSTALL', 'SUCCEEDED'],
      ['PRE_BUILD', 'FAILED'],
      ['FINALIZING', 'SUCCEEDED'],
      ['COMPLETED', undefined],
    ]);
    expect(build.phases[5]?.contexts).toEqual([
      {
        statusCode: 'COMMAND_EXECUTION_ERROR',
        message: 'Error while executing command: npm ci. Reason: exit status 1',
      },
    ]);
  });

  it('accepts the build ARN and refuses unknown builds, finished builds and unknown phases', async () => {
    const { build } = await start({ projectName: project() });
    expect(() => emulator.finishBuild(build?.id ?? '', 'FAILED', { phase: 'LINT' })).toThrow("phase 'LINT'");
    expect(emulator.finishBuild(build?.arn ?? '', 'TIMED_OUT').status).toBe('TIMED_OUT');
    expect(() => emulator.finishBuild(build?.id ?? '', 'SUCCEEDED')).toThrow('already finished');
    expect(() => emulator.finishBuild('nobody:0000', 'SUCCEEDED')).toThrow("No build 'nobody:0000'");
  });

  it('hands out copies that tests cannot use to change the emulator', async () => {
    const id = (await start({ projectName: project() })).build?.id ?? '';
    const copy = emulator.builds().find((build) => build.id === id);
    if (copy) copy.status = 'SUCCEEDED';
    expect(emulator.builds().find((build) => build.id === id)?.status).toBe('IN_PROGRESS');
  });
});

describe('buildStateEvent', () => {
  async function startedBuild(input: Partial<StartBuildCommandInput> = {}) {
    const name = project();
    const id = (await start({ projectName: name, sourceVersion: SOURCE_COMMIT, ...input })).build?.id ?? '';
    const build = emulator.builds().find((each) => each.id === id);
    if (build === undefined) throw new Error('the build is missing');
    return build;
  }

  it('shapes an IN_PROGRESS event with no phases and a log link to no stream', async () => {
    const build = await startedBuild({ environmentVariablesOverride: overrides });
    const event = buildStateEvent(build, 'IN_PROGRESS', { id: 'evt-1' });
    expect(event).toMatchObject({
      version: '0',
      id: 'evt-1',
      'detail-type': 'CodeBuild Build State Change',
      source: 'aws.codebuild',
      account: '123456789012',
      region: 'eu-west-1',
      resources: [build.arn],
      time: new Date(build.startTime).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      detail: {
        'build-status': 'IN_PROGRESS',
        'project-name': build.projectName,
        'build-id': build.arn,
        'current-phase': 'SUBMITTED',
        'current-phase-context': '[]',
        version: '1',
      },
    });
    const info = event.detail['additional-information'];
    expect(info.logs).toEqual({
      'deep-link':
        'https://console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logEvent:group=null;stream=null',
    });
    expect('phases' in info).toBe(false);
    expect(info['build-complete']).toBe(false);
    expect(info['build-number']).toBe(1);
    expect(info['build-start-time']).toBe(eventTimestamp(build.startTime));
    expect(info['source-version']).toBe(SOURCE_COMMIT);
    expect(info.source).toEqual({
      type: 'CODECOMMIT',
      location: `https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/${build.projectName}`,
    });
    expect(info.environment['environment-variables']).toEqual([
      { name: 'STAGE', type: 'PLAINTEXT', value: 'pull-request' },
      { name: 'REGION', type: 'PLAINTEXT', value: 'eu-west-1' },
      { name: 'PULL_REQUEST_ID', type: 'PLAINTEXT', value: '2' },
      { name: 'GITLAB_TOKEN', type: 'PARAMETER_STORE', value: '/flowkeeper/gitlab-token' },
    ]);
    expect(info.initiator).toBe('AKIDVALIDATOR');
  });

  it('shapes a FAILED event with every phase, the failing command and the log stream', async () => {
    const build = await startedBuild();
    const event = buildStateEvent(build, 'FAILED');
    const info = event.detail['additional-information'];
    const uuid = build.id.slice(build.projectName.length + 1);
    expect(event.detail['current-phase']).toBe('COMPLETED');
    expect(event.detail['current-phase-context']).toBe('[: ]');
    expect(info['build-complete']).toBe(true);
    expect(info.logs).toEqual({
      'group-name': `/aws/codebuild/${build.projectName}`,
      'stream-name': uuid,
      'deep-link': `https://console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logEvent:group=/aws/codebuild/${build.projectName};stream=${uuid}`,
    });
    const phases = info.phases ?? [];
    expect(phases.find((phase) => phase['phase-type'] === 'BUILD')).toMatchObject({
      'phase-status': 'FAILED',
      'phase-context': [
        'COMMAND_EXECUTION_ERROR: Error while executing command: ./validate.sh. Reason: exit status 1',
      ],
    });
    expect(phases.find((phase) => phase['phase-type'] === 'INSTALL')?.['phase-context']).toEqual([': ']);
    expect(phases.at(-1)).toEqual({ 'phase-type': 'COMPLETED', 'start-time': expect.any(String) });
    expect(phases.slice(0, -1).every((phase) => typeof phase['duration-in-seconds'] === 'number')).toBe(true);
    expect(JSON.parse(JSON.stringify(event))).toEqual(event);
  });

  it('names another failing phase or context when asked', async () => {
    const build = await startedBuild();
    const event = buildStateEvent(build, 'FAILED', {
      phase: 'DOWNLOAD_SOURCE',
      context: 'CLIENT_ERROR: repository not found',
    });
    const phases = event.detail['additional-information'].phases ?? [];
    expect(phases.map((phase) => phase['phase-type'])).toEqual([
      'SUBMITTED',
      'QUEUED',
      'PROVISIONING',
      'DOWNLOAD_SOURCE',
      'FINALIZING',
      'COMPLETED',
    ]);
    expect(phases[3]).toMatchObject({
      'phase-status': 'FAILED',
      'phase-context': ['CLIENT_ERROR: repository not found'],
    });
  });

  it('reuses the phases of a build the emulator finished with that status', async () => {
    const build = await startedBuild();
    const finished = emulator.finishBuild(build.id, 'SUCCEEDED', { buildSeconds: 95 });
    const event = buildStateEvent(finished, 'SUCCEEDED');
    const phases = event.detail['additional-information'].phases ?? [];
    expect(phases.find((phase) => phase['phase-type'] === 'BUILD')?.['duration-in-seconds']).toBe(95);
    expect(event.time).toBe(new Date(finished.endTime ?? 0).toISOString().replace(/\.\d{3}Z$/, 'Z'));
  });

  it('gives each event a fresh id unless one is given', async () => {
    const build = await startedBuild();
    const ids = new Set([1, 2, 3].map(() => buildStateEvent(build, 'IN_PROGRESS').id));
    expect(ids.size).toBe(3);
  });

  it.each([
    [Date.UTC(2026, 2, 10, 9, 31, 12), 'Mar 10, 2026 9:31:12 AM'],
    [Date.UTC(2026, 0, 1, 0, 5, 9), 'Jan 1, 2026 12:05:09 AM'],
    [Date.UTC(2025, 11, 31, 12, 0, 0), 'Dec 31, 2025 12:00:00 PM'],
    [Date.UTC(2026, 8, 1, 16, 12, 29), 'Sep 1, 2026 4:12:29 PM'],
  ])('formats %i as "%s"', (ms, text) => {
    expect(eventTimestamp(ms)).toBe(text);
  });
});

describe('fault layer', () => {
  it.each([
    ['throttling', 'ThrottlingException', 400],
    ['internalFailure', 'InternalFailure', 500],
    ['serviceUnavailable', 'ServiceUnavailable', 503],
  ] as const)('lets the SDK retry %s until the build starts', async (kind, errorType, status) => {
    const name = project();
    emulator.faults.failSequence([kind, kind], 'StartBuild');
    const output = await start({ projectName: name });
    expect(output.$metadata.attempts).toBe(3);
    expect(emulator.builds().filter((build) => build.projectName === name)).toHaveLength(1);
    expect(emulator.calls.map((call) => [call.status, call.errorType, call.fault])).toEqual([
      [status, errorType, kind],
      [status, errorType, kind],
      [200, undefined, undefined],
    ]);
  });

  it('surfaces throttling once attempts run out', async () => {
    const single = clientFor(emulator, { maxAttempts: 1 });
    try {
      emulator.faults.failSequence(['throttling'], 'BatchGetBuilds');
      const error = await rejectionOf(single.send(new BatchGetBuildsCommand({ ids: ['p:1'] })));
      expect(error.name).toBe('ThrottlingException');
      expect(error.$metadata.httpStatusCode).toBe(400);
    } finally {
      single.destroy();
    }
  });
});

describe('startEmulators', () => {
  it('points AWS_ENDPOINT_URL_CODEBUILD at the CodeBuild emulator on the port asked for', async () => {
    const probe = await startCodeBuildEmulator();
    const port = Number(new URL(probe.endpoint).port);
    await probe.stop();
    const emulators = await startEmulators({ codebuildPort: port });
    try {
      expect(emulators.env.AWS_ENDPOINT_URL_CODEBUILD).toBe(`http://127.0.0.1:${port}`);
      expect(emulators.codebuild.endpoint).toBe(`http://127.0.0.1:${port}`);
      emulators.codebuild.createProject('wired');
      const wired = new CodeBuildClient({
        endpoint: emulators.env.AWS_ENDPOINT_URL_CODEBUILD,
        region: emulators.env.AWS_REGION,
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      });
      const { build } = await wired.send(
        new StartBuildCommand({
          projectName: 'wired',
          environmentVariablesOverride: [{ name: 'A', value: '1' }],
        }),
      );
      wired.destroy();
      expect(emulators.codebuild.builds().map((each) => each.environment.environmentVariables)).toEqual([
        [{ name: 'A', value: '1', type: 'PLAINTEXT' }],
      ]);
      expect(build?.initiator).toBe('test');
    } finally {
      await emulators.stop();
    }
  });
});
