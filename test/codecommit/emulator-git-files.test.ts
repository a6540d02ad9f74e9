import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CommitFields,
  gitDate,
  isPlainCommit,
  writeCommitObject,
} from '../emulators/codecommit/commit-objects.ts';
import {
  GitCommandError,
  git,
  gitOnObjects,
  gitText,
  initBare,
  initWorkTree,
  runGit,
} from '../emulators/codecommit/git.ts';
import { compareAndSwapBranchRef, writeHeadRef } from '../emulators/codecommit/ref-writes.ts';
import { branchRevision, listRefFiles, readBranchRef, readHeadRef } from '../emulators/codecommit/refs.ts';
import {
  compareAndSwapBranch,
  setDefaultBranch,
  ZERO_COMMIT_ID,
} from '../emulators/codecommit/repositories.ts';
import { compareAndSwapRef } from '../emulators/gitlab/repository.ts';

/**
 * The emulators read branch heads and HEAD from the repository's files instead of asking git, keep
 * git's answers about objects named by full id, and write commits, branch updates and HEAD
 * themselves; what they read must be what git answers, and what they write what git writes (the
 * writers are checked against git doing the same in a twin repository).
 */

let scratch: string;
let gitDir: string;
let commit: string;

/** The identity and date of the commits the tests make with git itself. */
const IDENTITY = {
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@example.com',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@example.com',
  GIT_AUTHOR_DATE: '1700000000 +0000',
  GIT_COMMITTER_DATE: '1700000000 +0000',
};

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'emulator-refs-'));
  gitDir = join(scratch, 'repo.git');
  await runGit(['init', '--quiet', '--bare', gitDir]);
  const tree = await gitText(gitDir, ['mktree'], { input: '' });
  commit = await gitText(gitDir, ['commit-tree', tree, '-m', 'root'], { env: IDENTITY });
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

describe('listRefFiles', () => {
  it('lists loose and packed refs under a prefix as for-each-ref does, lock files left out', async () => {
    const second = await gitText(gitDir, ['commit-tree', `${commit}^{tree}`, '-p', commit, '-m', 'two'], {
      env: IDENTITY,
    });
    await git(gitDir, ['update-ref', 'refs/heads/packed/c', second]);
    await git(gitDir, ['pack-refs', '--all']);
    await git(gitDir, ['update-ref', 'refs/heads/packed/c', commit]);
    await writeFile(join(gitDir, 'refs/heads/half.lock'), `${second}\n`);
    await git(gitDir, ['update-ref', 'refs/tags/v1', second]);
    try {
      for (const prefix of ['refs/heads/', 'refs/tags/', 'refs/heads/packed/', 'refs/nothing/']) {
        const listed = await gitText(gitDir, [
          'for-each-ref',
          '--sort=refname',
          '--format=%(refname) %(objectname)',
          prefix,
        ]);
        const read = (await listRefFiles(gitDir, prefix)) ?? [];
        expect(read.map(({ ref, id }) => `${ref} ${id}`).join('\n'), prefix).toBe(listed);
      }
    } finally {
      await rm(join(gitDir, 'refs/heads/half.lock'));
      await git(gitDir, ['update-ref', '-d', 'refs/heads/packed/c']);
      await git(gitDir, ['update-ref', '-d', 'refs/tags/v1']);
    }
  });

  it('leaves a symbolic ref among them to git', async () => {
    await git(gitDir, ['symbolic-ref', 'refs/heads/alias', 'refs/heads/main']);
    try {
      expect(await listRefFiles(gitDir, 'refs/heads/')).toBeNull();
    } finally {
      await rm(join(gitDir, 'refs/heads/alias'));
    }
  });
});

describe('branchRevision', () => {
  it('answers what rev-parse answers for a branch name, and leaves shadowed or hex-like names to git', async () => {
    expect(await branchRevision(gitDir, 'main')).toBe(await gitText(gitDir, ['rev-parse', 'main']));
    expect(await branchRevision(gitDir, 'packed/b')).toBe(await gitText(gitDir, ['rev-parse', 'packed/b']));
    expect(await branchRevision(gitDir, 'missing')).toBeNull();
    expect(await branchRevision(gitDir, 'HEAD')).toBeNull();
    expect(await branchRevision(gitDir, 'main~1')).toBeNull();
    await git(gitDir, ['update-ref', 'refs/heads/cafe', commit]);
    await git(gitDir, ['update-ref', 'refs/tags/feature/a', commit]);
    try {
      expect(await branchRevision(gitDir, 'cafe')).toBeNull();
      expect(await branchRevision(gitDir, 'feature/a')).toBeNull();
    } finally {
      await git(gitDir, ['update-ref', '-d', 'refs/heads/cafe']);
      await git(gitDir, ['update-ref', '-d', 'refs/tags/feature/a']);
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
  it('keeps a "no" of merge-base --is-ancestor, and answers again for a commit written since', async () => {
    const tree = await gitText(gitDir, ['mktree'], { input: '' });
    const child = await gitText(gitDir, ['commit-tree', tree, '-p', commit, '-m', 'child'], {
      env: IDENTITY,
    });
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
    await gitText(gitDir, ['commit-tree', tree, '-p', child, '-m', message], { env: IDENTITY });
    expect(await isAncestor(child, later)).toBe(true);
  });

  it('asks git every time for a revision that is not a full object id', async () => {
    const head = () =>
      gitOnObjects(gitDir, ['main'], ['rev-parse', 'main']).then((out) => out.toString().trim());
    expect(await head()).toBe(commit);
    const tree = await gitText(gitDir, ['mktree'], { input: '' });
    const next = await gitText(gitDir, ['commit-tree', tree, '-p', commit, '-m', 'next'], { env: IDENTITY });
    await git(gitDir, ['update-ref', 'refs/heads/main', next]);
    expect(await head()).toBe(next);
    await git(gitDir, ['update-ref', 'refs/heads/main', commit]);
  });
});

/**
 * Two repositories made alike by `git init`, bare or for a work tree; their git directories. The
 * emulator's writer works in one, git in the other.
 */
async function twinRepositories(
  kind: 'bare' | 'work-tree' = 'bare',
): Promise<{ ours: string; theirs: string }> {
  const made = async (side: string): Promise<string> => {
    const dir = join(scratch, `${side}-${Math.random().toString(36).slice(2)}`);
    if (kind === 'bare') {
      await runGit(['init', '--quiet', '--bare', `${dir}.git`]);
      return `${dir}.git`;
    }
    await runGit(['init', '--quiet', '--initial-branch=main', dir]);
    return join(dir, '.git');
  };
  return { ours: await made('ours'), theirs: await made('theirs') };
}

/** Writes `file.txt` holding `content\n` and a tree of it alone, with git; the tree's id. */
async function oneFileTree(gitDir: string): Promise<string> {
  const blob = await gitText(gitDir, ['hash-object', '-w', '--stdin'], { input: 'content\n' });
  return gitText(gitDir, ['mktree'], { input: `100644 blob ${blob}\tfile.txt\n` });
}

const FIXED = new Date(1_700_000_000_000);
const identity = { name: 'Ada Lovelace', email: 'ada@example.com' };

/** `git commit-tree` on `commit`, dated `when` the way the emulator dates its commits. */
function gitCommitTree(gitDir: string, commit: CommitFields, when: Date): Promise<string> {
  const date = `@${gitDate(when)}`;
  return gitText(
    gitDir,
    ['commit-tree', commit.tree, ...commit.parents.flatMap((parent) => ['-p', parent]), '-F', '-'],
    {
      input: commit.message,
      env: {
        GIT_AUTHOR_NAME: commit.author.name,
        GIT_AUTHOR_EMAIL: commit.author.email,
        GIT_AUTHOR_DATE: date,
        GIT_COMMITTER_NAME: commit.committer.name,
        GIT_COMMITTER_EMAIL: commit.committer.email,
        GIT_COMMITTER_DATE: date,
      },
    },
  );
}

/** The same result of both, or the same kind of failure. */
const outcome = (write: Promise<string>): Promise<string> =>
  write.catch((error: unknown) =>
    error instanceof GitCommandError ? 'refused by git' : Promise.reject(error),
  );

describe('writeCommitObject', () => {
  let ours: string;
  let theirs: string;
  let tree: string;
  let parent: string;
  let other: string;

  beforeAll(async () => {
    ({ ours, theirs } = await twinRepositories());
    for (const dir of [ours, theirs]) {
      tree = await oneFileTree(dir);
      const base = { tree, parents: [], author: identity, committer: identity };
      parent = await gitCommitTree(dir, { ...base, message: 'root\n' }, FIXED);
      other = await gitCommitTree(dir, { ...base, message: 'other root\n' }, FIXED);
    }
  });

  const messages = [
    'one line without a newline',
    'one line\n',
    'subject\n\nbody line one\nbody line two\n',
    'trailing blank lines\n\n\n',
    '  leading and trailing spaces  \n# not a comment to commit-tree\n',
    '',
    '\n',
    'unicode: Zoë, 東京, emoji 🚀, combining é\n',
    'windows line ends\r\n\r\nbody\r\n',
  ];

  it('writes the commit git writes, for plain messages and identities', async () => {
    for (const message of messages) {
      for (const parents of [[], [parent], [parent, other]]) {
        const commit: CommitFields = {
          tree,
          parents,
          message,
          author: identity,
          committer: { name: 'Zoë Ünicode', email: '' },
        };
        expect(await isPlainCommit(ours, commit), JSON.stringify(message)).toBe(true);
        const id = await writeCommitObject(ours, commit, FIXED);
        expect(id, JSON.stringify(message)).toBe(await gitCommitTree(theirs, commit, FIXED));
      }
    }
    expect(await git(ours, ['fsck', '--strict', '--no-dangling'])).toBeDefined();
  });

  it('writes the commit git writes in a repository git init made for a work tree', async () => {
    const work = await twinRepositories('work-tree');
    await oneFileTree(work.theirs);
    const commit = {
      tree: await oneFileTree(work.ours),
      parents: [],
      message: 'work tree\n',
      author: identity,
      committer: identity,
    };
    expect(await isPlainCommit(work.ours, commit)).toBe(true);
    expect(await writeCommitObject(work.ours, commit, FIXED)).toBe(
      await gitCommitTree(work.theirs, commit, FIXED),
    );
    expect(await git(work.ours, ['fsck', '--strict', '--no-dangling'])).toBeDefined();
  });

  it('dates a commit as git does in the local time zone', async () => {
    const tree = await gitText(theirs, ['mktree'], { input: '' });
    /** `gitDate` under `tz`, the zone set and put back with no await between, so nothing else sees it. */
    const ourDate = (tz: string, when: Date): string => {
      const zone = process.env.TZ;
      process.env.TZ = tz;
      try {
        return gitDate(when);
      } finally {
        if (zone === undefined) delete process.env.TZ;
        else process.env.TZ = zone;
      }
    };
    for (const tz of ['UTC', 'America/St_Johns', 'Asia/Kolkata', 'Pacific/Chatham', 'Europe/Paris']) {
      for (const when of [FIXED, new Date(1_690_000_000_000)]) {
        const seconds = Math.floor(when.getTime() / 1000);
        const id = await gitText(theirs, ['commit-tree', tree, '-m', 'x'], {
          env: {
            TZ: tz,
            GIT_AUTHOR_NAME: 'a',
            GIT_AUTHOR_EMAIL: 'a',
            GIT_COMMITTER_NAME: 'a',
            GIT_COMMITTER_EMAIL: 'a',
            GIT_AUTHOR_DATE: `@${seconds}`,
            GIT_COMMITTER_DATE: `@${seconds}`,
          },
        });
        const author = (await gitText(theirs, ['cat-file', 'commit', id])).split('\n')[1];
        expect(author, tz).toBe(`author a <a> ${ourDate(tz, when)}`);
      }
    }
  });

  it('dates a commit now unless told otherwise', async () => {
    const before = Math.floor(Date.now() / 1000);
    const commit = { tree, parents: [parent], message: 'now\n', author: identity, committer: identity };
    const id = await writeCommitObject(ours, commit);
    const after = Math.floor(Date.now() / 1000);
    const committer = (await gitText(ours, ['cat-file', 'commit', id])).split('\n')[3] ?? '';
    const [, seconds = '', offset = ''] = /> (\d+) ([+-]\d{4})$/.exec(committer) ?? [];
    expect(Number(seconds)).toBeGreaterThanOrEqual(before);
    expect(Number(seconds)).toBeLessThanOrEqual(after);
    expect(offset).toBe(gitDate(new Date(Number(seconds) * 1000)).split(' ')[1]);
  });

  it('leaves what git rewrites or refuses to git, with git’s result', async () => {
    const plain: CommitFields = {
      tree,
      parents: [parent],
      message: 'm\n',
      author: identity,
      committer: identity,
    };
    const cases: Array<[string, CommitFields]> = [
      ['padded name', { ...plain, author: { name: ' Ada ', email: 'ada@example.com' } }],
      ['name ending in a dot', { ...plain, author: { name: 'Ada L.', email: 'ada@example.com' } }],
      ['quoted name', { ...plain, author: { name: '"Ada"', email: 'ada@example.com' } }],
      ['angle brackets inside', { ...plain, author: { name: 'Ada <x> L', email: 'ada@example.com' } }],
      ['tab inside', { ...plain, author: { name: 'Ada\tL', email: 'ada@example.com' } }],
      ['bracketed email', { ...plain, committer: { name: 'Ada', email: '<ada@example.com>' } }],
      ['email with a trailing semicolon', { ...plain, committer: { name: 'Ada', email: 'ada@x;' } }],
      ['empty name', { ...plain, author: { name: '', email: 'ada@example.com' } }],
      ['only crud', { ...plain, author: { name: '..', email: 'ada@example.com' } }],
      ['noncharacter in a name', { ...plain, author: { name: 'Ada\uFDD0', email: 'a@x' } }],
      ['NUL in the message', { ...plain, message: 'a\0b\n' }],
      ['U+FFFE in the message', { ...plain, message: 'odd \uFFFE\n' }],
      ['U+FDD0 in the message', { ...plain, message: 'odd \uFDD0\n' }],
      ['U+10FFFF in the message', { ...plain, message: 'odd \u{10FFFF}\n' }],
      ['lone surrogate in the message', { ...plain, message: 'odd \uD800\n' }],
      ['repeated parent', { ...plain, parents: [parent, parent] }],
      ['parent that is a tree', { ...plain, parents: [tree] }],
      ['tree that is a commit', { ...plain, tree: parent }],
      ['abbreviated parent', { ...plain, parents: [parent.slice(0, 12)] }],
      ['missing tree', { ...plain, tree: 'f'.repeat(40) }],
    ];
    for (const [label, commit] of cases) {
      expect(await isPlainCommit(ours, commit), label).toBe(false);
      const mine = await outcome(writeCommitObject(ours, commit, FIXED));
      expect(mine, label).toBe(await outcome(gitCommitTree(theirs, commit, FIXED)));
    }
  });

  it('leaves a commit on a packed tree or parent, or in a repository configured otherwise, to git', async () => {
    const { ours: packed } = await twinRepositories();
    const blob = await gitText(packed, ['hash-object', '-w', '--stdin'], { input: 'content\n' });
    const packedTree = await gitText(packed, ['mktree'], { input: `100644 blob ${blob}\tfile.txt\n` });
    await git(packed, ['pack-objects', '-q', join(packed, 'objects', 'pack', 'pack')], {
      input: `${packedTree}\n${blob}\n`,
    });
    await git(packed, ['prune-packed']);
    const commit = { tree: packedTree, parents: [], message: 'm\n', author: identity, committer: identity };
    expect(await isPlainCommit(packed, commit)).toBe(false);
    expect(await writeCommitObject(packed, commit, FIXED)).toBe(await gitCommitTree(theirs, commit, FIXED));

    await git(packed, ['config', 'i18n.commitEncoding', 'ISO-8859-1']);
    await git(packed, ['hash-object', '-w', '--stdin'], { input: 'content\n' });
    await git(packed, ['mktree'], { input: `100644 blob ${blob}\tfile.txt\n` });
    expect(await isPlainCommit(packed, { ...commit, message: 'x\n' })).toBe(false);
    const encoded = await writeCommitObject(packed, { ...commit, message: 'x\n' }, FIXED);
    expect(await gitText(packed, ['cat-file', 'commit', encoded])).toContain('\nencoding ISO-8859-1\n');
  });
});

/** What git shows of a repository's refs: names and values, and the files that hold them. */
async function refState(gitDir: string): Promise<Record<string, unknown>> {
  const files: string[] = [];
  const walk = async (dir: string) => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else files.push(`${relative(gitDir, path)}: ${await readFile(path, 'utf8')}`);
    }
  };
  await walk(join(gitDir, 'refs'));
  const packed = existsSync(join(gitDir, 'packed-refs'))
    ? await readFile(join(gitDir, 'packed-refs'), 'utf8')
    : undefined;
  return {
    refs: await gitText(gitDir, ['for-each-ref', '--format=%(refname) %(objectname)']),
    files: files.sort(),
    packed,
    head: await readFile(join(gitDir, 'HEAD'), 'utf8'),
    logs: existsSync(join(gitDir, 'logs')),
  };
}

describe('compareAndSwapBranchRef', () => {
  let ours: string;
  let theirs: string;
  const commits: string[] = [];

  beforeAll(async () => {
    ({ ours, theirs } = await twinRepositories());
    for (const dir of [ours, theirs]) {
      const tree = await gitText(dir, ['mktree'], { input: '' });
      commits.length = 0;
      for (let index = 0; index < 12; index++) {
        const message = `commit ${index}\n`;
        commits.push(
          await gitCommitTree(
            dir,
            { tree, parents: [], message, author: identity, committer: identity },
            FIXED,
          ),
        );
      }
    }
  });

  /** Does the update in both repositories and expects the same answer. */
  async function both(ref: string, next: string, expected: string): Promise<boolean> {
    const mine = await compareAndSwapBranchRef(ours, ref, next, expected);
    const theirsMoved = await git(theirs, [
      '-c',
      'core.filesRefLockTimeout=5000',
      'update-ref',
      ref,
      next,
      expected,
    ]).then(
      () => true,
      (error: unknown) => (error instanceof GitCommandError ? false : Promise.reject(error)),
    );
    expect(mine, `${ref} ${expected} -> ${next}`).toBe(theirsMoved);
    return theirsMoved;
  }

  const c = (index: number): string => commits[index] as string;

  it('creates, refuses to create twice, moves from the expected value and not from another', async () => {
    expect(await both('refs/heads/main', c(0), ZERO_COMMIT_ID)).toBe(true);
    expect(await both('refs/heads/main', c(1), ZERO_COMMIT_ID)).toBe(false);
    expect(await both('refs/heads/main', c(1), c(0))).toBe(true);
    expect(await both('refs/heads/main', c(2), c(0))).toBe(false);
    expect(await both('refs/heads/feature/deep/name', c(3), ZERO_COMMIT_ID)).toBe(true);
    expect(await both('refs/heads/release-1.2_x', c(3), ZERO_COMMIT_ID)).toBe(true);
    expect(await both('refs/heads/main', c(1), c(1))).toBe(true);
    expect(await refState(ours)).toEqual(await refState(theirs));
    await git(ours, ['fsck', '--strict', '--no-dangling']);
  });

  it('updates a ref only in packed-refs as git does, leaving a loose file in front', async () => {
    for (const dir of [ours, theirs]) {
      await git(dir, ['update-ref', 'refs/heads/packed/b', c(4)]);
      await git(dir, ['pack-refs', '--all']);
    }
    expect(await refState(ours)).toEqual(await refState(theirs));
    expect(await both('refs/heads/packed/b', c(5), c(3))).toBe(false);
    expect(await both('refs/heads/packed/b', c(5), ZERO_COMMIT_ID)).toBe(false);
    expect(await both('refs/heads/packed/b', c(5), c(4))).toBe(true);
    expect(await both('refs/heads/main', c(6), c(1))).toBe(true);
    expect(await refState(ours)).toEqual(await refState(theirs));
    await git(ours, ['fsck', '--strict', '--no-dangling']);
  });

  it('leaves names that clash with another ref to git, which refuses them', async () => {
    for (const ref of [
      'refs/heads/main/below',
      'refs/heads/feature/deep',
      'refs/heads/packed/b/c',
      'refs/heads/packed',
    ]) {
      expect(await compareAndSwapBranchRef(ours, ref, c(7), ZERO_COMMIT_ID), ref).toBeNull();
      const branch = ref.slice('refs/heads/'.length);
      expect(await compareAndSwapBranch(ours, branch, c(7), ZERO_COMMIT_ID), ref).toBe(false);
      expect(await compareAndSwapRef(ours, ref, c(7), ZERO_COMMIT_ID), ref).toBe(false);
    }
    for (const ref of ['refs/tags/v1', 'refs/heads/a..b', 'HEAD']) {
      expect(await compareAndSwapBranchRef(ours, ref, c(7), ZERO_COMMIT_ID), ref).toBeNull();
    }
    // Not a commit: git refuses to point a branch at a tree.
    const tree = await gitText(ours, ['mktree'], { input: '' });
    expect(await compareAndSwapBranchRef(ours, 'refs/heads/tree', tree, ZERO_COMMIT_ID)).toBeNull();
    expect(await compareAndSwapBranch(ours, 'tree', tree, ZERO_COMMIT_ID)).toBe(false);
    expect(await readdir(join(ours, 'refs', 'heads', 'packed'))).not.toContain('c.lock');
    expect(await refState(ours)).toEqual(await refState(theirs));
  });

  it('lets exactly one of ten concurrent updates from the same value win', async () => {
    const ref = 'refs/heads/race';
    expect(await both(ref, c(0), ZERO_COMMIT_ID)).toBe(true);
    const answers = await Promise.all(
      commits.slice(1, 11).map((next) => compareAndSwapBranchRef(ours, ref, next, c(0))),
    );
    expect(answers.filter((answer) => answer === true)).toHaveLength(1);
    expect(answers.filter((answer) => answer === false)).toHaveLength(9);
    const winner = commits[1 + answers.indexOf(true)];
    expect(await readBranchRef(ours, ref)).toBe(winner);
    expect(await gitText(ours, ['rev-parse', ref])).toBe(winner);
    expect(existsSync(join(ours, `${ref}.lock`))).toBe(false);
  });

  it('takes turns with git processes updating the same ref', async () => {
    const ref = 'refs/heads/shared';
    expect(await compareAndSwapBranchRef(ours, ref, c(0), ZERO_COMMIT_ID)).toBe(true);
    const answers = await Promise.all(
      commits.slice(1, 11).map((next, index) =>
        index % 2 === 0
          ? compareAndSwapBranchRef(ours, ref, next, c(0))
          : git(ours, ['-c', 'core.filesRefLockTimeout=5000', 'update-ref', ref, next, c(0)]).then(
              () => true,
              () => false,
            ),
      ),
    );
    expect(answers.filter((answer) => answer === true)).toHaveLength(1);
    expect(await gitText(ours, ['rev-parse', ref])).toBe(commits[1 + answers.indexOf(true)]);
    await git(ours, ['fsck', '--strict', '--no-dangling']);
  });

  it('waits for a lock another writer holds, then reads what that writer left', async () => {
    const ref = 'refs/heads/locked';
    expect(await compareAndSwapBranchRef(ours, ref, c(0), ZERO_COMMIT_ID)).toBe(true);
    const lock = join(ours, `${ref}.lock`);
    await writeFile(lock, `${c(1)}\n`, { flag: 'wx' });
    const waiting = compareAndSwapBranchRef(ours, ref, c(2), c(0));
    await sleep(50);
    // The other writer commits its lock: the waiting update then sees c(1), not c(0).
    await rename(lock, join(ours, ref));
    expect(await waiting).toBe(false);
    expect(await readBranchRef(ours, ref)).toBe(c(1));
    expect(await compareAndSwapBranchRef(ours, ref, c(2), c(1))).toBe(true);
  });

  it('leaves a repository with a reflog or other config to git', async () => {
    const { ours: logged } = await twinRepositories();
    const tree = await gitText(logged, ['mktree'], { input: '' });
    const commit = await gitCommitTree(
      logged,
      { tree, parents: [], message: 'x', author: identity, committer: identity },
      FIXED,
    );
    await git(logged, ['config', 'core.logAllRefUpdates', 'always']);
    expect(await compareAndSwapBranchRef(logged, 'refs/heads/main', commit, ZERO_COMMIT_ID)).toBeNull();
    expect(await compareAndSwapBranch(logged, 'main', commit, ZERO_COMMIT_ID)).toBe(true);
    expect(existsSync(join(logged, 'logs', 'refs', 'heads', 'main'))).toBe(true);
    expect(await writeHeadRef(logged, 'refs/heads/main')).toBe(false);
  });
});

describe('writeHeadRef', () => {
  it('points HEAD at a branch as git symbolic-ref does', async () => {
    const { ours, theirs } = await twinRepositories();
    for (const ref of ['refs/heads/main', 'refs/heads/feature/x', 'refs/heads/v1.2']) {
      expect(await writeHeadRef(ours, ref)).toBe(true);
      await git(theirs, ['symbolic-ref', 'HEAD', ref]);
      expect(await gitText(ours, ['symbolic-ref', 'HEAD'])).toBe(ref);
      expect(await readFile(join(ours, 'HEAD'), 'utf8')).toBe(await readFile(join(theirs, 'HEAD'), 'utf8'));
      expect(await readHeadRef(ours)).toBe(ref);
    }
    expect(await refState(ours)).toEqual(await refState(theirs));
    for (const ref of ['refs/tags/v1', 'refs/heads/a..b', 'refs/heads/x.lock', 'HEAD']) {
      expect(await writeHeadRef(ours, ref), ref).toBe(false);
    }
    await setDefaultBranch(ours, 'dev');
    expect(await gitText(ours, ['symbolic-ref', 'HEAD'])).toBe('refs/heads/dev');
    expect(existsSync(join(ours, 'HEAD.lock'))).toBe(false);
    await git(ours, ['fsck', '--strict']);
  });
});

/** Every file under `root` with its content, by path relative to `root`. */
async function filesUnder(root: string): Promise<Record<string, string>> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const files: Record<string, string> = {};
  for (const entry of entries.filter((candidate) => candidate.isFile())) {
    const path = join(entry.parentPath, entry.name);
    files[relative(root, path)] = await readFile(path, 'utf8');
  }
  return files;
}

describe('initBare', () => {
  it('writes the files git init --bare writes, and refuses to write over a repository', async () => {
    const ours = join(scratch, 'init-ours', 'group', 'project.git');
    const theirs = join(scratch, 'init-theirs.git');
    await initBare(ours);
    await runGit(['init', '--bare', '--quiet', theirs]);

    expect(await filesUnder(ours)).toStrictEqual(await filesUnder(theirs));
    expect(await gitText(ours, ['rev-parse', '--is-bare-repository'])).toBe('true');
    await expect(initBare(ours)).rejects.toThrow();
    await git(ours, ['fsck', '--strict']);
  });
});

describe('initWorkTree', () => {
  it('writes the .git that git init writes for a work tree, and refuses to write over one', async () => {
    const ours = join(scratch, 'work-ours');
    const theirs = join(scratch, 'work-theirs');
    await initWorkTree(ours);
    await runGit(['init', '--quiet', '--initial-branch=main', theirs]);

    expect(await filesUnder(join(ours, '.git'))).toStrictEqual(await filesUnder(join(theirs, '.git')));
    expect(await gitText(join(ours, '.git'), ['rev-parse', '--is-bare-repository'])).toBe('false');
    await expect(initWorkTree(ours)).rejects.toThrow();
  });
});
