import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { git } from '#adapters/local/git-cli.ts';
import { initWorkTree } from '../emulators/codecommit/git.ts';
import { type TreeEntry, writeBlob, writeCommit, writeTree } from '../emulators/codecommit/trees.ts';

const IDENTITY = {
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
};

export interface TestRepo {
  /** Working tree of a non-bare repository. */
  path: string;
  cleanup(): Promise<void>;
  git(...args: string[]): Promise<string>;
  /** `branch → commit` for every branch: compare before/after to prove nothing was written. */
  refs(): Promise<string>;
  /** Commit `files` on `branch` (created from main when missing) through a scratch worktree-free path. */
  commitFiles(branch: string, files: Record<string, string>, message?: string): Promise<string>;
}

/** A throwaway git repository with `files` committed on main and `branches` created from it. */
export async function createTestRepo(
  files: Record<string, string>,
  branches: string[] = [],
): Promise<TestRepo> {
  const path = await mkdtemp(join(tmpdir(), 'flowkeeper-test-repo-'));
  const run = (...args: string[]) => git(args, { cwd: path, env: IDENTITY });
  // What `init`, `add --all`, `commit`, `branch` and `checkout --detach` leave, written directly
  // (objects and refs in git's own formats) and checked out by one `read-tree`.
  const gitDir = join(path, '.git');
  await initWorkTree(path);
  const entries = new Map<string, TreeEntry>();
  for (const [file, content] of Object.entries(files)) {
    entries.set(file, {
      mode: '100644',
      type: 'blob',
      objectId: await writeBlob(gitDir, Buffer.from(content)),
    });
  }
  const treeId = await writeTree(gitDir, entries, path);
  const commit = await writeCommit(gitDir, {
    treeId,
    message: 'initial\n',
    author: { name: IDENTITY.GIT_AUTHOR_NAME, email: IDENTITY.GIT_AUTHOR_EMAIL },
  });
  for (const branch of ['main', ...branches]) {
    await mkdir(dirname(join(gitDir, 'refs/heads', branch)), { recursive: true });
    await writeFile(join(gitDir, 'refs/heads', branch), `${commit}\n`);
  }
  await writeFile(join(gitDir, 'HEAD'), `${commit}\n`);
  await run('read-tree', '-u', '--reset', commit);
  return {
    path,
    git: run,
    cleanup: () => rm(path, { recursive: true, force: true }),
    refs: () => run('for-each-ref', '--format=%(refname) %(objectname)', 'refs/heads/'),
    async commitFiles(branch, changes, message = 'external change') {
      const scratch = await mkdtemp(join(tmpdir(), 'flowkeeper-test-wt-'));
      try {
        await run('worktree', 'add', '--quiet', scratch, branch);
        await writeFiles(scratch, changes);
        await git(['add', '--all'], { cwd: scratch });
        await git(['commit', '--quiet', '-m', message], { cwd: scratch, env: IDENTITY });
        return await git(['rev-parse', 'HEAD'], { cwd: scratch });
      } finally {
        await run('worktree', 'remove', '--force', scratch);
        await rm(scratch, { recursive: true, force: true });
      }
    },
  };
}

async function writeFiles(root: string, files: Record<string, string>): Promise<void> {
  for (const [file, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, file)), { recursive: true });
    await writeFile(join(root, file), content);
  }
}
