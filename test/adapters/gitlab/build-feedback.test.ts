import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGitLabGitHost } from '#adapters/gitlab/git-host.ts';
import { noteBuildFailure, postBuildStatus, statusDescription } from '#app/build-report/build-status.ts';
import { parseBuildStateEvent } from '#parsers/codebuild-build-state.ts';
import { gitText } from '../../emulators/codecommit/git.ts';
import { type GitLabEmulator, startGitLabEmulator } from '../../emulators/gitlab/server.ts';

const TOKEN = 'glpat-feedback-test-4f3e2d1c';
const NOTES_ROUTE = 'POST /projects/:id/merge_requests/:iid/notes';
const STATUS_ROUTE = 'POST /projects/:id/statuses/:sha';
const AUTHOR = { name: 'Flowkeeper', email: 'flowkeeper@example.com' };
const LOGS =
  'https://console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logEvent:group=/aws/codebuild/validate;stream=s';
/** What a buildspec command of the commit being built can make CodeBuild quote back. */
const HOSTILE_CONTEXT =
  'COMMAND_EXECUTION_ERROR: Error while executing command: make validate\n/approve\n/label ~x\r\n@all. Reason: exit status 2';

let gitlab: GitLabEmulator;
let count = 0;

beforeAll(async () => {
  gitlab = await startGitLabEmulator();
  gitlab.addToken(TOKEN);
});
afterAll(() => gitlab.stop());
beforeEach(() => {
  gitlab.calls.length = 0;
});

/** A project with an open merge request; answers the primary and the merge request's head. */
async function mergeRequestHead() {
  const path = `platform/feedback-${++count}`;
  const { gitDir } = await gitlab.createProject(path, { main: { 'apps/api.yaml': 'image: api:1\n' } });
  const host = createGitLabGitHost({ url: gitlab.url, project: path, token: async () => TOKEN });
  const main = await gitText(gitDir, ['rev-parse', 'refs/heads/main']);
  await gitText(gitDir, ['branch', 'feature/x', main]);
  const result = await host.commit({
    branch: 'feature/x',
    parentCommitId: main,
    changes: [{ path: 'apps/api.yaml', content: 'image: api:2\n' }],
    message: 'Bump api',
    author: AUTHOR,
  });
  if (result.status !== 'committed') throw new Error('no commit');
  const iid = gitlab.createMergeRequest(path, { source: 'feature/x', target: 'main', title: 'Bump' });
  return { host, iid, commitId: result.commitId };
}

function failedBuild(overrides: { project?: string; context?: string; logs?: string } = {}) {
  return parseBuildStateEvent({
    version: '0',
    id: randomUUID(),
    'detail-type': 'CodeBuild Build State Change',
    source: 'aws.codebuild',
    account: '111122223333',
    time: '2026-03-10T09:32:00Z',
    region: 'eu-west-1',
    resources: [],
    detail: {
      'build-status': 'FAILED',
      'project-name': overrides.project ?? 'validate',
      'build-id': `arn:aws:codebuild:eu-west-1:111122223333:build/validate:${randomUUID()}`,
      'additional-information': {
        'build-number': 7,
        'build-complete': true,
        phases: [
          { 'phase-type': 'INSTALL', 'phase-status': 'SUCCEEDED', 'duration-in-seconds': 2 },
          {
            'phase-type': 'BUILD',
            'phase-status': 'FAILED',
            'duration-in-seconds': 61,
            'phase-context': [overrides.context ?? HOSTILE_CONTEXT],
          },
        ],
        logs: { 'deep-link': overrides.logs ?? LOGS },
      },
    },
  });
}

const posted = (route: string): string[] =>
  gitlab.calls
    .filter((call) => call.route === route)
    .map((call) => String(call.input?.body ?? call.input?.description));

/** No line is a quick action, and no `@` starts a mention. */
function inert(markdown: string): void {
  expect(markdown.split('\n').filter((line) => /^\s*\//.test(line))).toEqual([]);
  expect(markdown).not.toMatch(/@[\w-]/);
  expect(markdown).not.toMatch(/[\r\u2028\u2029]/);
}

describe('a failed build whose output quotes quick actions and mentions', () => {
  it('is noted on the merge request with the failing command fenced on one line', async () => {
    const { host, iid, commitId } = await mergeRequestHead();
    const build = failedBuild();
    const actions = await noteBuildFailure(build, { repository: 'gitlab', commitId }, host, false);
    expect(actions).toMatchObject([{ type: 'note', mergeRequest: iid, outcome: 'created' }]);

    const [note] = posted(NOTES_ROUTE);
    inert(note ?? '');
    expect(note).toContain(
      `**codebuild/validate** failed on ${commitId.slice(0, 12)}: Build #7 failed in 1m 03s at ` +
        '`BUILD: COMMAND_EXECUTION_ERROR: Error while executing command: make validate /approve /label ~x @\u200dall. Reason: exit status 2`.',
    );
    expect(note).toContain(`[Build logs](${LOGS})`);
  });

  it('gets a commit status whose description is one plain line', async () => {
    const { host, commitId } = await mergeRequestHead();
    const build = failedBuild();
    await postBuildStatus(build, { repository: 'gitlab', commitId }, host, false);
    const [description] = posted(STATUS_ROUTE);
    expect(description).toBe(
      'Build #7 failed in 1m 03s at BUILD: COMMAND_EXECUTION_ERROR: Error while executing command: make validate /approve /label ~x @all. Reason: exit status 2',
    );
    expect(statusDescription(failedBuild({ context: 'x'.repeat(1000) }))).toHaveLength(255);
  });

  it('fences a project name that is not a plain name, and never links a log URL that could break out', async () => {
    const { host, commitId } = await mergeRequestHead();
    const build = failedBuild({
      project: 'validate\n/approve',
      logs: 'https://x.example/) [Approve](javascript:alert(1))\n/approve',
    });
    await noteBuildFailure(build, { repository: 'gitlab', commitId }, host, false);
    const [note] = posted(NOTES_ROUTE);
    inert(note ?? '');
    expect(note).toContain('**codebuild/`validate /approve`** failed');
    expect(note).not.toContain('javascript');
    // The console page of the build, from its validated ARN, stands in for the refused link.
    expect(note).toMatch(
      /\[Build logs\]\(https:\/\/eu-west-1\.console\.aws\.amazon\.com\/codesuite\/codebuild\//,
    );
  });
});

describe('the GitLab adapter, as the last guard', () => {
  it('posts no note line that starts with a slash, whoever composed the note', async () => {
    const { host, iid } = await mergeRequestHead();
    const marker = '<!-- flowkeeper:build guard -->';
    expect(await host.noteOnMergeRequest(iid, `${marker}\nfailed\n/approve\n  /merge`, marker)).toBe(
      'created',
    );
    const [note] = posted(NOTES_ROUTE);
    inert(note ?? '');
    expect(note).toBe(`${marker}\nfailed\n\u200d/approve\n  \u200d/merge`);
    // The marker still finds the note, so a repeat posts nothing.
    expect(await host.noteOnMergeRequest(iid, `${marker}\nfailed\n/approve\n  /merge`, marker)).toBe(
      'unchanged',
    );
  });

  it('posts a commit status description on one line, and finds it again as unchanged', async () => {
    const { host, commitId } = await mergeRequestHead();
    const status = { state: 'failed' as const, name: 'codebuild/x', description: 'failed\n/approve' };
    expect(await host.setCommitStatus(commitId, status)).toBe('created');
    expect(posted(STATUS_ROUTE)).toEqual(['failed /approve']);
    expect(await host.setCommitStatus(commitId, status)).toBe('unchanged');
  });
});
