import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { git, gitText } from './git.ts';

export interface TreeEntry {
  /** Git mode: `100644`, `100755`, `120000`, `160000` (submodule) or `040000`. */
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  objectId: string;
}

export type FileMode = 'NORMAL' | 'EXECUTABLE' | 'SYMLINK';

const GIT_MODE_BY_FILE_MODE: Record<FileMode, string> = {
  NORMAL: '100644',
  EXECUTABLE: '100755',
  SYMLINK: '120000',
};

export const FILE_MODES = Object.keys(GIT_MODE_BY_FILE_MODE) as FileMode[];

export const gitMode = (mode: FileMode): string => GIT_MODE_BY_FILE_MODE[mode];

export function fileMode(gitModeValue: string): FileMode {
  if (gitModeValue === '100755') return 'EXECUTABLE';
  if (gitModeValue === '120000') return 'SYMLINK';
  return 'NORMAL';
}

function parseLsTree(output: Buffer): Array<[string, TreeEntry]> {
  return output
    .toString('utf8')
    .split('\0')
    .filter((line) => line !== '')
    .map((line) => {
      const tab = line.indexOf('\t');
      const [mode = '', type = '', objectId = ''] = line.slice(0, tab).split(' ');
      return [line.slice(tab + 1), { mode, type: type as TreeEntry['type'], objectId }];
    });
}

/**
 * Git objects never change once written, so what was read of a commit's tree or of a blob is kept
 * by object id: a bump reading a hundred files of one commit costs one tree listing, not a hundred.
 * Only successful reads are kept, and the cache is dropped whole when it grows large.
 */
const objectCache = new Map<string, Promise<unknown>>();
const OBJECT_CACHE_LIMIT = 20_000;

function cached<T>(key: string, read: () => Promise<T>): Promise<T> {
  const hit = objectCache.get(key);
  if (hit) return hit as Promise<T>;
  if (objectCache.size >= OBJECT_CACHE_LIMIT) objectCache.clear();
  const pending = read();
  objectCache.set(key, pending);
  pending.catch(() => objectCache.delete(key));
  return pending;
}

/** Every file (blob or submodule) of a commit's tree, by full path. */
export async function listFiles(gitDir: string, commitId: string): Promise<Map<string, TreeEntry>> {
  const listing = await cached(`${gitDir}\0ls\0${commitId}`, async () =>
    parseLsTree(await git(gitDir, ['ls-tree', '-r', '-z', '--full-tree', commitId])),
  );
  return new Map(listing);
}

/** The entry at exactly `path` (a file, a directory or a submodule), if any. */
export async function entryAt(
  gitDir: string,
  commitId: string,
  path: string,
): Promise<TreeEntry | undefined> {
  if (/^[0-9a-f]{40}$/.test(commitId)) {
    const file = (await listFiles(gitDir, commitId)).get(path);
    if (file) return file;
  }
  const entries = parseLsTree(await git(gitDir, ['ls-tree', '-z', '--full-tree', commitId, '--', path]));
  return entries.find(([entryPath]) => entryPath === path)?.[1];
}

export const readBlob = async (gitDir: string, blobId: string): Promise<Buffer> =>
  Buffer.from(await cached(`${gitDir}\0blob\0${blobId}`, () => git(gitDir, ['cat-file', 'blob', blobId])));

export async function blobSize(gitDir: string, blobId: string): Promise<number> {
  return cached(`${gitDir}\0size\0${blobId}`, async () =>
    Number(await gitText(gitDir, ['cat-file', '-s', blobId])),
  );
}

export const writeBlob = (gitDir: string, content: Buffer): Promise<string> =>
  gitText(gitDir, ['hash-object', '-w', '--stdin'], { input: content });

/** Writes a tree holding exactly `files`, through a throw-away index. */
export async function writeTree(
  gitDir: string,
  files: Map<string, TreeEntry>,
  scratchDir: string,
): Promise<string> {
  const indexFile = join(scratchDir, `index-${randomUUID()}`);
  const env = { GIT_INDEX_FILE: indexFile };
  try {
    const lines = [...files].map(([path, entry]) => `${entry.mode} ${entry.objectId}\t${path}\0`).join('');
    await git(gitDir, ['update-index', '-z', '--index-info'], { input: lines, env });
    return await gitText(gitDir, ['write-tree'], { env });
  } finally {
    await rm(indexFile, { force: true });
  }
}

export const treeOf = (gitDir: string, commitId: string): Promise<string> =>
  gitText(gitDir, ['rev-parse', `${commitId}^{tree}`]);

export interface CommitIdentity {
  name: string;
  email: string;
}

/** CreateCommit uses the author as committer too. */
export function writeCommit(
  gitDir: string,
  commit: { treeId: string; parentId?: string; message: string; author: CommitIdentity },
): Promise<string> {
  const parents = commit.parentId === undefined ? [] : ['-p', commit.parentId];
  return gitText(gitDir, ['commit-tree', commit.treeId, ...parents, '-F', '-'], {
    input: commit.message,
    env: {
      GIT_AUTHOR_NAME: commit.author.name,
      GIT_AUTHOR_EMAIL: commit.author.email,
      GIT_COMMITTER_NAME: commit.author.name,
      GIT_COMMITTER_EMAIL: commit.author.email,
    },
  });
}
