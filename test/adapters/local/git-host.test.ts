import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLocalGitHost } from '#adapters/local/git-host.ts';
import { GitHostError } from '#app/ports/git-host.ts';
import { createTestRepo, type TestRepo } from '#test/git-repo.ts';

const author = { name: 'Flowkeeper', email: 'flowkeeper@example.com' };
let repo: TestRepo;

afterEach(async () => {
  await repo?.cleanup();
});

describe('local git host', () => {
  it('reads a file at the branch head and commits a change onto it', async () => {
    repo = await createTestRepo({ 'a/values.yaml': 'tag: 1\n', 'other.txt': 'x\n' }, ['dev']);
    const host = createLocalGitHost(repo.path);
    const read = await host.readFile('dev', 'a/values.yaml');
    expect(read).toEqual({ content: 'tag: 1\n', commitId: await repo.git('rev-parse', 'dev') });

    const result = await host.commit({
      branch: 'dev',
      parentCommitId: read.commitId,
      changes: [{ path: 'a/values.yaml', content: 'tag: 2\n' }],
      message: 'bump\n\nbody\n',
      author,
    });
    expect(result.status).toBe('committed');
    const commitId = result.status === 'committed' ? result.commitId : '';
    expect(await repo.git('rev-parse', 'dev')).toBe(commitId);
    expect(await repo.git('rev-parse', `${commitId}^`)).toBe(read.commitId);
    expect(await repo.git('show', `${commitId}:a/values.yaml`)).toBe('tag: 2');
    expect(await repo.git('diff', '--name-only', read.commitId, commitId)).toBe('a/values.yaml');
    expect(await repo.git('log', '-1', '--format=%an <%ae>|%s', commitId)).toBe(
      'Flowkeeper <flowkeeper@example.com>|bump',
    );
    expect(await repo.git('rev-parse', 'main')).toBe(read.commitId);
  });

  it('reads several files at one commit even when the branch moves in between', async () => {
    repo = await createTestRepo({ 'a.yaml': 'a: 1\n', 'b.yaml': 'b: 1\n' }, ['dev']);
    const host = createLocalGitHost(repo.path);
    const first = await host.readFile('dev', 'a.yaml');
    await repo.commitFiles('dev', { 'b.yaml': 'b: 2\n' });
    expect((await host.readFile('dev', 'b.yaml', first.commitId)).content).toBe('b: 1\n');
    expect((await host.readFile('dev', 'b.yaml')).content).toBe('b: 2\n');
  });

  it('reports a conflict and writes nothing when the branch moved since the read', async () => {
    repo = await createTestRepo({ 'a.yaml': 'a: 1\n' }, ['dev']);
    const host = createLocalGitHost(repo.path);
    const read = await host.readFile('dev', 'a.yaml');
    const moved = await repo.commitFiles('dev', { 'b.yaml': 'b\n' });
    const result = await host.commit({
      branch: 'dev',
      parentCommitId: read.commitId,
      changes: [{ path: 'a.yaml', content: 'a: 2\n' }],
      message: 'bump',
      author,
    });
    expect(result).toEqual({ status: 'conflict', currentHead: moved });
    expect(await repo.git('rev-parse', 'dev')).toBe(moved);
  });

  it('lets exactly one of two concurrent commits on the same parent win', async () => {
    repo = await createTestRepo({ 'a.yaml': 'a: 1\n' }, ['dev']);
    const host = createLocalGitHost(repo.path);
    const { commitId } = await host.readFile('dev', 'a.yaml');
    const attempt = (value: string) =>
      host.commit({
        branch: 'dev',
        parentCommitId: commitId,
        changes: [{ path: 'a.yaml', content: value }],
        message: value,
        author,
      });
    const results = await Promise.all([attempt('a: 2\n'), attempt('a: 3\n'), attempt('a: 4\n')]);
    expect(results.filter((r) => r.status === 'committed')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'conflict')).toHaveLength(2);
    expect(await repo.git('rev-list', '--count', 'dev')).toBe('2');
  });

  it('reports unchanged when the content is already identical', async () => {
    repo = await createTestRepo({ 'a.yaml': 'a: 1\n' }, ['dev']);
    const host = createLocalGitHost(repo.path);
    const { commitId } = await host.readFile('dev', 'a.yaml');
    const result = await host.commit({
      branch: 'dev',
      parentCommitId: commitId,
      changes: [{ path: 'a.yaml', content: 'a: 1\n' }],
      message: 'noop',
      author,
    });
    expect(result).toEqual({ status: 'unchanged' });
    expect(await repo.git('rev-parse', 'dev')).toBe(commitId);
  });

  it('keeps the file mode of an executable file', async () => {
    repo = await createTestRepo({ 'run.sh': '#!/bin/sh\n' });
    await chmod(join(repo.path, 'run.sh'), 0o755);
    await repo.git('add', 'run.sh');
    await repo.git('commit', '--quiet', '-m', 'make executable');
    await repo.git('branch', 'dev', 'HEAD');
    const host = createLocalGitHost(repo.path);
    const { commitId } = await host.readFile('dev', 'run.sh');
    const result = await host.commit({
      branch: 'dev',
      parentCommitId: commitId,
      changes: [{ path: 'run.sh', content: '#!/bin/sh\necho hi\n' }],
      message: 'edit',
      author,
    });
    expect(result.status).toBe('committed');
    expect(await repo.git('ls-tree', 'dev', 'run.sh')).toMatch(/^100755 blob /);
  });

  it('advances a clean checked-out branch together with its working tree', async () => {
    repo = await createTestRepo({ 'a.yaml': 'a: 1\n' }, ['dev']);
    await repo.git('checkout', '--quiet', 'dev');
    const host = createLocalGitHost(repo.path);
    const { commitId } = await host.readFile('dev', 'a.yaml');
    const result = await host.commit({
      branch: 'dev',
      parentCommitId: commitId,
      changes: [{ path: 'a.yaml', content: 'a: 2\n' }],
      message: 'bump',
      author,
    });
    expect(result.status).toBe('committed');
    expect(await readFile(join(repo.path, 'a.yaml'), 'utf8')).toBe('a: 2\n');
    expect(await repo.git('status', '--porcelain')).toBe('');
  });

  it('refuses to move a checked-out branch whose working tree has uncommitted changes', async () => {
    repo = await createTestRepo({ 'a.yaml': 'a: 1\n' }, ['dev']);
    await repo.git('checkout', '--quiet', 'dev');
    await writeFile(join(repo.path, 'a.yaml'), 'a: local edit\n');
    const host = createLocalGitHost(repo.path);
    const { commitId } = await host.readFile('dev', 'a.yaml');
    const commit = host.commit({
      branch: 'dev',
      parentCommitId: commitId,
      changes: [{ path: 'a.yaml', content: 'a: 2\n' }],
      message: 'bump',
      author,
    });
    await expect(commit).rejects.toThrow(/checked out in .* with uncommitted changes/);
    expect(await repo.git('rev-parse', 'dev')).toBe(commitId);
    expect(await readFile(join(repo.path, 'a.yaml'), 'utf8')).toBe('a: local edit\n');
  });

  it('names the missing branch, file and repository', async () => {
    repo = await createTestRepo({ 'a.yaml': 'a: 1\n' }, ['dev']);
    const host = createLocalGitHost(repo.path);
    await expect(host.readFile('prod', 'a.yaml')).rejects.toThrow(
      new GitHostError('BranchNotFound', `branch prod does not exist in ${repo.path} (branches: dev, main)`),
    );
    await expect(host.readFile('dev', 'missing.yaml')).rejects.toThrow(
      /missing.yaml does not exist on branch dev/,
    );
    await expect(createLocalGitHost(join(repo.path, 'nope')).readFile('dev', 'a.yaml')).rejects.toMatchObject(
      {
        code: 'RepositoryNotFound',
      },
    );
  });
});

describe('local git host: only text files, as CodeCommit and GitLab', () => {
  it('refuses a file that is not UTF-8 instead of committing U+FFFD over its bytes', async () => {
    repo = await createTestRepo({ 'values.yaml': 'tag: 1\n' });
    await writeFile(join(repo.path, 'latin1.yaml'), Buffer.from('name: caf\xe9\ntag: 1\n', 'latin1'));
    await repo.git('add', 'latin1.yaml');
    await repo.git('commit', '--quiet', '-m', 'latin-1 file');
    await repo.git('branch', '--force', 'main', 'HEAD');
    const host = createLocalGitHost(repo.path);
    const error = await host.readFile('main', 'latin1.yaml').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHostError);
    expect(error).toMatchObject({ code: 'NotText', message: expect.stringContaining('not valid UTF-8') });
    expect((await host.readFile('main', 'values.yaml')).content).toBe('tag: 1\n');
  });

  it('refuses a symbolic link instead of editing its target text', async () => {
    repo = await createTestRepo({ 'real/values.yaml': 'tag: 1\n' });
    const { symlink } = await import('node:fs/promises');
    await symlink('real/values.yaml', join(repo.path, 'values.yaml'));
    await repo.git('add', 'values.yaml');
    await repo.git('commit', '--quiet', '-m', 'link');
    await repo.git('branch', '--force', 'main', 'HEAD');
    const host = createLocalGitHost(repo.path);
    const error = await host.readFile('main', 'values.yaml').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'InvalidPath', message: expect.stringContaining('symbolic link') });
    expect((await host.readFile('main', 'real/values.yaml')).content).toBe('tag: 1\n');
  });
});
