import {
  branchHead,
  compareAndSwapBranch,
  defaultBranch,
  setDefaultBranch,
  ZERO_COMMIT_ID,
} from './repositories.ts';
import {
  type CommitIdentity,
  listFiles,
  rememberWrittenCommit,
  type TreeEntry,
  writeBlob,
  writeCommit,
  writeTree,
} from './trees.ts';

export interface DirectCommit {
  branch: string;
  /** Files written (UTF-8 strings or raw bytes), as regular files. */
  files: Record<string, string | Uint8Array>;
  /** The new commit's parent; defaults to the branch head. */
  parentId?: string;
  /** Start from the parent's files (true) or from an empty tree holding only `files` (false). */
  inheritFiles: boolean;
  message: string;
  author: CommitIdentity;
}

/**
 * Writes a commit straight into the bare repository, bypassing the API (seeding, and the fault
 * layer's "someone else pushed" hook). The branch moves by compare-and-swap from its current head.
 */
export async function commitDirectly(
  gitDir: string,
  scratchDir: string,
  commit: DirectCommit,
): Promise<string> {
  const head = await branchHead(gitDir, commit.branch);
  const parentId = commit.parentId ?? head;
  const files =
    parentId !== undefined && commit.inheritFiles
      ? await listFiles(gitDir, parentId)
      : new Map<string, TreeEntry>();
  const written = await Promise.all(
    Object.entries(commit.files).map(
      async ([path, content]) => [path, await writeBlob(gitDir, Buffer.from(content))] as const,
    ),
  );
  for (const [path, objectId] of written) {
    files.set(path, { mode: files.get(path)?.mode ?? '100644', type: 'blob', objectId });
  }
  const treeId = await writeTree(gitDir, files, scratchDir);
  const commitId = await writeCommit(gitDir, {
    treeId,
    ...(parentId === undefined ? {} : { parentId }),
    message: commit.message,
    author: commit.author,
  });
  rememberWrittenCommit(gitDir, commitId, treeId, files);
  if (!(await compareAndSwapBranch(gitDir, commit.branch, commitId, head ?? ZERO_COMMIT_ID))) {
    throw new Error(`branch ${commit.branch} moved while a direct commit was written`);
  }
  if ((await defaultBranch(gitDir)) === undefined) await setDefaultBranch(gitDir, commit.branch);
  return commitId;
}
