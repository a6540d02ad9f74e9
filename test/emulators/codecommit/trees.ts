import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeCommitObject } from './commit-objects.ts';
import { catFileObject, git, gitText } from './git.ts';
import { readLooseHeader, readLooseObject, writeLooseObject } from './objects.ts';

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
 * What the emulator writes itself (blobs, and the listing of a commit it creates) is kept too, so
 * reading back a fresh commit costs no git process. Only successful reads are kept, and the cache
 * is dropped whole when it holds too many entries or too many bytes of blob content.
 */
const objectCache = new Map<string, Promise<unknown>>();
const OBJECT_CACHE_LIMIT = 20_000;
const CONTENT_BYTES_LIMIT = 256 * 1024 * 1024;
/** A packed blob up to this size is read along with its size (the 6 MB file limit, with room). */
const PREFETCH_BYTES = 8 * 1024 * 1024;
let contentBytes = 0;

function makeRoom(): void {
  if (objectCache.size >= OBJECT_CACHE_LIMIT || contentBytes > CONTENT_BYTES_LIMIT) {
    objectCache.clear();
    contentBytes = 0;
  }
}

function cached<T>(key: string, read: () => Promise<T>): Promise<T> {
  const hit = objectCache.get(key);
  if (hit) return hit as Promise<T>;
  makeRoom();
  const pending = read();
  objectCache.set(key, pending);
  pending.catch(() => objectCache.delete(key));
  return pending;
}

function remember(key: string, value: unknown): void {
  makeRoom();
  objectCache.set(key, Promise.resolve(value));
}

const listingKey = (gitDir: string, commitId: string) => `${gitDir}\0ls\0${commitId}`;
const blobKey = (gitDir: string, blobId: string) => `${gitDir}\0blob\0${blobId}`;
const sizeKey = (gitDir: string, blobId: string) => `${gitDir}\0size\0${blobId}`;
const treeKey = (gitDir: string, commitId: string) => `${gitDir}\0tree\0${commitId}`;
const commitKey = (gitDir: string, commitId: string) => `${gitDir}\0commit\0${commitId}`;

/** Whether `commitId` was already seen to name a commit of the repository. */
export const isKnownCommit = (gitDir: string, commitId: string): boolean =>
  objectCache.has(commitKey(gitDir, commitId));

export function rememberCommit(gitDir: string, commitId: string): void {
  remember(commitKey(gitDir, commitId), true);
}

/**
 * Records a commit the emulator just wrote from `files` through `writeTree`: its id is a known
 * commit and its tree is `treeId`. When the tree was written in-process its listing is exactly
 * `files`, in the order `ls-tree -r` gives (git's tree order, which for full paths is their byte
 * order); otherwise git lists it when asked.
 */
export function rememberWrittenCommit(
  gitDir: string,
  commitId: string,
  treeId: string,
  files: ReadonlyMap<string, TreeEntry>,
): void {
  rememberCommit(gitDir, commitId);
  remember(treeKey(gitDir, commitId), treeId);
  if (plainFolders(files) === undefined) return;
  const byPath = [...files].map(([path, entry]) => ({ key: Buffer.from(path, 'utf8'), path, entry }));
  byPath.sort((a, b) => Buffer.compare(a.key, b.key));
  const listing = byPath.map(({ path, entry }): [string, TreeEntry] => [path, { ...entry }]);
  remember(listingKey(gitDir, commitId), listing);
}

/** Every file (blob or submodule) of a commit's tree, by full path. */
export async function listFiles(gitDir: string, commitId: string): Promise<Map<string, TreeEntry>> {
  const listing = await cached(listingKey(gitDir, commitId), async () =>
    parseLsTree(await git(gitDir, ['ls-tree', '-r', '-z', '--full-tree', commitId])),
  );
  return new Map(listing.map(([path, entry]) => [path, { ...entry }]));
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

function rememberBlob(gitDir: string, blobId: string, content: Buffer): void {
  contentBytes += content.length;
  remember(blobKey(gitDir, blobId), content);
  remember(sizeKey(gitDir, blobId), content.length);
}

/** A blob's bytes: from the cache, from its loose object, or from git when it is packed. */
export async function readBlob(gitDir: string, blobId: string): Promise<Buffer> {
  const content = await cached(blobKey(gitDir, blobId), async () => {
    const loose = await readLooseObject(gitDir, blobId);
    const bytes = loose?.type === 'blob' ? loose.content : await git(gitDir, ['cat-file', 'blob', blobId]);
    contentBytes += bytes.length;
    return bytes;
  });
  return Buffer.from(content);
}

/** What `git cat-file -s` prints, without a git process when the object is cached or loose. */
export async function blobSize(gitDir: string, blobId: string): Promise<number> {
  const content = objectCache.get(blobKey(gitDir, blobId)) as Promise<Buffer> | undefined;
  const length = await content?.then(
    (bytes) => bytes.length,
    () => undefined,
  );
  if (length !== undefined) return length;
  return cached(sizeKey(gitDir, blobId), async () => {
    const header = await readLooseHeader(gitDir, blobId);
    if (header !== undefined) return header.size;
    // Not loose (packed): one git process yields the size and, for a file GetFile may return, the
    // content the read that follows wants.
    const stored = FULL_OBJECT_ID.test(blobId)
      ? await catFileObject(gitDir, blobId, PREFETCH_BYTES)
      : undefined;
    if (stored === undefined) return Number(await gitText(gitDir, ['cat-file', '-s', blobId]));
    if (stored.type === 'blob' && stored.content !== undefined) {
      contentBytes += stored.content.length;
      remember(blobKey(gitDir, blobId), stored.content);
    }
    return stored.size;
  });
}

/** What `git hash-object -w --stdin` does, written in-process as a loose object. */
export async function writeBlob(gitDir: string, content: Buffer): Promise<string> {
  const blobId = await writeLooseObject(gitDir, 'blob', content);
  rememberBlob(gitDir, blobId, content);
  return blobId;
}

/**
 * A folder of a tree about to be written: files (blobs and submodules) and sub-folders by name.
 * Built only for what `update-index --index-info` would take exactly as given: canonical modes,
 * full object ids, paths git accepts (see `isPlainSegment`) and no path that is both a file and a
 * folder. Anything else is left to git, which refuses or resolves it its own way.
 */
interface Folder {
  files: Map<string, TreeEntry>;
  folders: Map<string, Folder>;
}

const CANONICAL_MODES = new Set(['100644', '100755', '120000', '160000']);
const FULL_OBJECT_ID = /^[0-9a-f]{40}$/;
/** `.git` and the names NTFS takes for it (`git~1`, trailing dots and spaces, a stream suffix). */
const DOT_GIT = /^(?:\.git|git~1)[. ]*(?::|$)/i;

/**
 * A path segment git's `verify_path` accepts as it stands on Linux, conservatively: a symbolic link
 * with a name `.gitmodules` could stand for is left to git too.
 */
const isPlainSegment = (segment: string, mode: string): boolean =>
  segment !== '' &&
  segment !== '.' &&
  segment !== '..' &&
  !/[\0\\]/.test(segment) &&
  !DOT_GIT.test(segment) &&
  !(mode === '120000' && (segment.includes('~') || /^\.gitmodules/i.test(segment)));

function plainFolders(files: ReadonlyMap<string, TreeEntry>): Folder | undefined {
  const root: Folder = { files: new Map(), folders: new Map() };
  for (const [path, entry] of files) {
    if (!CANONICAL_MODES.has(entry.mode) || !FULL_OBJECT_ID.test(entry.objectId)) return undefined;
    const segments = path.split('/');
    if (!segments.every((segment) => isPlainSegment(segment, entry.mode))) return undefined;
    const name = segments.pop() as string;
    let folder = root;
    for (const segment of segments) {
      if (folder.files.has(segment)) return undefined;
      let next = folder.folders.get(segment);
      if (next === undefined) {
        next = { files: new Map(), folders: new Map() };
        folder.folders.set(segment, next);
      }
      folder = next;
    }
    if (folder.folders.has(name)) return undefined;
    folder.files.set(name, entry);
  }
  return root;
}

/**
 * Writes one tree object per folder, deepest first. Entries are in git's tree order: by the bytes
 * of the name, a folder's name compared as if it ended in `/`; modes are written without leading
 * zeros (`40000` for a folder), each followed by the name, a NUL and the binary object id.
 */
async function writeFolder(gitDir: string, folder: Folder): Promise<string> {
  const entries: Array<{ key: Buffer; head: Buffer; objectId: string }> = [];
  for (const [name, child] of folder.folders) {
    const objectId = await writeFolder(gitDir, child);
    entries.push({ key: Buffer.from(`${name}/`), head: Buffer.from(`40000 ${name}\0`), objectId });
  }
  for (const [name, entry] of folder.files) {
    const head = Buffer.from(`${entry.mode} ${name}\0`);
    entries.push({ key: Buffer.from(name), head, objectId: entry.objectId });
  }
  entries.sort((a, b) => Buffer.compare(a.key, b.key));
  const content = Buffer.concat(
    entries.flatMap(({ head, objectId }) => [head, Buffer.from(objectId, 'hex')]),
  );
  return writeLooseObject(gitDir, 'tree', content);
}

/**
 * Writes a tree holding exactly `files` (what `update-index --index-info` into a fresh index and
 * `write-tree` make of them): in-process for plain paths and modes, else through a throw-away index.
 */
export async function writeTree(
  gitDir: string,
  files: Map<string, TreeEntry>,
  scratchDir: string,
): Promise<string> {
  const root = plainFolders(files);
  if (root !== undefined) return writeFolder(gitDir, root);
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

async function readTreeOf(gitDir: string, commitId: string): Promise<string> {
  const loose = await readLooseObject(gitDir, commitId);
  const tree =
    loose?.type === 'commit' ? /^tree ([0-9a-f]{40})\n/.exec(loose.content.toString('latin1')) : null;
  return tree?.[1] ?? gitText(gitDir, ['rev-parse', `${commitId}^{tree}`]);
}

/** The tree of a commit; a full commit id's is kept, read from the loose commit when it is one. */
export const treeOf = (gitDir: string, commitId: string): Promise<string> =>
  /^[0-9a-f]{40}$/.test(commitId)
    ? cached(treeKey(gitDir, commitId), () => readTreeOf(gitDir, commitId))
    : gitText(gitDir, ['rev-parse', `${commitId}^{tree}`]);

export interface CommitIdentity {
  name: string;
  email: string;
}

/** CreateCommit uses the author as committer too (commit-objects.ts writes it as git would). */
export function writeCommit(
  gitDir: string,
  commit: { treeId: string; parentId?: string; message: string; author: CommitIdentity },
): Promise<string> {
  return writeCommitObject(gitDir, {
    tree: commit.treeId,
    parents: commit.parentId === undefined ? [] : [commit.parentId],
    message: commit.message,
    author: commit.author,
    committer: commit.author,
  });
}
