import { fail } from './errors.ts';
import { resolveCommitSpecifier } from './get-file.ts';
import { GitCommandError, git, gitText } from './git.ts';
import { type Input, optionalString } from './input.ts';
import { requireRepositoryName } from './names.ts';
import type { OperationContext } from './operation-context.ts';
import { fileMode } from './trees.ts';

/** The folder part of GetFolder's `folderPath`: `/` or empty is the root; one leading and trailing slash dropped. */
function requireFolderPath(path: string | undefined): string {
  if (path === undefined || path === '') return fail('PathRequiredException', 'A folder path is required.');
  const relative = path.replace(/^\//, '').replace(/\/$/, '');
  if (
    relative.includes('\0') ||
    (relative !== '' &&
      relative.split('/').some((segment) => segment === '' || segment === '.' || segment === '..'))
  ) {
    return fail('InvalidPathException', `The folder path '${path}' is not valid.`);
  }
  return relative;
}

/**
 * GetFolder: the direct contents of one folder at a commit (files, symbolic links, submodules and
 * sub-folders, each with its absolute and relative path), never recursive. A path that names no
 * folder at that commit is `FolderDoesNotExistException`.
 */
export async function getFolder(context: OperationContext, input: Input): Promise<Record<string, unknown>> {
  const repository = context.store.get(requireRepositoryName(optionalString(input, 'repositoryName')));
  const rawPath = optionalString(input, 'folderPath');
  const folder = requireFolderPath(rawPath);
  const commitId = await resolveCommitSpecifier(repository.gitDir, optionalString(input, 'commitSpecifier'));
  const spec = folder === '' ? `${commitId}^{tree}` : `${commitId}:${folder}`;
  const treeId = await folderTree(repository.gitDir, spec);
  if (treeId === undefined) {
    return fail('FolderDoesNotExistException', `The folder ${rawPath} does not exist at ${commitId}.`);
  }
  const listing = (await git(repository.gitDir, ['ls-tree', '-z', treeId])).toString('utf8');
  const files: Record<string, unknown>[] = [];
  const symbolicLinks: Record<string, unknown>[] = [];
  const subModules: Record<string, unknown>[] = [];
  const subFolders: Record<string, unknown>[] = [];
  for (const line of listing.split('\0')) {
    if (line === '') continue;
    const tab = line.indexOf('\t');
    const [mode = '', type = '', objectId = ''] = line.slice(0, tab).split(' ');
    const relativePath = line.slice(tab + 1);
    const absolutePath = folder === '' ? relativePath : `${folder}/${relativePath}`;
    if (type === 'tree') subFolders.push({ treeId: objectId, absolutePath, relativePath });
    else if (type === 'commit') subModules.push({ commitId: objectId, absolutePath, relativePath });
    else if (mode === '120000')
      symbolicLinks.push({ blobId: objectId, absolutePath, relativePath, fileMode: 'SYMLINK' });
    else files.push({ blobId: objectId, absolutePath, relativePath, fileMode: fileMode(mode) });
  }
  return { commitId, folderPath: rawPath, treeId, subFolders, files, symbolicLinks, subModules };
}

/** The tree object `spec` names, or undefined when it names nothing or a file. */
async function folderTree(gitDir: string, spec: string): Promise<string | undefined> {
  try {
    const objectId = await gitText(gitDir, ['rev-parse', '--verify', '--quiet', spec]);
    return (await gitText(gitDir, ['cat-file', '-t', objectId])) === 'tree' ? objectId : undefined;
  } catch (error) {
    if (error instanceof GitCommandError) return undefined;
    throw error;
  }
}
