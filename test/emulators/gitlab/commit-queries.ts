import { GitCommandError } from '../codecommit/git.ts';
import { type Handler, param } from './context.ts';
import { diffEntities } from './diffs.ts';
import { commitDetailEntity, commitEntity } from './entities.ts';
import { notFound } from './errors.ts';
import { optionalBoolean, optionalString, requiredString } from './input.ts';
import { pageRequest, pageWithoutCount, paginate } from './pagination.ts';
import {
  defaultBranch,
  diffStats,
  EMPTY_TREE,
  logIds,
  mergeBase,
  readCommit,
  readCommits,
  resolveCommit,
} from './repository.ts';
import { latestPipeline } from './statuses.ts';

/** `GET /projects/:id/repository/commits/:sha` (a sha, or a branch or tag name). */
export const getCommit: Handler = async (context) => {
  const { gitDir } = context.project;
  const id = await resolveCommit(gitDir, param(context, 'sha'));
  if (id === undefined) throw notFound('Commit');
  const commit = await readCommit(gitDir, id);
  const withStats = optionalBoolean(context.input, 'stats') ?? true;
  const pipeline = latestPipeline(context.project, id, context.state.baseUrl);
  return {
    status: 200,
    body: commitDetailEntity(commit, context.project, context.state.baseUrl, {
      ...(withStats ? { stats: await diffStats(gitDir, commit.parents[0] ?? EMPTY_TREE, id) } : {}),
      status: pipeline.status,
      lastPipeline: pipeline.entity,
    }),
  };
};

/**
 * `GET /projects/:id/repository/commits`: newest first from `ref_name` (the default branch when
 * absent; every ref with `all`), optionally only those touching `path`. GitLab pages this listing
 * without counting it: no X-Total, X-Total-Pages or rel="last". A ref that names nothing lists nothing.
 */
export const listCommits: Handler = async (context) => {
  const { gitDir } = context.project;
  const { input } = context;
  const request = pageRequest(input);
  const all = optionalBoolean(input, 'all') ?? false;
  const ref = optionalString(input, 'ref_name') || (await defaultBranch(gitDir));
  let ids: string[] = [];
  if (all || (ref !== undefined && !ref.startsWith('-'))) {
    try {
      ids = await logIds(gitDir, all ? ['--all'] : [ref as string], {
        skip: (request.page - 1) * request.perPage,
        limit: request.perPage,
        path: (optionalString(input, 'path') ?? '').replace(/^\/+/, ''),
      });
    } catch (error) {
      if (!(error instanceof GitCommandError)) throw error;
    }
  }
  const page = pageWithoutCount(await readCommits(gitDir, ids), request, context.link);
  return {
    status: 200,
    body: page.items.map((commit) => commitEntity(commit, context.project, context.state.baseUrl)),
    headers: page.headers,
  };
};

/** `GET /projects/:id/repository/commits/:sha/diff`: the changes against the first parent. */
export const getCommitDiff: Handler = async (context) => {
  const { gitDir } = context.project;
  const id = await resolveCommit(gitDir, param(context, 'sha'));
  if (id === undefined) throw notFound('Commit');
  const commit = await readCommit(gitDir, id);
  const page = paginate(
    await diffEntities(gitDir, commit.parents[0], id),
    pageRequest(context.input),
    context.link,
  );
  return { status: 200, body: page.items, headers: page.headers };
};

/**
 * `GET /projects/:id/repository/compare?from=&to=&straight=`: the commits reachable from `to` and not
 * from `from` (oldest first), and the diff from the merge base (`from...to`) or, with `straight`, from
 * `from` itself (`from..to`).
 */
export const compare: Handler = async (context) => {
  const { gitDir } = context.project;
  const { input } = context;
  const fromRef = requiredString(input, 'from', true);
  const toRef = requiredString(input, 'to', true);
  const straight = optionalBoolean(input, 'straight') ?? false;
  const from = await resolveCommit(gitDir, fromRef);
  const to = await resolveCommit(gitDir, toRef);
  if (from === undefined || to === undefined) throw notFound('Ref');
  const same = from === to;
  const base = straight ? from : ((await mergeBase(gitDir, from, to)) ?? from);
  const commits = same
    ? []
    : await readCommits(gitDir, await logIds(gitDir, [`${from}..${to}`], { reverse: true }));
  const { baseUrl } = context.state;
  const entities = commits.map((commit) => commitEntity(commit, context.project, baseUrl));
  return {
    status: 200,
    body: {
      commit: entities.at(-1) ?? null,
      commits: entities,
      diffs: same ? [] : await diffEntities(gitDir, base, to),
      compare_timeout: false,
      compare_same_ref: same,
      web_url: `${baseUrl}/${context.project.path}/-/compare/${base}...${to}`,
    },
  };
};
