import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  buildConsoleLink,
  buildDuration,
  pullRequestContext,
  readPullRequestContext,
} from '#parsers/build-pull-request-context.ts';
import { type BuildStateEvent, parseBuildStateEvent } from '#parsers/codebuild-build-state.ts';

const parsed = (file: string): BuildStateEvent =>
  parseBuildStateEvent(JSON.parse(readFileSync(new URL(`../../events/${file}`, import.meta.url), 'utf8')));

const SUCCEEDED = parsed('codebuild-build-succeeded.json');
const SOURCE = 'a'.repeat(40);
const DESTINATION = 'b'.repeat(40);
const REVISION = 'c'.repeat(64);

/** A build of the succeeded sample with other variables (and source) instead of the sample's. */
function withBuild(
  environment: Record<string, string>,
  source: Partial<BuildStateEvent> = {},
): BuildStateEvent {
  return { ...SUCCEEDED, environment, sourceVersion: SOURCE, ...source };
}

const CAMEL = {
  pullRequestId: '12',
  repositoryName: 'other-repo',
  sourceCommit: SOURCE,
  destinationCommit: DESTINATION,
  revisionId: REVISION,
};

describe('pullRequestContext', () => {
  it('reads the variables Flowkeeper sets on its validation builds', () => {
    expect(pullRequestContext(SUCCEEDED)).toEqual({
      pullRequestId: '2',
      repositoryName: 'app-manifests',
      sourceCommit: 'a6f82f2ba411839ecee1c18c0a498f1c65dae60a',
      destinationCommit: '04f0821c9c8715618dea1eadde750d5731e1ce8d',
      revisionId: '6e04783cca0ff6b5c5a4e6dd3e56508ef5192672cad104489209fdf9aa13ae7f',
      problems: [],
    });
    expect(pullRequestContext(parsed('codebuild-build-failed.json'))).toMatchObject({
      pullRequestId: '2',
      sourceCommit: '66726205286d1aa6fba2f372c9c024418616466f',
    });
  });

  it('answers undefined for a build without pull request context', () => {
    expect(pullRequestContext(parsed('codebuild-build-no-pr.json'))).toBeUndefined();
    expect(readPullRequestContext(parsed('codebuild-build-no-pr.json'))).toEqual({ problems: [] });
  });

  it('reads the camelCase variables of the AWS sample pipelines', () => {
    expect(pullRequestContext(withBuild(CAMEL))).toEqual({ ...CAMEL, problems: [] });
  });

  it("prefers Flowkeeper's variables and does not mix in the camelCase ones", () => {
    const context = pullRequestContext(withBuild({ ...CAMEL, PULL_REQUEST_ID: '3' }));
    expect(context).toEqual({ pullRequestId: '3', problems: [] });
  });

  it('falls through to the next source when a pull request id is unusable, and says why', () => {
    const context = pullRequestContext(withBuild({ ...CAMEL, PULL_REQUEST_ID: 'abc' }));
    expect(context).toMatchObject({ pullRequestId: '12', repositoryName: 'other-repo' });
    expect(context?.problems).toEqual([
      'PULL_REQUEST_ID: "abc" is not a pull request id (a positive whole number); ignored',
    ]);
  });

  it.each([
    ['SOURCE_COMMIT', 'a6f82f2', 'sourceCommit', 'is not a commit id (40 lowercase hex digits)'],
    [
      'DESTINATION_COMMIT',
      'B'.repeat(40),
      'destinationCommit',
      'is not a commit id (40 lowercase hex digits)',
    ],
    ['REVISION_ID', 'c'.repeat(40), 'revisionId', 'is not a revision id (64 lowercase hex digits)'],
    ['REPOSITORY_NAME', 'app manifests', 'repositoryName', 'is not a repository name'],
  ] as const)('ignores an invalid %s with a problem', (name, value, key, problem) => {
    const environment = {
      PULL_REQUEST_ID: '2',
      REPOSITORY_NAME: 'app-manifests',
      SOURCE_COMMIT: SOURCE,
      DESTINATION_COMMIT: DESTINATION,
      REVISION_ID: REVISION,
      [name]: value,
    };
    const context = pullRequestContext(withBuild(environment));
    expect(context?.pullRequestId).toBe('2');
    expect(context?.[key]).toBeUndefined();
    expect(context?.problems).toEqual([`${name}: ${JSON.stringify(value)} ${problem}; ignored`]);
  });

  it.each(['0', '-1', '1.5', '', ' 2'])('rejects the pull request id %j', (id) => {
    expect(pullRequestContext(withBuild({ PULL_REQUEST_ID: id }))).toBeUndefined();
    expect(readPullRequestContext(withBuild({ PULL_REQUEST_ID: id })).problems).toHaveLength(1);
  });

  it('reads a pr/<n> source version, with the repository of a CodeCommit source', () => {
    expect(pullRequestContext(withBuild({}, { sourceVersion: 'pr/12' }))).toEqual({
      pullRequestId: '12',
      repositoryName: 'app-manifests',
      problems: [],
    });
    const github = withBuild(
      {},
      { sourceVersion: 'pr/12', sourceType: 'GITHUB', sourceLocation: 'https://github.com/o/r' },
    );
    expect(pullRequestContext(github)).toEqual({ pullRequestId: '12', problems: [] });
    const china = withBuild(
      {},
      {
        sourceVersion: 'pr/5',
        sourceLocation: 'https://git-codecommit.cn-north-1.amazonaws.com.cn/v1/repos/app-manifests',
      },
    );
    expect(pullRequestContext(china)?.repositoryName).toBe('app-manifests');
  });

  it('reads no context from a pr/<n> source version without a valid id', () => {
    const build = withBuild({}, { sourceVersion: 'pr/main' });
    expect(pullRequestContext(build)).toBeUndefined();
    expect(readPullRequestContext(build).problems).toEqual([
      'source version "pr/main" names no pull request id; ignored',
    ]);
  });
});

describe('buildConsoleLink', () => {
  it('links the CodeBuild console page of the build', () => {
    expect(buildConsoleLink(SUCCEEDED.buildArn)).toBe(
      'https://eu-west-1.console.aws.amazon.com/codesuite/codebuild/111122223333/projects/manifests-validate/build/manifests-validate%3A3f1c9d27-6a4e-4b8f-9e21-7d5a0c8b4e63/?region=eu-west-1',
    );
  });

  it('uses the China console for cn- regions', () => {
    const arn = 'arn:aws-cn:codebuild:cn-north-1:111122223333:build/p1:3f1c9d27-6a4e-4b8f-9e21-7d5a0c8b4e63';
    expect(buildConsoleLink(arn)).toBe(
      'https://cn-north-1.console.amazonaws.cn/codesuite/codebuild/111122223333/projects/p1/build/p1%3A3f1c9d27-6a4e-4b8f-9e21-7d5a0c8b4e63/?region=cn-north-1',
    );
  });

  it.each([
    '',
    'manifests-validate:3f1c9d27',
    'arn:aws:codebuild:eu-west-1:111122223333:project/manifests-validate',
  ])('answers undefined for the malformed ARN %j', (arn) => {
    expect(buildConsoleLink(arn)).toBeUndefined();
  });
});

describe('buildDuration', () => {
  it('sums the phase durations', () => {
    expect(buildDuration(SUCCEEDED)).toBe(126);
    expect(buildDuration(parsed('codebuild-build-failed.json'))).toBe(144);
  });

  it('measures from the start to the event while no phase has a duration', () => {
    expect(buildDuration(parsed('codebuild-build-in-progress.json'))).toBe(1);
    expect(buildDuration({ phases: [], startedAt: 1_000, at: 92_400 })).toBe(91);
  });

  it('answers undefined without phase durations or both times', () => {
    expect(buildDuration({ phases: [] })).toBeUndefined();
    expect(buildDuration({ phases: [{ type: 'SUBMITTED', context: [] }], at: 5_000 })).toBeUndefined();
    expect(buildDuration({ phases: [], startedAt: 9_000, at: 5_000 })).toBeUndefined();
  });
});
