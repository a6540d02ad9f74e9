import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CreateCommitCommand } from '@aws-sdk/client-codecommit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCodeCommitGitHost } from '#adapters/codecommit/git-host.ts';
import { createLocalGitHost } from '#adapters/local/git-host.ts';
import { GitHostError, type GitHostErrorCode } from '#app/ports/git-host.ts';
import { createTestRepo, type TestRepo } from '#test/git-repo.ts';
import { rejectionOf } from '../../emulators/codecommit/assertions.ts';
import { emulatorClient } from '../../emulators/codecommit/client.ts';
import { gitText } from '../../emulators/codecommit/git.ts';
import { type CodeCommitEmulator, startCodeCommitEmulator } from '../../emulators/codecommit/server.ts';

const FILES = {
  'README.md': '# manifests\n',
  'apps/x.yaml': 'image: x:1\n',
  'apps/y.yaml': 'image: y:1\n',
  'old/name.yaml': 'image: moved:1\n',
};

/**
 * The change both hosts are given: README.md deleted, apps/x.yaml modified, apps/z.yaml added,
 * old/name.yaml renamed to new/name.yaml unchanged. A rename lists both paths; the list is sorted.
 */
const CHANGED = ['README.md', 'apps/x.yaml', 'apps/z.yaml', 'new/name.yaml', 'old/name.yaml'];
const UNKNOWN_COMMIT = 'f'.repeat(40);

async function hostErrorCode(call: Promise<unknown>): Promise<GitHostErrorCode> {
  const error = await rejectionOf(call);
  expect(error).toBeInstanceOf(GitHostError);
  return (error as unknown as GitHostError).code;
}

describe('changed files of a local repository', () => {
  let repo: TestRepo;
  afterEach(async () => {
    await repo?.cleanup();
  });

  /** FILES on main, then one commit on main making the change described by CHANGED. */
  async function changedRepo() {
    repo = await createTestRepo(FILES);
    const before = await repo.git('rev-parse', 'main');
    await repo.git('checkout', '--quiet', 'main');
    const at = (path: string) => join(repo.path, path);
    await rm(at('README.md'));
    await writeFile(at('apps/x.yaml'), 'image: x:2\n');
    await writeFile(at('apps/z.yaml'), 'image: z:1\n');
    await mkdir(at('new'));
    await writeFile(at('new/name.yaml'), FILES['old/name.yaml']);
    await rm(at('old/name.yaml'));
    await repo.git('add', '--all');
    await repo.git('commit', '--quiet', '-m', 'change');
    return { host: createLocalGitHost(repo.path), before, after: await repo.git('rev-parse', 'main') };
  }

  it('lists added, modified, deleted and both renamed paths, sorted, although git detects renames by default', async () => {
    const { host, before, after } = await changedRepo();
    expect(await host.changedFiles(before, after)).toEqual(CHANGED);
  });

  it('lists a mode change and nothing between a commit and itself', async () => {
    const { host, after } = await changedRepo();
    await chmod(join(repo.path, 'apps/y.yaml'), 0o755);
    await repo.git('commit', '--quiet', '--all', '-m', 'executable');
    const executable = await repo.git('rev-parse', 'main');
    expect(await host.changedFiles(after, executable)).toEqual(['apps/y.yaml']);
    expect(await host.changedFiles(executable, executable)).toEqual([]);
  });

  it('keeps paths with spaces, quotes and non-ASCII characters verbatim', async () => {
    repo = await createTestRepo({ 'plain.yaml': 'a: 1\n' });
    const before = await repo.git('rev-parse', 'main');
    const odd = ['apps/my app.yaml', 'apps/"quoted".yaml', 'apps/überapp.yaml'];
    const after = await repo.commitFiles('main', Object.fromEntries(odd.map((path) => [path, 'a: 1\n'])));
    expect(await createLocalGitHost(repo.path).changedFiles(before, after)).toEqual([...odd].sort());
  });

  it('throws CommitNotFound for an unknown commit, a non-commit and an option-like id', async () => {
    const { host, before, after } = await changedRepo();
    const tree = await repo.git('rev-parse', `${after}^{tree}`);
    expect(await hostErrorCode(host.changedFiles(UNKNOWN_COMMIT, after))).toBe('CommitNotFound');
    expect(await hostErrorCode(host.changedFiles(before, UNKNOWN_COMMIT))).toBe('CommitNotFound');
    expect(await hostErrorCode(host.changedFiles(before, tree))).toBe('CommitNotFound');
    expect(await hostErrorCode(host.changedFiles('--output=/tmp/x', after))).toBe('CommitNotFound');
  });
});

describe('changed files of a CodeCommit repository', () => {
  let emulator: CodeCommitEmulator;
  let repositoryCount = 0;
  beforeAll(async () => {
    emulator = await startCodeCommitEmulator();
  });
  afterAll(() => emulator.stop());

  /** FILES on main, then one CreateCommit making the change described by CHANGED. */
  async function changedRepository() {
    const repositoryName = `changed-${++repositoryCount}`;
    const { gitDir } = await emulator.createRepository(repositoryName, { main: FILES });
    const before = await gitText(gitDir, ['rev-parse', 'refs/heads/main']);
    const { commitId } = await emulatorClient(emulator).send(
      new CreateCommitCommand({
        repositoryName,
        branchName: 'main',
        parentCommitId: before,
        putFiles: [
          { filePath: 'apps/x.yaml', fileContent: Buffer.from('image: x:2\n') },
          { filePath: 'apps/z.yaml', fileContent: Buffer.from('image: z:1\n') },
          { filePath: 'new/name.yaml', sourceFile: { filePath: 'old/name.yaml', isMove: true } },
        ],
        deleteFiles: [{ filePath: 'README.md' }],
      }),
    );
    emulator.calls.length = 0;
    return { repositoryName, before, after: commitId as string };
  }

  it('lists the same paths as a local repository for the same change', async () => {
    const { repositoryName, before, after } = await changedRepository();
    const host = createCodeCommitGitHost({ repositoryName, client: emulatorClient(emulator) });
    expect(await host.changedFiles(before, after)).toEqual(CHANGED);
    expect(emulator.calls.map((call) => [call.operation, call.input])).toEqual([
      ['GetDifferences', { repositoryName, beforeCommitSpecifier: before, afterCommitSpecifier: after }],
    ]);
  });

  it('follows NextToken across pages', async () => {
    const { repositoryName, before, after } = await changedRepository();
    // Pages of one difference each, so the listing has to follow every NextToken.
    const client = emulatorClient(emulator);
    client.middlewareStack.add(
      (next, context) => (args) => {
        if (context.commandName === 'GetDifferencesCommand') {
          (args.input as { MaxResults?: number }).MaxResults = 1;
        }
        return next(args);
      },
      { step: 'initialize' },
    );
    const host = createCodeCommitGitHost({ repositoryName, client });
    expect(await host.changedFiles(before, after)).toEqual(CHANGED);
    // Four changes, one of them a rename listed as two differences.
    expect(emulator.calls.filter((call) => call.operation === 'GetDifferences')).toHaveLength(5);
  });

  it('throws CommitNotFound for an unknown commit and RepositoryNotFound for a missing repository', async () => {
    const { repositoryName, before, after } = await changedRepository();
    const host = createCodeCommitGitHost({ repositoryName, client: emulatorClient(emulator) });
    expect(await hostErrorCode(host.changedFiles(UNKNOWN_COMMIT, after))).toBe('CommitNotFound');
    expect(await hostErrorCode(host.changedFiles(before, UNKNOWN_COMMIT))).toBe('CommitNotFound');
    const missing = createCodeCommitGitHost({
      repositoryName: 'no-such-repo',
      client: emulatorClient(emulator),
    });
    expect(await hostErrorCode(missing.changedFiles(before, after))).toBe('RepositoryNotFound');
  });
});
