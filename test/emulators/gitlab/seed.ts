import { listFiles, type TreeEntry, writeBlob, writeTree } from '../codecommit/trees.ts';
import {
  branchHead,
  type CommitIdentity,
  compareAndSwapRef,
  defaultBranch,
  setDefaultBranch,
  writeCommit,
  ZERO_ID,
} from './repository.ts';

export interface DirectCommit {
  branch: string;
  /** Files written (UTF-8 strings or raw bytes), as regular files. */
  files: Record<string, string | Uint8Array>;
  /** The new commit's parent; defaults to the branch head. */
  parent?: string;
  /** Start from the parent's files (true) or from an empty tree holding only `files` (false). */
  inheritFiles: boolean;
  message: string;
  author: CommitIdentity;
}

/**
 * Writes a commit straight into the bare repository, bypassing the API (seeding, and another writer
 * pushing). The branch moves by compare-and-swap from its current head; the first branch becomes the
 * default one.
 */
export async function commitDirectly(
  gitDir: string,
  scratchDir: string,
  commit: DirectCommit,
): Promise<string> {
  const head = await branchHead(gitDir, commit.branch);
  const parent = commit.parent ?? head;
  const files =
    parent !== undefined && commit.inheritFiles
      ? await listFiles(gitDir, parent)
      : new Map<string, TreeEntry>();
  for (const [path, content] of Object.entries(commit.files)) {
    const objectId = await writeBlob(gitDir, Buffer.from(content));
    files.set(path, { mode: files.get(path)?.mode ?? '100644', type: 'blob', objectId });
  }
  const tree = await writeTree(gitDir, files, scratchDir);
  const commitId = await writeCommit(gitDir, {
    tree,
    parents: parent === undefined ? [] : [parent],
    message: commit.message,
    author: commit.author,
    committer: commit.author,
  });
  if (!(await compareAndSwapRef(gitDir, `refs/heads/${commit.branch}`, commitId, head ?? ZERO_ID))) {
    throw new Error(`branch ${commit.branch} moved while a direct commit was written`);
  }
  if ((await defaultBranch(gitDir)) === undefined) await setDefaultBranch(gitDir, commit.branch);
  return commitId;
}

const SEED_AUTHOR = { name: 'Seed', email: 'seed@example.com' };

/**
 * Each branch gets one commit holding exactly its files; the first branch is the default and later
 * branches' commits have the first branch's commit as parent.
 */
export async function seedBranches(
  gitDir: string,
  scratchDir: string,
  files: Record<string, Record<string, string | Uint8Array>>,
): Promise<void> {
  let first: string | undefined;
  for (const [branch, branchFiles] of Object.entries(files)) {
    const commitId = await commitDirectly(gitDir, scratchDir, {
      branch,
      files: branchFiles,
      ...(first === undefined ? {} : { parent: first }),
      inheritFiles: false,
      message: `Seed ${branch}`,
      author: SEED_AUTHOR,
    });
    first ??= commitId;
  }
}
