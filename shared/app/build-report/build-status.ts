import type { Config } from '#config/types.ts';
import { formatDuration } from '#domain/flow-messages.ts';
import { inlineCode, linkableUrl, markdownName, plainLine } from '#domain/untrusted-text.ts';
import { buildConsoleLink, buildDuration } from '#parsers/build-pull-request-context.ts';
import type { BuildStateEvent } from '#parsers/codebuild-build-state.ts';
import type { FlowAction, StatusAction } from '../branch-flow/result.ts';
import type { CommitStatusState, MirrorPrimary } from '../ports/mirror-hosts.ts';

const STATES: Record<string, CommitStatusState> = {
  IN_PROGRESS: 'running',
  SUCCEEDED: 'success',
  FAILED: 'failed',
  FAULT: 'failed',
  TIMED_OUT: 'failed',
  STOPPED: 'canceled',
};
/** GitLab keeps at most 255 characters of a status description. */
const DESCRIPTION_LIMIT = 255;
/** How much of the failing phase's context a merge request note quotes. */
const NOTE_FAILURE_LIMIT = 1000;
const COMMIT = /^[0-9a-f]{40}$/;
const REF_AT_COMMIT = /\^\{([0-9a-f]{40})\}$/;
const CODECOMMIT_SOURCE = /\/v1\/repos\/([\w.-]+)$/;

export interface GitLabTarget {
  /** Key of the GitLab repository. */
  repository: string;
  commitId: string;
}

/**
 * The GitLab commit a build built: a CodeCommit source that is the push mirror of a configured
 * GitLab project, or a GitLab source that is one; the commit from the source version (a commit id,
 * or `<ref>^{<commit>}`). Undefined with the reason otherwise.
 */
export function gitLabTarget(
  build: BuildStateEvent,
  config: Config,
): { target?: GitLabTarget; reason: string } {
  const location = build.sourceLocation ?? '';
  const repository = mirroredProject(location, config) ?? gitLabSource(location, config);
  if (repository === undefined) {
    return {
      reason: `source ${location || '(none)'} is neither a mirror of a configured GitLab project nor one`,
    };
  }
  const version = build.sourceVersion ?? '';
  const commitId = COMMIT.test(version) ? version : REF_AT_COMMIT.exec(version)?.[1];
  if (commitId === undefined) {
    return {
      reason: `source version ${JSON.stringify(version)} names no commit, so no GitLab status can be posted`,
    };
  }
  return { target: { repository, commitId }, reason: '' };
}

function mirroredProject(location: string, config: Config): string | undefined {
  const name = CODECOMMIT_SOURCE.exec(location.replace(/\.git$/, ''))?.[1];
  if (name === undefined) return undefined;
  const codecommit = Object.entries(config.repositories).find(
    ([, repository]) => repository.provider === 'codecommit' && repository.name === name,
  )?.[0];
  return config.mirrors.find((mirror) => mirror.codecommit === codecommit)?.gitlab;
}

function gitLabSource(location: string, config: Config): string | undefined {
  const normalized = location.replace(/\.git$/, '').replace(/\/$/, '');
  return Object.entries(config.repositories).find(
    ([, repository]) =>
      repository.provider === 'gitlab' && normalized === `${repository.url}/${repository.project}`,
  )?.[0];
}

/** Post the build's state as the commit status `codebuild/<project>`; a repeat is unchanged, not an error. */
export async function postBuildStatus(
  build: BuildStateEvent,
  target: GitLabTarget,
  primary: MirrorPrimary,
  dryRun: boolean | undefined,
): Promise<StatusAction> {
  const state = STATES[build.status] ?? (build.complete ? 'failed' : 'running');
  const name = plainLine(`codebuild/${build.project}`);
  const link = buildLink(build);
  const action = {
    type: 'status' as const,
    repository: target.repository,
    commitId: target.commitId,
    name,
    state,
  };
  if (dryRun) return { ...action, outcome: 'dry run' };
  const outcome = await primary.setCommitStatus(target.commitId, {
    state,
    name,
    description: statusDescription(build),
    ...(link === undefined ? {} : { targetUrl: link }),
  });
  return { ...action, outcome };
}

/**
 * A failed build also leaves a note on each open merge request whose head it built, with the
 * failing phase and the log link, so the reason is in the conversation and not only behind the
 * pipeline widget. The note carries the build ARN as a hidden marker: a redelivered event finds it
 * and posts nothing. The failing phase's context quotes the build's output (a buildspec command of
 * the commit built, say), so it is fenced as code on one line: none of it can become a quick
 * action (`/approve`), a mention (`@all`) or a link run as Flowkeeper's token user.
 */
export async function noteBuildFailure(
  build: BuildStateEvent,
  target: GitLabTarget,
  primary: MirrorPrimary,
  dryRun: boolean | undefined,
): Promise<FlowAction[]> {
  const mergeRequests = await primary.mergeRequestsAt(target.commitId);
  const marker = `<!-- flowkeeper:build ${build.buildArn} -->`;
  const link = buildLink(build);
  const failure = failedPhase(build);
  const at = failure === undefined ? '' : ` at ${inlineCode(failure, NOTE_FAILURE_LIMIT)}`;
  const body = [
    marker,
    `**codebuild/${markdownName(build.project)}** failed on ${target.commitId.slice(0, 12)}: ${buildSummary(build)}${at}.`,
    ...(link === undefined ? [] : ['', `[Build logs](${link})`]),
  ].join('\n');
  const actions: FlowAction[] = [];
  for (const { iid } of mergeRequests) {
    const outcome = dryRun ? 'dry run' : await primary.noteOnMergeRequest(iid, body, marker);
    actions.push({
      type: 'note',
      repository: target.repository,
      mergeRequest: iid,
      commitId: target.commitId,
      outcome,
    });
  }
  return actions;
}

/**
 * The build's log link, or while it runs (no log stream yet) its console page, built from the
 * validated build ARN; a log link a markdown link could be broken out of is never used.
 */
const buildLink = (build: BuildStateEvent): string | undefined =>
  linkableUrl(build.logsLink) ?? buildConsoleLink(build.buildArn);

/** `Build #7 failed in 1m 03s`: number, status and duration. */
function buildSummary(build: BuildStateEvent): string {
  const number = build.buildNumber === undefined ? 'Build' : `Build #${build.buildNumber}`;
  const seconds = buildDuration(build);
  const took =
    seconds === undefined || build.status === 'IN_PROGRESS' ? '' : ` in ${formatDuration(seconds)}`;
  return plainLine(`${number} ${build.status.toLowerCase().replace('_', ' ')}${took}`);
}

/** `BUILD: COMMAND_EXECUTION_ERROR: …`: the first phase that did not succeed, and its context. */
function failedPhase(build: BuildStateEvent): string | undefined {
  const failed = build.phases.find((phase) => phase.status !== undefined && phase.status !== 'SUCCEEDED');
  if (failed === undefined || build.status === 'SUCCEEDED') return undefined;
  return [failed.type, ...failed.context].join(': ');
}

/** The commit status description: plain text on one line, at most 255 characters. */
export function statusDescription(build: BuildStateEvent): string {
  const failure = failedPhase(build);
  return plainLine(
    `${buildSummary(build)}${failure === undefined ? '' : ` at ${failure}`}`,
    DESCRIPTION_LIMIT,
  );
}
