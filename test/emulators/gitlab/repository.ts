import { writeCommitObject } from '../codecommit/commit-objects.ts';
import { GitCommandError, git, gitOnObjects, gitText, gitTextOnObjects } from '../codecommit/git.ts';
import { readLooseHeader } from '../codecommit/objects.ts';
import { compareAndSwapBranchRef } from '../codecommit/ref-writes.ts';
import { branchRevision, listRefFiles } from '../codecommit/refs.ts';

// A project's repository keeps its branches and default branch (HEAD) as a CodeCommit one does.
export { branchHead, defaultBranch, setDefaultBranch } from '../codecommit/repositories.ts';

export const ZERO_ID = '0'.repeat(40);
/** The empty tree, the "before" side of a root commit's diff. */
export const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

export interface Signature {
  name: string;
  email: string;
  /** Epoch seconds. */
  seconds: number;
  /** `+0200`. */
  offset: string;
}

export interface GitCommit {
  id: string;
  tree: string;
  parents: string[];
  author: Signature;
  committer: Signature;
  /** The message exactly as stored. */
  message: string;
}

async function quietly<T>(run: () => Promise<T>): Promise<T | undefined> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof GitCommandError) return undefined;
    throw error;
  }
}

/**
 * The commit a revision names (a sha, abbreviated or full, a branch, a tag or revision syntax such
 * as `main~1`), as `project.commit(ref)` resolves it; undefined when it names none.
 */
export async function resolveCommit(gitDir: string, revision: string): Promise<string | undefined> {
  if (revision === '' || revision.startsWith('-') || revision.includes('\0')) return undefined;
  const branch = await branchRevision(gitDir, revision);
  if (branch !== null && (await readLooseHeader(gitDir, branch))?.type === 'commit') return branch;
  const args = ['rev-parse', '--verify', '--quiet', '--end-of-options', `${revision}^{commit}`];
  const id = await quietly(() => gitTextOnObjects(gitDir, [revision], args));
  return id === '' ? undefined : id;
}

/** Branch names and heads, sorted by name. */
export async function listBranches(gitDir: string): Promise<Array<{ name: string; head: string }>> {
  return listRefs(gitDir, 'refs/heads/');
}

/** Fully qualified refs under `prefix` with the commits they point at, sorted by name. */
async function listRefs(gitDir: string, prefix: string): Promise<Array<{ name: string; head: string }>> {
  const files = await listRefFiles(gitDir, prefix);
  if (files !== null) return files.map(({ ref, id }) => ({ name: ref.slice(prefix.length), head: id }));
  const output = await gitText(gitDir, [
    'for-each-ref',
    '--sort=refname',
    '--format=%(refname)%00%(objectname)',
    prefix,
  ]);
  return output
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [ref = '', head = ''] = line.split('\0');
      return { name: ref.slice(prefix.length), head };
    });
}

/** Branch and tag refs, fully qualified (`refs/heads/main`), with their targets. */
export async function mirrorableRefs(gitDir: string): Promise<Map<string, string>> {
  const refs = new Map<string, string>();
  for (const prefix of ['refs/heads/', 'refs/tags/']) {
    for (const { name, head } of await listRefs(gitDir, prefix)) refs.set(`${prefix}${name}`, head);
  }
  return refs;
}

/**
 * Moves `ref` from `expected` (ZERO_ID: must not exist) to `commitId` atomically; false when the ref
 * no longer holds `expected`. In-process for a plain branch of a plain repository (ref-writes.ts).
 */
export async function compareAndSwapRef(
  gitDir: string,
  ref: string,
  commitId: string,
  expected: string,
): Promise<boolean> {
  const moved = await compareAndSwapBranchRef(gitDir, ref, commitId, expected);
  if (moved !== null) return moved;
  const updated = await quietly(() =>
    git(gitDir, ['-c', 'core.filesRefLockTimeout=5000', 'update-ref', ref, commitId, expected]),
  );
  return updated !== undefined;
}

export async function isAncestor(gitDir: string, ancestor: string, descendant: string): Promise<boolean> {
  const args = ['merge-base', '--is-ancestor', ancestor, descendant];
  const result = await quietly(() => gitOnObjects(gitDir, [ancestor, descendant], args, [1]));
  return result !== undefined;
}

export async function mergeBase(gitDir: string, a: string, b: string): Promise<string | undefined> {
  const id = await quietly(() => gitTextOnObjects(gitDir, [a, b], ['merge-base', a, b], [1]));
  return id === '' ? undefined : id;
}

/** The newest commit reachable from `from` that changed `path`. */
export async function lastCommitFor(gitDir: string, from: string, path: string): Promise<string | undefined> {
  const args = ['rev-list', '--max-count=1', from, '--', path];
  const id = await quietly(() => gitTextOnObjects(gitDir, [from], args));
  return id === '' ? undefined : id;
}

/** Branches whose history holds `commitId`, sorted by name. */
export async function branchesContaining(gitDir: string, commitId: string): Promise<string[]> {
  const output = await gitText(gitDir, [
    'for-each-ref',
    '--sort=refname',
    '--format=%(refname:strip=2)',
    `--contains=${commitId}`,
    'refs/heads/',
  ]);
  return output.split('\n').filter((line) => line !== '');
}

/** Commit ids newest first (git's default order), like `git log`. */
export async function logIds(
  gitDir: string,
  revisions: string[],
  options: { skip?: number; limit?: number; path?: string; reverse?: boolean } = {},
): Promise<string[]> {
  const args = ['rev-list'];
  if (options.reverse) args.push('--reverse');
  if (options.limit !== undefined) args.push(`--max-count=${options.limit}`);
  if (options.skip) args.push(`--skip=${options.skip}`);
  args.push(...revisions, '--');
  if (options.path !== undefined && options.path !== '') args.push(options.path);
  const output = await gitText(gitDir, args);
  return output.split('\n').filter((line) => line !== '');
}

const SIGNATURE = /^(.*) <(.*)> (\d+) ([+-]\d{4})$/;

function parseSignature(text: string): Signature {
  const match = SIGNATURE.exec(text);
  if (match === null) return { name: text, email: '', seconds: 0, offset: '+0000' };
  return {
    name: match[1] as string,
    email: match[2] as string,
    seconds: Number(match[3]),
    offset: match[4] as string,
  };
}

function parseCommit(id: string, raw: Buffer): GitCommit {
  const text = raw.toString('utf8');
  const split = text.indexOf('\n\n');
  const headers = split === -1 ? text : text.slice(0, split);
  const commit: GitCommit = {
    id,
    tree: '',
    parents: [],
    author: parseSignature(''),
    committer: parseSignature(''),
    message: split === -1 ? '' : text.slice(split + 2),
  };
  for (const line of headers.split('\n')) {
    // Continuation lines (a signature's body) start with a space and are not headers.
    const space = line.indexOf(' ');
    if (space <= 0) continue;
    const key = line.slice(0, space);
    const value = line.slice(space + 1);
    if (key === 'tree') commit.tree = value;
    else if (key === 'parent') commit.parents.push(value);
    else if (key === 'author') commit.author = parseSignature(value);
    else if (key === 'committer') commit.committer = parseSignature(value);
  }
  return commit;
}

/** Reads commits in the order given, through one `git cat-file --batch`. */
export async function readCommits(gitDir: string, ids: readonly string[]): Promise<GitCommit[]> {
  if (ids.length === 0) return [];
  const output = await git(gitDir, ['cat-file', '--batch'], { input: `${ids.join('\n')}\n` });
  const commits: GitCommit[] = [];
  let offset = 0;
  for (const id of ids) {
    const headerEnd = output.indexOf(0x0a, offset);
    const header = output.subarray(offset, headerEnd).toString('utf8');
    const [objectId = '', type = '', size = '0'] = header.split(' ');
    if (type !== 'commit') throw new Error(`${id} is not a commit (${header})`);
    const bodyStart = headerEnd + 1;
    const bodyEnd = bodyStart + Number(size);
    commits.push(parseCommit(objectId, output.subarray(bodyStart, bodyEnd)));
    offset = bodyEnd + 1;
  }
  return commits;
}

export async function readCommit(gitDir: string, id: string): Promise<GitCommit> {
  const [commit] = await readCommits(gitDir, [id]);
  if (commit === undefined) throw new Error(`commit ${id} not found`);
  return commit;
}

export interface CommitIdentity {
  name: string;
  email: string;
}

/** What `git commit-tree` writes, in-process when the inputs are plain (commit-objects.ts). */
export function writeCommit(
  gitDir: string,
  commit: {
    tree: string;
    parents: string[];
    message: string;
    author: CommitIdentity;
    committer: CommitIdentity;
  },
): Promise<string> {
  return writeCommitObject(gitDir, commit);
}

/** Lines added and deleted between two commits, renames detected (binary files count as 0). */
export async function diffStats(
  gitDir: string,
  from: string,
  to: string,
): Promise<{ additions: number; deletions: number; total: number }> {
  const output = await gitTextOnObjects(gitDir, [from, to], ['diff-tree', '-r', '-M', '--numstat', from, to]);
  let additions = 0;
  let deletions = 0;
  for (const line of output.split('\n')) {
    const [added = '', deleted = ''] = line.split('\t');
    additions += Number(added) || 0;
    deletions += Number(deleted) || 0;
  }
  return { additions, deletions, total: additions + deletions };
}

/** The tree of merging `theirs` into `ours` (`git merge-tree --write-tree`); undefined when they conflict. */
export async function mergeTree(gitDir: string, ours: string, theirs: string): Promise<string | undefined> {
  const output = await quietly(() => gitText(gitDir, ['merge-tree', '--write-tree', ours, theirs]));
  const tree = output?.split('\n', 1)[0];
  return tree === undefined || tree === '' ? undefined : tree;
}
