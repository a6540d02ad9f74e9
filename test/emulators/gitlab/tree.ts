import { GitCommandError, git, gitText } from '../codecommit/git.ts';
import type { Handler } from './context.ts';
import { invalidParameter, notFound } from './errors.ts';
import { optionalBoolean, optionalString } from './input.ts';
import { pageRequest, paginate } from './pagination.ts';
import { defaultBranch, resolveCommit } from './repository.ts';

interface TreeItem {
  id: string;
  name: string;
  type: 'blob' | 'tree' | 'commit';
  path: string;
  mode: string;
}

/** The tree object at `path` of `commitId` (the root tree for ''), or undefined when there is none. */
async function treeAt(gitDir: string, commitId: string, path: string): Promise<string | undefined> {
  try {
    const id = await gitText(gitDir, ['rev-parse', '--verify', '--quiet', `${commitId}:${path}`]);
    return (await gitText(gitDir, ['cat-file', '-t', id])) === 'tree' ? id : undefined;
  } catch (error) {
    if (error instanceof GitCommandError) return undefined;
    throw error;
  }
}

/**
 * `GET /projects/:id/repository/tree?path=&ref=&recursive=`: the entries of a folder (with
 * `recursive`, of every folder below it, folders listed before their contents), paginated. A ref
 * or a path that names no folder is `404 Tree Not Found`, as GitLab answers since 16.5.
 */
export const getTree: Handler = async (context) => {
  const { gitDir } = context.project;
  const rawPath = optionalString(context.input, 'path') ?? '';
  const path = rawPath.replace(/^\/+|\/+$/g, '');
  if (path.split('/').includes('..')) throw invalidParameter('path should be a valid file path');
  const ref = optionalString(context.input, 'ref') ?? (await defaultBranch(gitDir)) ?? '';
  const commitId = await resolveCommit(gitDir, ref);
  if (commitId === undefined) throw notFound('Tree');
  const treeId = await treeAt(gitDir, commitId, path);
  if (treeId === undefined) throw notFound('Tree');
  const recursive = optionalBoolean(context.input, 'recursive') ?? false;
  const listing = (await git(gitDir, ['ls-tree', '-z', ...(recursive ? ['-r', '-t'] : []), treeId]))
    .toString('utf8')
    .split('\0')
    .filter((line) => line !== '');
  const items = listing.map((line): TreeItem => {
    const tab = line.indexOf('\t');
    const [mode = '', type = '', id = ''] = line.slice(0, tab).split(' ');
    const relative = line.slice(tab + 1);
    const full = path === '' ? relative : `${path}/${relative}`;
    return {
      id,
      name: relative.slice(relative.lastIndexOf('/') + 1),
      type: type as TreeItem['type'],
      path: full,
      mode,
    };
  });
  const page = paginate(items, pageRequest(context.input), context.link);
  return { status: 200, body: page.items, headers: page.headers };
};
