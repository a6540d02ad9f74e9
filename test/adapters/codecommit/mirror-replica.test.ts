import {
  type CodeCommitClient,
  CreateCommitCommand,
  type CreateCommitCommandInput,
} from '@aws-sdk/client-codecommit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeCommitDate, createCodeCommitMirrorReplica } from '#adapters/codecommit/mirror-replica.ts';
import { GitHostError } from '#app/ports/git-host.ts';
import { rejectionOf as rejectionOfType } from '#test/rejection.ts';
import { emulatorClient } from '../../emulators/codecommit/client.ts';
import { gitText } from '../../emulators/codecommit/git.ts';
import { type CodeCommitEmulator, startCodeCommitEmulator } from '../../emulators/codecommit/server.ts';

const rejectionOf = (call: Promise<unknown>) => rejectionOfType(call, GitHostError);

let emulator: CodeCommitEmulator;
let client: CodeCommitClient;
let repositoryCount = 0;

beforeAll(async () => {
  emulator = await startCodeCommitEmulator();
  client = emulatorClient(emulator);
});
afterAll(() => emulator.stop());

/** A mirror repository with `main` seeded, plus a helper committing onto `main` through the API. */
async function mirror(
  files: Record<string, string> = { 'apps/api.yaml': 'image: api:1\n', 'README.md': '# m\n' },
) {
  const repositoryName = `mirror-${++repositoryCount}`;
  const { gitDir } = await emulator.createRepository(repositoryName, { main: files });
  const head = () => gitText(gitDir, ['rev-parse', 'refs/heads/main']);
  const commit = async (changes: Omit<CreateCommitCommandInput, 'repositoryName' | 'branchName'>) => {
    const { commitId } = await client.send(
      new CreateCommitCommand({
        repositoryName,
        branchName: 'main',
        parentCommitId: await head(),
        ...changes,
      }),
    );
    return commitId as string;
  };
  const replica = createCodeCommitMirrorReplica({ repositoryName, client });
  return { repositoryName, gitDir, head, commit, replica };
}

describe('codeCommitDate', () => {
  it("turns git's epoch-and-offset form into ISO-8601 UTC", () => {
    expect(codeCommitDate('1484167798 -0800')).toBe('2017-01-11T20:49:58.000Z');
    expect(codeCommitDate('2026-03-10T09:31:12+01:00')).toBe('2026-03-10T08:31:12.000Z');
  });
});

describe('CodeCommit mirror replica', () => {
  it('answers branch heads, and undefined for a missing branch', async () => {
    const { replica, head } = await mirror();
    expect(replica.description).toMatch(/^codecommit:mirror-\d+$/);
    expect(await replica.branchHead('main')).toBe(await head());
    expect(await replica.branchHead('no-such-branch')).toBeUndefined();
  });

  it('throws RepositoryNotFound for a repository that does not exist', async () => {
    const replica = createCodeCommitMirrorReplica({ repositoryName: 'never-created', client });
    expect((await rejectionOf(replica.branchHead('main'))).code).toBe('RepositoryNotFound');
  });

  it('returns a commit with its parents, author, UTC dates and whole message', async () => {
    const { replica, gitDir, head, commit } = await mirror();
    const parent = await head();
    const id = await commit({
      authorName: 'Grace Hopper',
      email: 'grace@example.com',
      commitMessage: 'Hotfix on the mirror\n\nReason: outage\n',
      putFiles: [{ filePath: 'apps/api.yaml', fileContent: Buffer.from('image: api:2\n') }],
    });
    const epoch = Number(await gitText(gitDir, ['log', '-1', '--format=%ct', id]));
    expect(await replica.getCommit(id)).toEqual({
      id,
      parentIds: [parent],
      author: { name: 'Grace Hopper', email: 'grace@example.com' },
      authoredAt: new Date(epoch * 1000).toISOString(),
      committedAt: new Date(epoch * 1000).toISOString(),
      message: 'Hotfix on the mirror\n\nReason: outage\n',
    });
  });

  it('throws CommitNotFound for an unknown commit', async () => {
    const { replica } = await mirror();
    expect((await rejectionOf(replica.getCommit('a'.repeat(40)))).code).toBe('CommitNotFound');
  });

  it('lists what a commit changed against its parent, with contents after it, sorted by path', async () => {
    const { replica, commit } = await mirror();
    const id = await commit({
      putFiles: [
        { filePath: 'apps/api.yaml', fileContent: Buffer.from('image: api:2\n') },
        { filePath: 'apps/web.yaml', fileContent: Buffer.from('image: web:1\n') },
      ],
      deleteFiles: [{ filePath: 'README.md' }],
    });
    expect(await replica.commitChanges(id)).toEqual([
      { path: 'README.md', deleted: true },
      { path: 'apps/api.yaml', content: 'image: api:2\n' },
      { path: 'apps/web.yaml', content: 'image: web:1\n' },
    ]);
  });

  it('lists every file of a root commit as added, across pages of differences', async () => {
    const files = Object.fromEntries(
      Array.from({ length: 105 }, (_, index) => [
        `apps/app-${String(index).padStart(3, '0')}.yaml`,
        `n: ${index}\n`,
      ]),
    );
    const { replica, head } = await mirror(files);
    const changes = await replica.commitChanges(await head());
    expect(changes).toHaveLength(105);
    expect(changes[104]).toEqual({ path: 'apps/app-104.yaml', content: 'n: 104\n' });
  });

  it('throws NotText for a file that is not UTF-8 and InvalidPath for a symbolic link', async () => {
    const { replica, commit } = await mirror();
    const binary = await commit({
      putFiles: [{ filePath: 'logo.bin', fileContent: Buffer.from([0xff, 0xfe, 0x00]) }],
    });
    expect((await rejectionOf(replica.commitChanges(binary))).code).toBe('NotText');
    const link = await commit({
      putFiles: [
        { filePath: 'current.yaml', fileContent: Buffer.from('apps/api.yaml'), fileMode: 'SYMLINK' },
      ],
    });
    const error = await rejectionOf(replica.commitChanges(link));
    expect(error.code).toBe('InvalidPath');
    expect(error.message).toContain('current.yaml is a symbolic link');
  });
});
