import { type Handler, param, type RequestContext } from './context.ts';
import { now, userBasic } from './entities.ts';
import { apiError, invalidParameter, notFound } from './errors.ts';
import { type Input, optionalBoolean, optionalChoice, optionalInteger, optionalString } from './input.ts';
import { pageRequest, paginate } from './pagination.ts';
import type { ProjectRecord } from './projects.ts';
import { branchesContaining, resolveCommit } from './repository.ts';
import type { EmulatedUser } from './tokens.ts';

const POSTABLE_STATES = ['pending', 'running', 'success', 'failed', 'canceled', 'skipped'] as const;
type PostableState = (typeof POSTABLE_STATES)[number];
export type StatusState = 'created' | PostableState;

export interface CommitStatusRecord {
  id: number;
  sha: string;
  ref: string;
  name: string;
  status: StatusState;
  targetUrl: string | null;
  description: string | null;
  coverage: number | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  pipelineId: number;
  /** Superseded by a newer status of the same name in the pipeline. */
  retried: boolean;
  user: EmulatedUser;
}

/** An external pipeline: the statuses posted for one commit and ref. */
export interface PipelineRecord {
  id: number;
  iid: number;
  sha: string;
  ref: string;
  createdAt: string;
  updatedAt: string;
  statuses: CommitStatusRecord[];
}

type StatusEvent = 'enqueue' | 'run' | 'success' | 'drop' | 'cancel' | 'skip';

/** CommitStatus's state machine, restricted to the states an external status can be in. */
const TRANSITIONS: Record<StatusEvent, { from: readonly StatusState[]; to: StatusState }> = {
  enqueue: { from: ['created', 'skipped'], to: 'pending' },
  run: { from: ['pending'], to: 'running' },
  success: { from: ['created', 'pending', 'running'], to: 'success' },
  drop: { from: ['created', 'pending', 'running'], to: 'failed' },
  cancel: { from: ['created', 'pending', 'running'], to: 'canceled' },
  skip: { from: ['created', 'pending'], to: 'skipped' },
};

/** Fires `event`; a refused transition is GitLab's 400 when `strict` (`event!`), silently nothing otherwise. */
function fire(status: CommitStatusRecord, event: StatusEvent, strict: boolean): void {
  const transition = TRANSITIONS[event];
  if (!transition.from.includes(status.status)) {
    if (!strict) return;
    throw apiError(
      400,
      `Cannot transition status via :${event} from :${status.status} (Reason(s): Status cannot transition via "${event}")`,
    );
  }
  const at = now();
  if (transition.to === 'running') status.startedAt = at;
  if (['success', 'failed', 'canceled'].includes(transition.to)) status.finishedAt = at;
  status.status = transition.to;
}

/** What `Ci::CreateCommitStatusService#apply_job_state!` does for each posted state. */
function applyState(status: CommitStatusRecord, state: PostableState): void {
  if (state === 'pending') fire(status, 'enqueue', true);
  else if (state === 'running') {
    fire(status, 'enqueue', false);
    fire(status, 'run', true);
  } else if (state === 'success') fire(status, 'success', true);
  else if (state === 'failed') fire(status, 'drop', true);
  else if (state === 'canceled') fire(status, 'cancel', true);
  else fire(status, 'skip', true);
}

function statusEntity(status: CommitStatusRecord, baseUrl: string): Record<string, unknown> {
  return {
    id: status.id,
    sha: status.sha,
    ref: status.ref,
    status: status.status,
    name: status.name,
    target_url: status.targetUrl,
    description: status.description,
    created_at: status.createdAt,
    started_at: status.startedAt,
    finished_at: status.finishedAt,
    allow_failure: false,
    coverage: status.coverage,
    pipeline_id: status.pipelineId,
    author: userBasic(status.user, baseUrl),
  };
}

function optionalCoverage(input: Input): number | null | undefined {
  const value = input.coverage;
  if (value === undefined) return undefined;
  if (value === null) return null;
  const number = Number(value);
  if (!Number.isFinite(number)) throw invalidParameter('coverage is invalid');
  return number;
}

/** `POST /projects/:id/statuses/:sha`. */
export const postStatus: Handler = async (context) => {
  const { input, project } = context;
  const stateValue = optionalString(input, 'state');
  if (stateValue === undefined) throw invalidParameter('state is missing');
  const state = optionalChoice(input, 'state', POSTABLE_STATES) as PostableState;
  const sha = await resolveCommit(project.gitDir, param(context, 'sha'));
  if (sha === undefined) throw notFound('Commit');
  const requestedRef = optionalString(input, 'ref');
  const name = optionalString(input, 'name') ?? optionalString(input, 'context') ?? 'default';
  const newest = project.pipelines.findLast(
    (pipeline) => pipeline.sha === sha && (requestedRef === undefined || pipeline.ref === requestedRef),
  );
  const ref = requestedRef ?? newest?.ref ?? (await branchesContaining(project.gitDir, sha))[0];
  if (ref === undefined) throw notFound('References for commit');

  const pipeline = newest ?? createPipeline(context, sha, ref);
  const existing = pipeline.statuses.find(
    (status) =>
      (status.status === 'pending' || status.status === 'running') &&
      status.ref === ref &&
      status.name === name &&
      status.user.id === context.user.id,
  );
  const candidate: CommitStatusRecord = existing
    ? { ...existing }
    : {
        id: 0,
        sha,
        ref,
        name,
        status: 'created',
        targetUrl: null,
        description: null,
        coverage: null,
        createdAt: now(),
        startedAt: null,
        finishedAt: null,
        pipelineId: pipeline.id,
        retried: false,
        user: context.user,
      };
  const targetUrl = optionalString(input, 'target_url');
  const description = optionalString(input, 'description');
  const coverage = optionalCoverage(input);
  if (targetUrl !== undefined) candidate.targetUrl = targetUrl;
  if (description !== undefined) candidate.description = description;
  if (coverage !== undefined) candidate.coverage = coverage;
  // A refused transition throws here, before anything is stored.
  applyState(candidate, state);

  let stored: CommitStatusRecord;
  if (existing) stored = Object.assign(existing, candidate);
  else {
    stored = { ...candidate, id: context.state.sequences.next('status') };
    pipeline.statuses.push(stored);
  }
  for (const other of pipeline.statuses) {
    if (other !== stored && other.name === name && !other.retried) other.retried = true;
  }
  pipeline.updatedAt = now();
  return { status: 201, body: statusEntity(stored, context.state.baseUrl) };
};

function createPipeline(context: RequestContext, sha: string, ref: string): PipelineRecord {
  const at = now();
  const pipeline: PipelineRecord = {
    id: context.state.sequences.next('pipeline'),
    iid: context.project.pipelines.length + 1,
    sha,
    ref,
    createdAt: at,
    updatedAt: at,
    statuses: [],
  };
  context.project.pipelines.push(pipeline);
  return pipeline;
}

/** `GET /projects/:id/repository/commits/:sha/statuses`: the latest status per name unless `all`. */
export const listStatuses: Handler = async (context) => {
  const { input, project } = context;
  const shaParam = param(context, 'sha');
  if ((await resolveCommit(project.gitDir, shaParam)) === undefined) throw notFound('Commit');
  const all = optionalBoolean(input, 'all') ?? false;
  const ref = optionalString(input, 'ref');
  const name = optionalString(input, 'name');
  const stage = optionalString(input, 'stage');
  const pipelineId = optionalInteger(input, 'pipeline_id');
  const orderBy = optionalChoice(input, 'order_by', ['id', 'pipeline_id'] as const) ?? 'id';
  const sort = optionalChoice(input, 'sort', ['asc', 'desc'] as const) ?? 'asc';
  const statuses = project.pipelines
    .filter(
      (pipeline) => pipeline.sha === shaParam && (pipelineId === undefined || pipeline.id === pipelineId),
    )
    .flatMap((pipeline) => pipeline.statuses)
    .filter(
      (status) =>
        (all || !status.retried) &&
        (ref === undefined || ref === '' || status.ref === ref) &&
        (name === undefined || name === '' || status.name === name) &&
        (stage === undefined || stage === '' || stage === 'external'),
    )
    .sort((a, b) => {
      const key = orderBy === 'id' ? a.id - b.id : a.pipelineId - b.pipelineId || a.id - b.id;
      return sort === 'asc' ? key : -key;
    });
  const page = paginate(statuses, pageRequest(input), context.link);
  return {
    status: 200,
    body: page.items.map((status) => statusEntity(status, context.state.baseUrl)),
    headers: page.headers,
  };
};

/** The pipeline's status from its latest jobs (`Gitlab::Ci::Status::Composite`, for external states). */
function pipelineStatus(pipeline: PipelineRecord): string {
  const states = new Set(
    pipeline.statuses.filter((status) => !status.retried).map((status) => status.status),
  );
  const only = (...allowed: string[]): boolean => [...states].every((state) => allowed.includes(state));
  if (states.size === 0 || only('skipped')) return 'skipped';
  if (only('success', 'skipped')) return 'success';
  if (only('created')) return 'created';
  if (only('canceled', 'success', 'skipped')) return 'canceled';
  if (only('pending', 'created', 'skipped')) return 'pending';
  if (states.has('running') || states.has('pending') || states.has('created')) return 'running';
  return 'failed';
}

/** For a commit's detail: its newest pipeline (`last_pipeline`) and that pipeline's status. */
export function latestPipeline(
  project: ProjectRecord,
  sha: string,
  baseUrl: string,
): { status: string | null; entity: Record<string, unknown> | null } {
  const pipeline = project.pipelines.findLast((candidate) => candidate.sha === sha);
  if (pipeline === undefined) return { status: null, entity: null };
  const status = pipelineStatus(pipeline);
  return {
    status,
    entity: {
      id: pipeline.id,
      iid: pipeline.iid,
      project_id: project.id,
      sha: pipeline.sha,
      ref: pipeline.ref,
      status,
      source: 'external',
      created_at: pipeline.createdAt,
      updated_at: pipeline.updatedAt,
      web_url: `${baseUrl}/${project.path}/-/pipelines/${pipeline.id}`,
    },
  };
}
