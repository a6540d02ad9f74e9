import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitCommandError, git, gitOnObjects, gitText, runGit } from '../emulators/codecommit/git.ts';
import { readBranchRef, readHeadRef } from '../emulators/codecommit/refs.ts';

/**
 * The emulators read branch heads and HEAD from the repository's files instead of asking git, and
 * keep git's answers about objects named by full id; what they read must be what git answers.
 */

let scratch: string;
let gitDir: string;
let commit: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'emulator-refs-'));
  gitDir = join(scratch, 'repo.git');
  await runGit(['init', '--quiet', '--bare', gitDir]);
  const tree = await gitText(gitDir, ['mktree'], { input: '' });
  commit = await gitText(gitDir, ['commit-tree', tree, '-m', 'root'], {
    env: {
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@example.com',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@example.com',
    },
  });
  for (const branch of ['main', 'feature/a', 'packed/b']) {
    await git(gitDir, ['update-ref', `refs/heads/${branch}`, commit]);
  }
  // `packed/b` ends up only in packed-refs; `main` and `feature/a` are written loose again.
  await git(gitDir, ['pack-refs', '--all']);
  for (const branch of ['main', 'feature/a'])
    await git(gitDir, ['update-ref', `refs/heads/${branch}`, commit]);
  await git(gitDir, ['symbolic-ref', 'HEAD', 'refs/heads/main']);
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('readBranchRef', () => {
  it('reads a loose branch ref and a packed one as git does', async () => {
    for (const ref of ['refs/heads/main', 'refs/heads/feature/a', 'refs/heads/packed/b']) {
      expect(await readBranchRef(gitDir, ref)).toBe(commit);
      expect(await gitText(gitDir, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).toBe(commit);
    }
  });

  it('answers undefined for a branch that does not exist, even where a folder of refs has its name', async () => {
    expect(await readBranchRef(gitDir, 'refs/heads/missing')).toBeUndefined();
    expect(await readBranchRef(gitDir, 'refs/heads/feature')).toBeUndefined();
    expect(await readBranchRef(gitDir, 'refs/heads/main/below')).toBeUndefined();
  });

  it('leaves every name that is not a plain branch name to git', async () => {
    for (const ref of [
      'HEAD',
      'refs/tags/v1',
      'refs/heads/../HEAD',
      'refs/heads/a..b',
      'refs/heads/.hidden',
      'refs/heads/x.lock',
      'refs/heads/trailing.',
      'refs/heads/a//b',
      'refs/heads/main@{1}',
      `refs/heads/${commit}^{tree}`,
    ]) {
      expect(await readBranchRef(gitDir, ref), ref).toBeNull();
    }
  });
});

describe('readHeadRef', () => {
  it('reads the ref HEAD names, and undefined once HEAD is detached', async () => {
    expect(await readHeadRef(gitDir)).toBe('refs/heads/main');
    await git(gitDir, ['update-ref', '--no-deref', 'HEAD', commit]);
    expect(await readHeadRef(gitDir)).toBeUndefined();
    await git(gitDir, ['symbolic-ref', 'HEAD', 'refs/heads/main']);
  });
});

describe('gitOnObjects', () => {
  const env = {
    GIT_AUTHOR_NAME: 't',
    GIT_AUTHOR_EMAIL: 't@example.com',
    GIT_COMMITTER_NAME: 't',
    GIT_COMMITTER_EMAIL: 't@example.com',
    GIT_AUTHOR_DATE: '1700000000 +0000',
    GIT_COMMITTER_DATE: '1700000000 +0000',
  };

  it('keeps a "no" of merge-base --is-ancestor, and answers again for a commit written since', async () => {
    const tree = await gitText(gitDir, ['mktree'], { input: '' });
    const child = await gitText(gitDir, ['commit-tree', tree, '-p', commit, '-m', 'child'], { env });
    const isAncestor = (a: string, b: string) =>
      gitOnObjects(gitDir, [a, b], ['merge-base', '--is-ancestor', a, b], [1]).then(
        () => true,
        (error: unknown) => {
          if (error instanceof GitCommandError && error.exitCode === 1) return false;
          throw error;
        },
      );
    expect(await isAncestor(commit, child)).toBe(true);
    expect(await isAncestor(child, commit)).toBe(false);
    expect(await isAncestor(child, commit)).toBe(false);

    // A commit asked about before it exists is not remembered as missing.
    const message = 'written later';
    const later = await gitText(gitDir, ['hash-object', '-t', 'commit', '--stdin'], {
      input: `tree ${tree}\nparent ${child}\nauthor t <t@example.com> 1700000000 +0000\ncommitter t <t@example.com> 1700000000 +0000\n\n${message}\n`,
    });
    await expect(isAncestor(child, later)).rejects.toBeInstanceOf(GitCommandError);
    await gitText(gitDir, ['commit-tree', tree, '-p', child, '-m', message], { env });
    expect(await isAncestor(child, later)).toBe(true);
  });

  it('asks git every time for a revision that is not a full object id', async () => {
    const head = () =>
      gitOnObjects(gitDir, ['main'], ['rev-parse', 'main']).then((out) => out.toString().trim());
    expect(await head()).toBe(commit);
    const tree = await gitText(gitDir, ['mktree'], { input: '' });
    const next = await gitText(gitDir, ['commit-tree', tree, '-p', commit, '-m', 'next'], { env });
    await git(gitDir, ['update-ref', 'refs/heads/main', next]);
    expect(await head()).toBe(next);
    await git(gitDir, ['update-ref', 'refs/heads/main', commit]);
  });
});
