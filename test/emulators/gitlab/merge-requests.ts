import { type Handler, param, type RequestContext } from './context.ts';
import { now, userBasic } from './entities.ts';
import { ApiError, apiError, notFound, recordNotFound } from './errors.ts';
import { triggerMergeRequestHook } from './hooks.ts';
import { optionalBoolean, optionalChoice, optionalString, requiredString } from './input.ts';
import { pageRequest, paginate } from './pagination.ts';
import type { ProjectRecord } from './projects.ts';
import {
  branchHead,
  compareAndSwapRef,
  isAncestor,
  mergeBase,
  mergeTree,
  resolveCommit,
  writeCommit,
} from './repository.ts';
import { latestPipeline } from './statuses.ts';
import type { EmulatedUser } from './tokens.ts';

export interface NoteRecord {
  id: number;
  body: string;
  internal: boolean;
  author: EmulatedUser;
  createdAt: string;
  updatedAt: string;
}

export interface MergeRequestRecord {
  id: number;
  iid: number;
  title: string;
  description: string;
  sourceBranch: string;
  targetBranch: string;
  author: EmulatedUser;
  createdAt: string;
  updatedAt: string;
  notes: NoteRecord[];
  state: 'opened' | 'closed' | 'merged';
  /** Set when merged. */
  mergeCommitSha?: string;
  /** When it was closed or merged. */
  closedAt?: string;
}

/** The instance administrator, author of what the test controls create. */
export const ADMINISTRATOR: EmulatedUser = {
  id: 1,
  username: 'root',
  name: 'Administrator',
  email: 'admin@example.com',
};

export function addMergeRequest(
  project: ProjectRecord,
  id: number,
  request: { source: string; target: string; title: string; description?: string },
): number {
  const iid = project.mergeRequests.size + 1;
  const at = now();
  project.mergeRequests.set(iid, {
    id,
    iid,
    title: request.title,
    description: request.description ?? '',
    sourceBranch: request.source,
    targetBranch: request.target,
    author: ADMINISTRATOR,
    createdAt: at,
    updatedAt: at,
    notes: [],
    state: 'opened',
  });
  return iid;
}

function findMergeRequest(context: RequestContext): MergeRequestRecord {
  const iid = param(context, 'iid');
  const mergeRequest = /^\d+$/.test(iid) ? context.project.mergeRequests.get(Number(iid)) : undefined;
  if (mergeRequest === undefined) throw recordNotFound();
  return mergeRequest;
}

/** `GET /projects/:id/merge_requests/:iid`: an open merge request, its heads read live. */
export const getMergeRequest: Handler = async (context) => {
  const mergeRequest = findMergeRequest(context);
  const { gitDir, path, id: projectId } = context.project;
  const { baseUrl } = context.state;
  const sourceHead = await branchHead(gitDir, mergeRequest.sourceBranch);
  const targetHead = await branchHead(gitDir, mergeRequest.targetBranch);
  const base = sourceHead && targetHead ? await mergeBase(gitDir, targetHead, sourceHead) : undefined;
  const reference = `!${mergeRequest.iid}`;
  const pipeline =
    sourceHead === undefined ? undefined : latestPipeline(context.project, sourceHead, baseUrl);
  return {
    status: 200,
    body: {
      id: mergeRequest.id,
      iid: mergeRequest.iid,
      project_id: projectId,
      title: mergeRequest.title,
      description: mergeRequest.description,
      state: mergeRequest.state,
      created_at: mergeRequest.createdAt,
      updated_at: mergeRequest.updatedAt,
      merged_by: null,
      merge_user: null,
      merged_at: mergeRequest.state === 'merged' ? (mergeRequest.closedAt ?? null) : null,
      closed_by: null,
      closed_at: mergeRequest.state === 'closed' ? (mergeRequest.closedAt ?? null) : null,
      target_branch: mergeRequest.targetBranch,
      source_branch: mergeRequest.sourceBranch,
      user_notes_count: mergeRequest.notes.length,
      upvotes: 0,
      downvotes: 0,
      author: userBasic(mergeRequest.author, baseUrl),
      assignees: [],
      assignee: null,
      reviewers: [],
      source_project_id: projectId,
      target_project_id: projectId,
      labels: [],
      draft: false,
      work_in_progress: false,
      milestone: null,
      merge_when_pipeline_succeeds: false,
      merge_status: 'can_be_merged',
      detailed_merge_status: mergeCheck(context.project.pipelineMustSucceed, pipeline?.status ?? null),
      sha: sourceHead ?? null,
      merge_commit_sha: mergeRequest.mergeCommitSha ?? null,
      squash_commit_sha: null,
      discussion_locked: null,
      should_remove_source_branch: null,
      force_remove_source_branch: false,
      reference,
      references: { short: reference, relative: reference, full: `${path}${reference}` },
      web_url: `${baseUrl}/${path}/-/merge_requests/${mergeRequest.iid}`,
      time_stats: {
        time_estimate: 0,
        total_time_spent: 0,
        human_time_estimate: null,
        human_total_time_spent: null,
      },
      squash: false,
      squash_on_merge: false,
      task_completion_status: { count: 0, completed_count: 0 },
      has_conflicts: false,
      blocking_discussions_resolved: true,
      subscribed: false,
      changes_count: null,
      latest_build_started_at: null,
      latest_build_finished_at: null,
      first_deployed_to_production_at: null,
      pipeline: pipeline?.entity ?? null,
      head_pipeline: pipeline?.entity ?? null,
      diff_refs: { base_sha: base ?? null, head_sha: sourceHead ?? null, start_sha: targetHead ?? null },
      merge_error: null,
      user: { can_merge: true },
    },
  };
};

/**
 * `detailed_merge_status` as far as pipelines decide it: with "Pipelines must succeed", a running
 * head pipeline is `ci_still_running` and any other that did not succeed (or none) is `ci_must_pass`.
 */
function mergeCheck(pipelineMustSucceed: boolean, pipelineStatus: string | null): string {
  if (!pipelineMustSucceed || pipelineStatus === 'success') return 'mergeable';
  if (pipelineStatus === 'running' || pipelineStatus === 'pending' || pipelineStatus === 'created') {
    return 'ci_still_running';
  }
  return 'ci_must_pass';
}

function noteEntity(
  context: RequestContext,
  mergeRequest: MergeRequestRecord,
  note: NoteRecord,
): Record<string, unknown> {
  return {
    id: note.id,
    type: null,
    body: note.body,
    author: userBasic(note.author, context.state.baseUrl),
    created_at: note.createdAt,
    updated_at: note.updatedAt,
    system: false,
    noteable_id: mergeRequest.id,
    noteable_type: 'MergeRequest',
    project_id: context.project.id,
    resolvable: false,
    confidential: note.internal,
    internal: note.internal,
    imported: false,
    imported_from: 'none',
    noteable_iid: mergeRequest.iid,
    commands_changes: {},
  };
}

/** `GET /projects/:id/merge_requests/:iid/notes`: newest first unless `sort=asc`. */
export const listNotes: Handler = async (context) => {
  const mergeRequest = findMergeRequest(context);
  const sort = optionalChoice(context.input, 'sort', ['asc', 'desc'] as const) ?? 'desc';
  const orderBy =
    optionalChoice(context.input, 'order_by', ['created_at', 'updated_at'] as const) ?? 'created_at';
  const key = (note: NoteRecord): string => (orderBy === 'created_at' ? note.createdAt : note.updatedAt);
  const notes = [...mergeRequest.notes].sort((a, b) => {
    const order = key(a).localeCompare(key(b)) || a.id - b.id;
    return sort === 'asc' ? order : -order;
  });
  const page = paginate(notes, pageRequest(context.input), context.link);
  return {
    status: 200,
    body: page.items.map((note) => noteEntity(context, mergeRequest, note)),
    headers: page.headers,
  };
};

/** `POST /projects/:id/merge_requests/:iid/notes`. */
export const createNote: Handler = async (context) => {
  const mergeRequest = findMergeRequest(context);
  const body = requiredString(context.input, 'body');
  const at = now();
  const note: NoteRecord = {
    id: context.state.sequences.next('note'),
    body,
    internal: optionalBoolean(context.input, 'internal') ?? false,
    author: context.user,
    createdAt: at,
    updatedAt: at,
  };
  mergeRequest.notes.push(note);
  mergeRequest.updatedAt = at;
  return { status: 201, body: noteEntity(context, mergeRequest, note) };
};

/**
 * `GET /projects/:id/repository/commits/:sha/merge_requests`: the merge requests whose commits
 * include `sha` (reachable from the source head, not from the target head), newest first.
 */
export const commitMergeRequests: Handler = async (context) => {
  const { gitDir, path, id: projectId } = context.project;
  const sha = await resolveCommit(gitDir, param(context, 'sha'));
  if (sha === undefined) throw notFound('Commit');
  const related: Record<string, unknown>[] = [];
  for (const mergeRequest of [...context.project.mergeRequests.values()].reverse()) {
    const sourceHead = await branchHead(gitDir, mergeRequest.sourceBranch);
    const targetHead = await branchHead(gitDir, mergeRequest.targetBranch);
    if (sourceHead === undefined || !(await isAncestor(gitDir, sha, sourceHead))) continue;
    if (targetHead !== undefined && (await isAncestor(gitDir, sha, targetHead))) continue;
    related.push({
      id: mergeRequest.id,
      iid: mergeRequest.iid,
      project_id: projectId,
      title: mergeRequest.title,
      state: mergeRequest.state,
      source_branch: mergeRequest.sourceBranch,
      target_branch: mergeRequest.targetBranch,
      sha: sourceHead,
      web_url: `${context.state.baseUrl}/${path}/-/merge_requests/${mergeRequest.iid}`,
    });
  }
  const page = paginate(related, pageRequest(context.input), context.link);
  return { status: 200, body: page.items, headers: page.headers };
};

/**
 * `POST /projects/:id/merge_requests`: opens a merge request between two branches of the project
 * and triggers the `Merge Request Hook` (action `open`).
 */
export const createMergeRequest: Handler = async (context) => {
  const source = requiredString(context.input, 'source_branch');
  const target = requiredString(context.input, 'target_branch');
  const title = requiredString(context.input, 'title');
  const { project } = context;
  for (const branch of [source, target]) {
    if ((await branchHead(project.gitDir, branch)) === undefined) {
      throw new ApiError(400, {
        message: [`${branch === source ? 'Source' : 'Target'} branch "${branch}" does not exist`],
      });
    }
  }
  if (source === target)
    throw new ApiError(400, {
      message: ["Branch conflict You can't use same project/branch for source and target"],
    });
  const open = [...project.mergeRequests.values()].find(
    (request) =>
      request.state === 'opened' && request.sourceBranch === source && request.targetBranch === target,
  );
  if (open !== undefined) {
    throw new ApiError(409, {
      message: [`Another open merge request already exists for this source branch: !${open.iid}`],
    });
  }
  const description = optionalString(context.input, 'description');
  const iid = addMergeRequest(project, context.state.sequences.next('mergeRequest'), {
    source,
    target,
    title,
    ...(description === undefined ? {} : { description }),
  });
  const mergeRequest = project.mergeRequests.get(iid) as MergeRequestRecord;
  mergeRequest.author = context.user;
  await triggerMergeRequestHook(context, mergeRequest, 'open');
  return getMergeRequest({ ...context, params: { ...context.params, iid: String(iid) } }).then((reply) => ({
    ...reply,
    status: 201,
  }));
};

/** `PUT /projects/:id/merge_requests/:iid` with `state_event` `close` or `reopen` (other edits are not emulated). */
export const updateMergeRequest: Handler = async (context) => {
  const mergeRequest = findMergeRequest(context);
  const event = optionalChoice(context.input, 'state_event', ['close', 'reopen'] as const);
  if (event === undefined) throw apiError(400, '400 Bad request - the emulator changes only state_event');
  const from = mergeRequest.state;
  if (from === 'merged') throw apiError(405, '405 Method Not Allowed');
  const to = event === 'close' ? 'closed' : 'opened';
  if (from !== to) {
    const at = now();
    mergeRequest.state = to;
    mergeRequest.updatedAt = at;
    if (to === 'closed') mergeRequest.closedAt = at;
    else delete mergeRequest.closedAt;
    await triggerMergeRequestHook(context, mergeRequest, event);
  }
  return getMergeRequest(context);
};

/**
 * `PUT /projects/:id/merge_requests/:iid/merge`: a merge commit of the source head into the target
 * branch (the project's merge method is `merge`), then the `Merge Request Hook` (action `merge`).
 * 405 when the merge request is not open, 406 when the branches conflict.
 */
export const mergeMergeRequest: Handler = async (context) => {
  const mergeRequest = findMergeRequest(context);
  if (mergeRequest.state !== 'opened') throw apiError(405, '405 Method Not Allowed');
  const { gitDir, path } = context.project;
  const merged = await context.project.exclusive(async () => {
    const source = await branchHead(gitDir, mergeRequest.sourceBranch);
    const target = await branchHead(gitDir, mergeRequest.targetBranch);
    if (source === undefined || target === undefined) return undefined;
    const tree = await mergeTree(gitDir, target, source);
    if (tree === undefined) return undefined;
    const identity = { name: context.user.name, email: context.user.email };
    const commit = await writeCommit(gitDir, {
      tree,
      parents: [target, source],
      message: `Merge branch '${mergeRequest.sourceBranch}' into '${mergeRequest.targetBranch}'\n\n${mergeRequest.title}\n\nSee merge request ${path}!${mergeRequest.iid}\n`,
      author: identity,
      committer: identity,
    });
    const moved = await compareAndSwapRef(gitDir, `refs/heads/${mergeRequest.targetBranch}`, commit, target);
    return moved ? commit : undefined;
  });
  if (merged === undefined) throw apiError(406, 'Branch cannot be merged');
  const at = now();
  mergeRequest.state = 'merged';
  mergeRequest.mergeCommitSha = merged;
  mergeRequest.closedAt = at;
  mergeRequest.updatedAt = at;
  await triggerMergeRequestHook(context, mergeRequest, 'merge');
  return getMergeRequest(context);
};
