/**
 * Which preview sets an event concerns and what it does to them: a pull or merge request opened
 * (or reopened) opens, closed or merged closes; a branch created or deleted opens or closes where
 * the set asks for it (a deleted branch always closes); an image push updates; the schedule sweeps.
 */
import type { Config, PreviewSetConfig } from '#config/types.ts';
import { globMatch } from '#domain/branch-globs.ts';
import type { PullRequestEvent } from '#parsers/codecommit-pull-request.ts';
import type { ReferenceEvent } from '#parsers/codecommit-reference.ts';
import type { EcrImageAction } from '#parsers/ecr-image-action.ts';
import type { GitLabMergeRequestEvent } from '#parsers/gitlab-merge-request-event.ts';
import type { PreviewAction, PreviewDeps, PreviewResult } from './deps.ts';
import { closePreview, type EventContext, openPreview, sweepPreviews, updatePreview } from './lifecycle.ts';

const setsOf = (config: Config): PreviewSetConfig[] => config.previews ?? [];

/**
 * Whether the set's source is the repository an event names. A local source (the embedded default)
 * stands in for a CodeCommit repository of the same name as its key.
 */
function sourceIs(
  config: Config,
  set: PreviewSetConfig,
  provider: 'codecommit' | 'gitlab',
  name: string,
): boolean {
  const repository = config.repositories[set.source.repository];
  if (repository?.provider === 'local') return provider === 'codecommit' && set.source.repository === name;
  if (repository === undefined || repository.provider !== provider) return false;
  return provider === 'codecommit'
    ? repository.provider === 'codecommit' && repository.name === name
    : repository.provider === 'gitlab' && repository.project === name;
}

const wantsBranch = (set: PreviewSetConfig, branch: string, destination?: string): boolean =>
  set.source.branches.some((glob) => globMatch(glob, branch)) &&
  (destination === undefined ||
    set.source.destination === undefined ||
    set.source.destination === destination);

const skipAll = (eventId: string, reason: string): PreviewResult => ({
  eventId,
  actions: [{ type: 'skip', set: '-', reason }],
});

async function each(
  sets: PreviewSetConfig[],
  eventId: string,
  none: string,
  run: (set: PreviewSetConfig) => Promise<PreviewAction | PreviewAction[]>,
): Promise<PreviewResult> {
  if (sets.length === 0) return skipAll(eventId, none);
  const actions: PreviewAction[] = [];
  for (const set of sets) actions.push(...[await run(set)].flat());
  return { eventId, actions };
}

export async function onPullRequest(event: PullRequestEvent, deps: PreviewDeps): Promise<PreviewResult> {
  const context: EventContext = { eventId: event.id, place: event };
  const sets = setsOf(deps.config).filter(
    (set) =>
      sourceIs(deps.config, set, 'codecommit', event.repositoryName) &&
      wantsBranch(set, event.source, event.destination),
  );
  const ref = { branch: event.source, pullRequest: event.pullRequestId };
  const none = `no preview set follows pull requests of ${event.repositoryName} from ${event.source} into ${event.destination}`;
  if (event.status === 'CLOSED')
    return each(sets, event.id, none, (set) => closePreview(deps, set, ref, context));
  if (event.kind === 'pullRequestCreated' || event.kind === 'pullRequestStatusChanged') {
    return each(sets, event.id, none, (set) => openPreview(deps, set, ref, context));
  }
  return skipAll(event.id, `pull request event ${event.kind} changes no preview`);
}

export async function onReference(event: ReferenceEvent, deps: PreviewDeps): Promise<PreviewResult> {
  const context: EventContext = { eventId: event.id, place: event };
  if (event.referenceType !== 'branch') return skipAll(event.id, 'a tag changes no preview');
  const sets = setsOf(deps.config).filter(
    (set) =>
      sourceIs(deps.config, set, 'codecommit', event.repositoryName) && wantsBranch(set, event.referenceName),
  );
  const ref = { branch: event.referenceName };
  const none = `no preview set follows branch ${event.referenceName} of ${event.repositoryName}`;
  if (event.kind === 'referenceDeleted')
    return each(sets, event.id, none, (set) => closePreview(deps, set, ref, context));
  if (event.kind === 'referenceCreated') {
    return each(
      sets.filter((set) => set.source.branchCreated),
      event.id,
      `${none} on branch creation (source.branchCreated)`,
      (set) => openPreview(deps, set, ref, context),
    );
  }
  return skipAll(event.id, `reference event ${event.kind} changes no preview`);
}

const GITLAB_OPEN = new Set(['open', 'reopen']);
const GITLAB_CLOSE = new Set(['close', 'merge']);

export async function onMergeRequest(
  event: GitLabMergeRequestEvent,
  deps: PreviewDeps,
): Promise<PreviewResult> {
  const context: EventContext = { eventId: event.id, place: event };
  const { mergeRequest: mr, project } = event;
  const sets = setsOf(deps.config).filter(
    (set) =>
      (sourceIs(deps.config, set, 'gitlab', project.path) ||
        sourceIs(deps.config, set, 'gitlab', String(project.id))) &&
      wantsBranch(set, mr.sourceBranch, mr.targetBranch),
  );
  const ref = { branch: mr.sourceBranch, pullRequest: String(mr.iid) };
  const none = `no preview set follows merge requests of ${project.path} from ${mr.sourceBranch} into ${mr.targetBranch}`;
  if (GITLAB_CLOSE.has(mr.action) || mr.state === 'closed' || mr.state === 'merged') {
    return each(sets, event.id, none, (set) => closePreview(deps, set, ref, context));
  }
  if (GITLAB_OPEN.has(mr.action) || (mr.action === 'update' && mr.state === 'opened')) {
    return each(sets, event.id, none, (set) => openPreview(deps, set, ref, context));
  }
  return skipAll(event.id, `merge request action ${mr.action} changes no preview`);
}

export async function onImagePush(event: EcrImageAction, deps: PreviewDeps): Promise<PreviewResult> {
  const context: EventContext = { eventId: event.id, place: event };
  if (event.actionType !== 'PUSH' || event.result !== 'SUCCESS' || event.tag === undefined) {
    return skipAll(event.id, `not a successful tagged push (${event.actionType} ${event.result})`);
  }
  const tag = event.tag;
  const sets = setsOf(deps.config).filter((set) => set.image?.ecr === event.repositoryName);
  return each(sets, event.id, `no preview set follows ECR repository ${event.repositoryName}`, (set) =>
    updatePreview(
      deps,
      set,
      { tag, ...(event.digest === undefined ? {} : { digest: event.digest }) },
      context,
    ),
  );
}

export async function onSchedule(
  event: { id: string; account: string; region: string },
  deps: PreviewDeps,
): Promise<PreviewResult> {
  const context: EventContext = { eventId: event.id, place: event };
  return each(setsOf(deps.config), event.id, 'no preview set is configured', (set) =>
    sweepPreviews(deps, set, context),
  );
}
