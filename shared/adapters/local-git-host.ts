import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type CommitRequest,
  type CommitResult,
  type FileAtCommit,
  type GitHost,
  GitHostError,
} from '#app/git-host.ts';
import { git, runGit } from './git-cli.ts';

/**
 * A git repository on disk as a git host: the embedded default. Commits are built with a private
 * index (never the repository's own), and land with `update-ref <new> <old>`, a compare-and-swap on
 * the branch. A branch checked out in a worktree is advanced only when that worktree is clean.
 */
export function createLocalGitHost(path: string): GitHost {
  let gitDirPromise: Promise<string> | undefined;
  const gitDir = () => {
    gitDirPromise ??= resolveGitDir(path);
    return gitDirPromise;
  };

  return {
    description: `local:${path}`,

    async readFile(branch, file, at): Promise<FileAtCommit> {
      const dir = await gitDir();
      const commitId = at ?? (await branchHead(dir, branch, path));
      const blob = await runGit(['cat-file', 'blob', `${commitId}:${file}`], { gitDir: dir });
      if (blob.code !== 0) {
        throw new GitHostError(
          'FileNotFound',
          `${file} does not exist on branch ${branch} of ${path} (commit ${commitId.slice(0, 12)})`,
        );
      }
      return { content: blob.stdout, commitId };
    },

    async commit(request: CommitRequest): Promise<CommitResult> {
      const dir = await gitDir();
      const head = await branchHead(dir, request.branch, path);
      if (head !== request.parentCommitId) return { status: 'conflict', currentHead: head };
      const worktree = await checkedOutIn(dir, request.branch);
      if (worktree) await requireClean(worktree, request.branch);

      const tree = await buildTree(dir, request);
      const parentTree = await git(['rev-parse', `${request.parentCommitId}^{tree}`], { gitDir: dir });
      if (tree === parentTree) return { status: 'unchanged' };

      const { name, email } = request.author;
      const identity = {
        GIT_AUTHOR_NAME: name,
        GIT_AUTHOR_EMAIL: email,
        GIT_COMMITTER_NAME: name,
        GIT_COMMITTER_EMAIL: email,
      };
      const commitId = await git(['commit-tree', tree, '-p', request.parentCommitId, '-F', '-'], {
        gitDir: dir,
        input: request.message,
        env: identity,
      });
      const ref = `refs/heads/${request.branch}`;
      const swap = await runGit(
        ['update-ref', '-m', 'flowkeeper: image bump', ref, commitId, request.parentCommitId],
        {
          gitDir: dir,
        },
      );
      if (swap.code !== 0) return { status: 'conflict' };
      if (worktree) await git(['read-tree', '-u', '-m', request.parentCommitId, commitId], { cwd: worktree });
      return { status: 'committed', commitId };
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

async function resolveGitDir(path: string): Promise<string> {
  const run = await runGit(['rev-parse', '--absolute-git-dir'], { cwd: path });
  if (run.code !== 0) {
    throw new GitHostError('RepositoryNotFound', `${path} is not a git repository (${run.stderr.trim()})`);
  }
  return run.stdout.trim();
}

async function branchHead(gitDir: string, branch: string, path: string): Promise<string> {
  const run = await runGit(['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`], { gitDir });
  if (run.code === 0) return run.stdout.trim();
  const branches = await git(['for-each-ref', '--format=%(refname:short)', 'refs/heads/'], { gitDir });
  const known = branches.split('\n').filter(Boolean).join(', ') || 'none';
  throw new GitHostError('BranchNotFound', `branch ${branch} does not exist in ${path} (branches: ${known})`);
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

/** The worktree that has `branch` checked out, if any. */
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

/** Write the blobs and a tree of `parent` plus the changes, using a throwaway index. */
async function buildTree(gitDir: string, request: CommitRequest): Promise<string> {
  const scratch = await mkdtemp(join(tmpdir(), 'flowkeeper-index-'));
  const env = { GIT_INDEX_FILE: join(scratch, 'index') };
  try {
    await git(['read-tree', request.parentCommitId], { gitDir, env });
    for (const change of request.changes) {
      const blob = await git(['hash-object', '-w', '--stdin'], { gitDir, input: change.content });
      const existing = await git(['ls-tree', request.parentCommitId, '--', change.path], { gitDir });
      const mode = existing.split(' ')[0] || '100644';
      await git(['update-index', '--add', '--cacheinfo', `${mode},${blob},${change.path}`], { gitDir, env });
    }
    return await git(['write-tree'], { gitDir, env });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
