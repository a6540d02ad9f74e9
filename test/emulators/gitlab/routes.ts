import { getBranch, listBranchesRoute } from './branches.ts';
import { compare, getCommit, getCommitDiff, listCommits } from './commit-queries.ts';
import type { Handler } from './context.ts';
import { createCommit } from './create-commit.ts';
import { getFile } from './files.ts';
import { commitMergeRequests, createNote, getMergeRequest, listNotes } from './merge-requests.ts';
import { getMirror, listMirrors, syncMirror } from './mirrors.ts';
import { getProject } from './project-routes.ts';
import { listStatuses, postStatus } from './statuses.ts';
import { getTree } from './tree.ts';

export interface Route {
  method: 'GET' | 'POST';
  /** Relative to `/api/v4`; `:name` matches one URL-encoded path segment. */
  path: string;
  handler: Handler;
}

export const ROUTES: readonly Route[] = [
  { method: 'GET', path: '/projects/:id', handler: getProject },
  { method: 'GET', path: '/projects/:id/repository/files/:file_path', handler: getFile },
  { method: 'GET', path: '/projects/:id/repository/tree', handler: getTree },
  { method: 'POST', path: '/projects/:id/repository/commits', handler: createCommit },
  { method: 'GET', path: '/projects/:id/repository/commits', handler: listCommits },
  { method: 'GET', path: '/projects/:id/repository/commits/:sha', handler: getCommit },
  { method: 'GET', path: '/projects/:id/repository/commits/:sha/diff', handler: getCommitDiff },
  { method: 'GET', path: '/projects/:id/repository/commits/:sha/statuses', handler: listStatuses },
  {
    method: 'GET',
    path: '/projects/:id/repository/commits/:sha/merge_requests',
    handler: commitMergeRequests,
  },
  { method: 'GET', path: '/projects/:id/repository/compare', handler: compare },
  { method: 'GET', path: '/projects/:id/repository/branches', handler: listBranchesRoute },
  { method: 'GET', path: '/projects/:id/repository/branches/:branch', handler: getBranch },
  { method: 'POST', path: '/projects/:id/statuses/:sha', handler: postStatus },
  { method: 'GET', path: '/projects/:id/merge_requests/:iid', handler: getMergeRequest },
  { method: 'GET', path: '/projects/:id/merge_requests/:iid/notes', handler: listNotes },
  { method: 'POST', path: '/projects/:id/merge_requests/:iid/notes', handler: createNote },
  { method: 'GET', path: '/projects/:id/remote_mirrors', handler: listMirrors },
  { method: 'GET', path: '/projects/:id/remote_mirrors/:mirror_id', handler: getMirror },
  { method: 'POST', path: '/projects/:id/remote_mirrors/:mirror_id/sync', handler: syncMirror },
];

export interface RouteMatch {
  route: Route;
  /** `POST /projects/:id/repository/commits`, the name faults and the call log use. */
  template: string;
  params: Record<string, string>;
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** Matches the still-encoded segments after `/api/v4`, so `%2F` inside an id or a file path stays one segment. */
export function matchRoute(method: string, segments: readonly string[]): RouteMatch | undefined {
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const pattern = route.path.split('/').slice(1);
    if (pattern.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const matched = pattern.every((part, index) => {
      const segment = segments[index] as string;
      if (!part.startsWith(':')) return part === segment;
      const value = decodeSegment(segment);
      if (value === undefined || value === '') return false;
      params[part.slice(1)] = value;
      return true;
    });
    if (matched) return { route, template: `${route.method} ${route.path}`, params };
  }
  return undefined;
}
