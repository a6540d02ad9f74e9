import * as childProcess from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { git } from '#adapters/local/git-cli.ts';
import { createLocalGitHost } from '#adapters/local/git-host.ts';
import { type CommitRequest, type GitHost, GitHostError } from '#app/ports/git-host.ts';
import { createTestRepo, type TestRepo } from '#test/git-repo.ts';

vi.mock('node:child_process', async (importOriginal) => {
  const original = await importOriginal<typeof childProcess>();
  return { ...original, spawn: vi.fn(original.spawn) };
});

const spawned = () => vi.mocked(childProcess.spawn).mock.calls.length;
const author = { name: 'Flowkeeper', email: 'flowkeeper@example.com' };
let repo: TestRepo | undefined;
let scratch: string | undefined;

afterEach(async () => {
  await repo?.cleanup();
  if (scratch) await rm(scratch, { recursive: true, force: true });
  repo = undefined;
  scratch = undefined;
});

const manyFiles = (count: number) =>
  Object.fromEntries(Array.from({ length: count }, (_, i) => [`apps/app-${i}/values.yaml`, 'tag: 1\n']));

const request = (parentCommitId: string, changes: CommitRequest['changes'], branch = 'dev') => ({
  branch,
  parentCommitId,
  changes,
  message: 'bump',
  author,
});

/** What a bump does (shared/app/image-bump/bump-branch.ts): the first file at the head, the rest ten at a time. */
async function readLikeABump(host: GitHost, paths: string[]): Promise<string> {
  const [first = '', ...rest] = paths;
  const head = await host.readFile('dev', first);
  for (let i = 0; i < rest.length; i += 10) {
    await Promise.all(rest.slice(i, i + 10).map((path) => host.readFile('dev', path, head.commitId)));
  }
  return head.commitId;
}

async function processesOf(work: () => Promise<unknown>): Promise<number> {
  const before = spawned();
  await work();
  return spawned() - before;
}

describe('local git host: git processes', () => {
  it.each([
    [1, 1, 8],
    [20, 3, 8],
  ])(
    'a %i-file bump reads with %i cat-file process(es) and commits with %i processes',
    async (count, reads, commit) => {
      const paths = Object.keys(manyFiles(count));
      repo = await createTestRepo(manyFiles(count), ['dev']);
      const host = createLocalGitHost(repo.path);
      await host.readFile('main', 'apps/app-0/values.yaml'); // resolves the git directory once
      let parent = '';
      expect(await processesOf(async () => (parent = await readLikeABump(host, paths)))).toBe(reads);
      const changes = paths.map((path) => ({ path, content: 'tag: 2\n' }));
      expect(await processesOf(() => host.commit(request(parent, changes)))).toBe(commit);
      expect(await repo.git('show', `dev:${paths.at(-1)}`)).toBe('tag: 2');
      expect(await repo.git('diff', '--name-only', parent, 'dev')).toBe([...paths].sort().join('\n'));
    },
  );

  it('reads files asked for together with one process, failing only the read whose file is missing', async () => {
    repo = await createTestRepo({ 'a.yaml': 'a: 1\n', 'b.yaml': 'b: 1\n' }, ['dev']);
    const host = createLocalGitHost(repo.path);
    const { commitId } = await host.readFile('dev', 'a.yaml');
    let reads: PromiseSettledResult<unknown>[] = [];
    const processes = await processesOf(async () => {
      reads = await Promise.allSettled(
        ['a.yaml', 'missing.yaml', 'b.yaml'].map((path) => host.readFile('dev', path, commitId)),
      );
    });
    expect(processes).toBe(1);
    expect(reads.map((read) => read.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const missing = reads[1];
    expect(missing?.status === 'rejected' && missing.reason).toMatchObject({ code: 'FileNotFound' });
  });

  it('reads several files at one commit with readFiles', async () => {
    repo = await createTestRepo({ 'a.yaml': 'a: 1\n', 'dir/b.yaml': 'b: 1\n' }, ['dev']);
    const host = createLocalGitHost(repo.path);
    const head = await repo.git('rev-parse', 'dev');
    expect(await host.readFiles('dev', ['a.yaml', 'dir/b.yaml'])).toEqual([
      { content: 'a: 1\n', commitId: head },
      { content: 'b: 1\n', commitId: head },
    ]);
    await expect(host.readFiles('prod', ['a.yaml'])).rejects.toMatchObject({ code: 'BranchNotFound' });
    await expect(host.readFiles('dev', ['dir'])).rejects.toThrow(GitHostError);
  });
});

describe('local git host: unusual repositories and files', () => {
  it('reads a file larger than a pipe buffer, byte for byte', async () => {
    const big = `${'x'.repeat(1_000_000)}\n`;
    repo = await createTestRepo({ 'big.txt': big, 'small.txt': 's\n' }, ['dev']);
    const host = createLocalGitHost(repo.path);
    const [read, small] = await host.readFiles('dev', ['big.txt', 'small.txt']);
    expect(read?.content).toBe(big);
    expect(small?.content).toBe('s\n');
  });

  it('reads and commits paths holding spaces and line breaks', async () => {
    repo = await createTestRepo({ 'with space.yaml': 'a\n' }, ['dev']);
    const odd = 'line\nbreak.yaml';
    await repo.commitFiles('dev', { [odd]: 'b\n' });
    const host = createLocalGitHost(repo.path);
    const [spaced, broken] = await host.readFiles('dev', ['with space.yaml', odd]);
    expect(broken?.content).toBe('b\n');
    const result = await host.commit(
      request(spaced?.commitId ?? '', [
        { path: 'with space.yaml', content: 'a2\n' },
        { path: odd, content: 'b2\n' },
      ]),
    );
    expect(result.status).toBe('committed');
    expect((await host.readFile('dev', odd)).content).toBe('b2\n');
    expect((await host.readFile('dev', 'with space.yaml')).content).toBe('a2\n');
  });

  it('stores the content as given, whatever the attributes and end-of-line settings say', async () => {
    repo = await createTestRepo({ '.gitattributes': '* text eol=crlf\n', 'a.yaml': 'a: 1\n' }, ['dev']);
    await repo.git('config', 'core.autocrlf', 'true');
    const host = createLocalGitHost(repo.path);
    const { commitId } = await host.readFile('dev', 'a.yaml');
    await host.commit(request(commitId, [{ path: 'a.yaml', content: 'a: 2\nb: 3\n' }]));
    expect(await repo.git('cat-file', 'blob', 'dev:a.yaml')).toBe('a: 2\nb: 3');
    expect((await repo.git('cat-file', '-s', 'dev:a.yaml')).trim()).toBe('10');
  });

  it('commits onto the HEAD branch of a bare repository', async () => {
    repo = await createTestRepo({ 'a.yaml': 'a: 1\n' });
    scratch = await mkdtemp(join(tmpdir(), 'flowkeeper-bare-'));
    const bare = join(scratch, 'manifests.git');
    await git(['clone', '--quiet', '--bare', repo.path, bare]);
    const host = createLocalGitHost(bare);
    const { commitId } = await host.readFile('main', 'a.yaml');
    const result = await host.commit(request(commitId, [{ path: 'a.yaml', content: 'a: 2\n' }], 'main'));
    expect(result.status).toBe('committed');
    expect(await git(['show', 'main:a.yaml'], { gitDir: bare })).toBe('a: 2');
  });

  it('advances a branch checked out in a linked worktree, and refuses once that worktree is dirty', async () => {
    repo = await createTestRepo({ 'a.yaml': 'a: 1\n' }, ['dev']);
    scratch = await mkdtemp(join(tmpdir(), 'flowkeeper-wt-'));
    const worktree = join(scratch, 'dev');
    await repo.git('worktree', 'add', '--quiet', worktree, 'dev');
    const host = createLocalGitHost(repo.path);
    const { commitId } = await host.readFile('dev', 'a.yaml');
    const result = await host.commit(request(commitId, [{ path: 'a.yaml', content: 'a: 2\n' }]));
    expect(result.status).toBe('committed');
    expect(await git(['show', 'HEAD:a.yaml'], { cwd: worktree })).toBe('a: 2');
    expect(await git(['status', '--porcelain'], { cwd: worktree })).toBe('');

    const next = await repo.git('rev-parse', 'dev');
    await writeFile(join(worktree, 'a.yaml'), 'local\n');
    await expect(host.commit(request(next, [{ path: 'a.yaml', content: 'a: 3\n' }]))).rejects.toMatchObject({
      code: 'WorkingTreeDirty',
    });
    expect(await repo.git('rev-parse', 'dev')).toBe(next);
  });

  it('answers a conflict with the head when committing onto a branch that moved, and BranchNotFound for none', async () => {
    repo = await createTestRepo({ 'a.yaml': 'a: 1\n' }, ['dev']);
    const host = createLocalGitHost(repo.path);
    const { commitId } = await host.readFile('dev', 'a.yaml');
    const moved = await repo.commitFiles('dev', { 'b.yaml': 'b\n' });
    expect(await host.commit(request(commitId, [{ path: 'a.yaml', content: 'a: 2\n' }]))).toEqual({
      status: 'conflict',
      currentHead: moved,
    });
    await expect(
      host.commit(request(commitId, [{ path: 'a.yaml', content: 'a: 2\n' }], 'release')),
    ).rejects.toMatchObject({
      code: 'BranchNotFound',
      message: expect.stringContaining('branches: dev, main'),
    });
  });
});
