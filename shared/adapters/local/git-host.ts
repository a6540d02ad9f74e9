import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type CommitRequest,
  type CommitResult,
  type FileAtCommit,
  type FolderListing,
  type GitHost,
  GitHostError,
} from '#app/ports/git-host.ts';
import { type CatFileBatch, git, openCatFileBatch, runGit } from './git-cli.ts';

export interface LocalGitHost extends GitHost {
  /** Several files of `branch` at one commit (its head, or `at`), read by one git process. */
  readFiles(branch: string, files: string[], at?: string): Promise<FileAtCommit[]>;
}

/**
 * A git repository on disk as a git host: the embedded default. Reads asked for together share
 * one `git cat-file --batch`. Commits are built with a private index (never the repository's own)
 * in a fixed number of git processes whatever the number of files, and land with
 * `update-ref <new> <old>`, a compare-and-swap on the branch. A branch checked out in a worktree
 * is advanced only when that worktree is clean.
 */
export function createLocalGitHost(path: string): LocalGitHost {
  let gitDirPromise: Promise<string> | undefined;
  const gitDir = () => {
    gitDirPromise ??= resolveGitDir(path);
    return gitDirPromise;
  };
  const read = batchedReads(gitDir, path);

  return {
    description: `local:${path}`,
    readFile: (branch, file, at) => read({ branch, file, at }),
    readFiles: (branch, files, at) => Promise.all(files.map((file) => read({ branch, file, at }))),

    async commit(request: CommitRequest): Promise<CommitResult> {
      const dir = await gitDir();
      const state = await branchState(dir, request.branch, path);
      if (state.head !== request.parentCommitId) return { status: 'conflict', currentHead: state.head };
      const worktree = state.maybeCheckedOut ? await checkedOutIn(dir, request.branch) : undefined;
      if (worktree) await requireClean(worktree, request.branch);

      const tree = await buildTree(dir, request);
      if (tree === state.tree) return { status: 'unchanged' };
      const commitId = await commitTree(dir, tree, request);
      const ref = `refs/heads/${request.branch}`;
      const swap = await runGit(
        ['update-ref', '-m', 'flowkeeper: image bump', ref, commitId, request.parentCommitId],
        { gitDir: dir },
      );
      if (swap.code !== 0) return { status: 'conflict' };
      if (worktree) await git(['read-tree', '-u', '-m', request.parentCommitId, commitId], { cwd: worktree });
      return { status: 'committed', commitId };
    },

    async listFiles(branch: string, folder: string, at?: string): Promise<FolderListing> {
      const dir = await gitDir();
      const commit =
        at === undefined ? (await branchState(dir, branch, path)).head : await commitId(dir, at, path);
      const prefix = folder.replace(/^\/+|\/+$/g, '');
      const listing = await git(
        ['ls-tree', '-r', '-z', '--full-tree', commit, ...(prefix === '' ? [] : ['--', `${prefix}/`])],
        {
          gitDir: dir,
        },
      );
      const files: string[] = [];
      for (const entry of listing.split('\0')) {
        const tab = entry.indexOf('\t');
        // Regular files only: symbolic links (120000) and submodules (160000) are not files to read.
        if (tab > 0 && /^100(?:644|755) blob /.test(entry)) files.push(entry.slice(tab + 1));
      }
      return { commitId: commit, files: files.sort() };
    },

    async changedFiles(fromCommit: string, toCommit: string): Promise<string[]> {
      const dir = await gitDir();
      const from = await commitId(dir, fromCommit, path);
      const to = await commitId(dir, toCommit, path);
      // Renames are not detected (whatever the repository's diff.renames says): a rename lists both paths.
      const diff = await git(['diff', '--name-only', '-z', '--no-renames', '--no-ext-diff', from, to], {
        gitDir: dir,
      });
      return diff
        .split('\0')
        .filter((file) => file !== '')
        .sort();
    },
  };
}

interface ReadRequest {
  branch: string;
  file: string;
  /** The commit to read at; the branch head when undefined. */
  at: string | undefined;
}

interface PendingRead extends ReadRequest {
  resolve(file: FileAtCommit): void;
  reject(error: unknown): void;
}

/**
 * Reads asked for before the current job yields (a bump asks for a slice of files in one
 * `Promise.all`) are answered by one `git cat-file --batch`; each read still fails on its own.
 */
function batchedReads(gitDir: () => Promise<string>, path: string) {
  let pending: PendingRead[] = [];
  const flush = async (): Promise<void> => {
    const reads = pending;
    pending = [];
    try {
      await readAll(await gitDir(), path, reads);
    } catch (error) {
      // Reads already answered stay answered: settling a promise twice does nothing.
      for (const read of reads) read.reject(error);
    }
  };
  return (request: ReadRequest): Promise<FileAtCommit> =>
    new Promise((resolve, reject) => {
      if (pending.length === 0) queueMicrotask(() => void flush());
      pending.push({ ...request, resolve, reject });
    });
}

async function readAll(gitDir: string, path: string, reads: PendingRead[]): Promise<void> {
  const batch = openCatFileBatch(gitDir);
  try {
    // Heads first, answered before any file is asked for, so every file is read at the head named.
    const heads = await branchHeads(batch, reads);
    await Promise.all(
      reads.map((read) => readOne(batch, gitDir, path, read, heads).then(read.resolve, read.reject)),
    );
  } finally {
    await batch.close();
  }
}

/** The head commit of every branch read without `at`; undefined for a branch that does not exist. */
async function branchHeads(
  batch: CatFileBatch,
  reads: ReadRequest[],
): Promise<Map<string, string | undefined>> {
  const branches = [...new Set(reads.filter((read) => read.at === undefined).map((read) => read.branch))];
  const heads = await Promise.all(
    branches.map(async (branch) =>
      branch.includes('\n') ? undefined : (await batch.get(`refs/heads/${branch}^{commit}`))?.oid,
    ),
  );
  return new Map(branches.map((branch, index) => [branch, heads[index]]));
}

async function readOne(
  batch: CatFileBatch,
  gitDir: string,
  path: string,
  read: ReadRequest,
  heads: Map<string, string | undefined>,
): Promise<FileAtCommit> {
  const commitId = read.at ?? heads.get(read.branch);
  if (commitId === undefined) throw await branchNotFound(gitDir, read.branch, path);
  const place = `${read.file} on branch ${read.branch} of ${path}`;
  const content = await blobText(batch, gitDir, `${commitId}:${read.file}`, place);
  if (content === undefined) {
    throw new GitHostError(
      'FileNotFound',
      `${read.file} does not exist on branch ${read.branch} of ${path} (commit ${commitId.slice(0, 12)})`,
    );
  }
  // As CodeCommit and GitLab do: a symbolic link's target text is not a manifest to edit.
  if ((await entryMode(batch, commitId, read.file)) === SYMLINK_MODE) {
    throw new GitHostError('InvalidPath', `${place}: the path is a symbolic link, not a file`);
  }
  return { content, commitId };
}

const SYMLINK_MODE = '120000';
const ZERO_ID = '0'.repeat(40);
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The text of the blob `spec` names, or undefined when it names no blob. Bytes that are not UTF-8
 * are refused rather than replaced, so a commit can never write U+FFFD over them.
 */
async function blobText(
  batch: CatFileBatch,
  gitDir: string,
  spec: string,
  place: string,
): Promise<string | undefined> {
  if (spec.includes('\n')) {
    // cat-file's batch input is one name a line: a path holding a line break is read on its own.
    const run = await runGit(['cat-file', 'blob', spec], { gitDir });
    return run.code === 0 ? run.stdout : undefined;
  }
  const object = await batch.get(spec);
  if (object?.type !== 'blob') return undefined;
  try {
    return utf8.decode(object.content);
  } catch (error) {
    throw new GitHostError('NotText', `${place}: the file is not valid UTF-8 text and cannot be edited`, {
      cause: error,
    });
  }
}

/** The git mode of `file` in `commit`, read from its parent tree object (binary entries). */
async function entryMode(batch: CatFileBatch, commit: string, file: string): Promise<string | undefined> {
  const slash = file.lastIndexOf('/');
  const directory = slash < 0 ? '' : file.slice(0, slash);
  const name = Buffer.from(file.slice(slash + 1), 'utf8');
  if (directory.includes('\n')) return undefined;
  const tree = await batch.get(`${commit}:${directory}`);
  if (tree?.type !== 'tree') return undefined;
  const data = tree.content;
  // Each entry: "<mode> <name>\0" then a 20-byte object id.
  for (let at = 0; at < data.length; ) {
    const space = data.indexOf(0x20, at);
    const nul = data.indexOf(0, space);
    if (space < 0 || nul < 0) return undefined;
    if (data.subarray(space + 1, nul).equals(name)) return data.subarray(at, space).toString('latin1');
    at = nul + 21;
  }
  return undefined;
}

async function resolveGitDir(path: string): Promise<string> {
  const run = await runGit(['rev-parse', '--absolute-git-dir'], { cwd: path });
  if (run.code !== 0) {
    throw new GitHostError('RepositoryNotFound', `${path} is not a git repository (${run.stderr.trim()})`);
  }
  return run.stdout.trim();
}

interface BranchState {
  head: string;
  tree: string;
  /** Some worktree has the branch checked out, or the branch is the HEAD of a bare repository. */
  maybeCheckedOut: boolean;
}

/** The head and tree of `branch`, and whether a worktree may hold it, from one git process. */
async function branchState(gitDir: string, branch: string, path: string): Promise<BranchState> {
  const ref = `refs/heads/${branch}`;
  const listed = await git(
    ['for-each-ref', '--format=%(refname)%00%(objectname)%00%(tree)%00%(worktreepath)', ref],
    { gitDir },
  );
  const line = listed.split('\n').find((entry) => entry.startsWith(`${ref}\0`));
  const [, head, tree, worktree] = line?.split('\0') ?? [];
  if (head === undefined || tree === undefined) throw await branchNotFound(gitDir, branch, path);
  return { head, tree, maybeCheckedOut: worktree !== undefined && worktree !== '' };
}

async function branchNotFound(gitDir: string, branch: string, path: string): Promise<GitHostError> {
  const branches = await git(['for-each-ref', '--format=%(refname:short)', 'refs/heads/'], { gitDir });
  const known = branches.split('\n').filter(Boolean).join(', ') || 'none';
  return new GitHostError(
    'BranchNotFound',
    `branch ${branch} does not exist in ${path} (branches: ${known})`,
  );
}

/** The full id of the commit `id` names; `CommitNotFound` when it names none. */
async function commitId(gitDir: string, id: string, path: string): Promise<string> {
  // An id starting with `-` would be read as an option; it cannot name a commit anyway.
  if (!id.startsWith('-')) {
    const run = await runGit(['rev-parse', '--verify', '--quiet', `${id}^{commit}`], { gitDir });
    if (run.code === 0) return run.stdout.trim();
  }
  throw new GitHostError('CommitNotFound', `commit ${id} does not exist in ${path}`);
}

/**
 * The worktree that has `branch` checked out, if any. `%(worktreepath)` names a bare repository
 * itself for its HEAD branch, so `worktree list` (which marks it bare) decides.
 */
async function checkedOutIn(gitDir: string, branch: string): Promise<string | undefined> {
  const list = await git(['worktree', 'list', '--porcelain'], { gitDir });
  let current: string | undefined;
  for (const line of list.split('\n')) {
    if (line.startsWith('worktree ')) current = line.slice('worktree '.length);
    else if (line === `branch refs/heads/${branch}`) return current;
  }
  return undefined;
}

async function requireClean(worktree: string, branch: string): Promise<void> {
  const status = await git(['status', '--porcelain', '--untracked-files=no'], { cwd: worktree });
  if (status !== '') {
    throw new GitHostError(
      'WorkingTreeDirty',
      `branch ${branch} is checked out in ${worktree} with uncommitted changes; commit or stash them, or point Flowkeeper at a bare clone`,
    );
  }
}

/**
 * The tree of the parent plus the changes, built in a throwaway index: the blobs, the parent's
 * modes of the changed paths and the parent's tree are read at once, then one `update-index`.
 */
async function buildTree(gitDir: string, request: CommitRequest): Promise<string> {
  const scratch = await mkdtemp(join(tmpdir(), 'flowkeeper-index-'));
  const env = { GIT_INDEX_FILE: join(scratch, 'index') };
  const paths = request.changes.map((change) => change.path);
  const written = request.changes.flatMap((change) => ('delete' in change ? [] : [change.content]));
  try {
    const [blobs, modes] = await Promise.all([
      writeBlobs(gitDir, scratch, written),
      modesAt(gitDir, request.parentCommitId, paths),
      git(['read-tree', request.parentCommitId], { gitDir, env }),
    ]);
    // Later entries for one path win, as they would one `update-index` at a time; mode 0 removes.
    let blob = 0;
    const entries = request.changes.map((change) =>
      'delete' in change
        ? `0 ${ZERO_ID}\t${change.path}\0`
        : `${modes.get(change.path) ?? '100644'} ${blobs[blob++]}\t${change.path}\0`,
    );
    await git(['update-index', '-z', '--index-info'], { gitDir, env, input: entries.join('') });
    return await git(['write-tree'], { gitDir, env });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Writes each content as a blob (as is: no attributes, no end-of-line conversion); their ids in order. */
async function writeBlobs(gitDir: string, scratch: string, contents: string[]): Promise<string[]> {
  if (contents.length === 0) return [];
  const files = contents.map((_, index) => join(scratch, `blob-${index}`));
  await Promise.all(contents.map((content, index) => writeFile(files[index] ?? '', content)));
  const ids = await git(['hash-object', '-w', '--no-filters', '--stdin-paths'], {
    gitDir,
    input: files.map((file) => `${file}\n`).join(''),
  });
  return ids.split('\n');
}

/** The mode of each of `paths` that `commit` holds. */
async function modesAt(gitDir: string, commit: string, paths: string[]): Promise<Map<string, string>> {
  const listing = await git(['ls-tree', '-z', commit, '--', ...paths], { gitDir });
  const modes = new Map<string, string>();
  for (const entry of listing.split('\0')) {
    const tab = entry.indexOf('\t');
    if (tab > 0) modes.set(entry.slice(tab + 1), entry.slice(0, entry.indexOf(' ')));
  }
  return modes;
}

async function commitTree(gitDir: string, tree: string, request: CommitRequest): Promise<string> {
  const { name, email } = request.author;
  return git(['commit-tree', tree, '-p', request.parentCommitId, '-F', '-'], {
    gitDir,
    input: request.message,
    env: {
      GIT_AUTHOR_NAME: name,
      GIT_AUTHOR_EMAIL: email,
      GIT_COMMITTER_NAME: name,
      GIT_COMMITTER_EMAIL: email,
    },
  });
}
