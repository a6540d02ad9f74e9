import {
  type CodeCommitClient,
  CreateCommitCommand,
  GetBlobCommand,
  GetCommitCommand,
} from '@aws-sdk/client-codecommit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectServiceException } from '../emulators/codecommit/assertions.ts';
import { emulatorClient } from '../emulators/codecommit/client.ts';
import { gitText } from '../emulators/codecommit/git.ts';
import { type CodeCommitEmulator, startCodeCommitEmulator } from '../emulators/codecommit/server.ts';
import { writeBlob } from '../emulators/codecommit/trees.ts';

let emulator: CodeCommitEmulator;
let client: CodeCommitClient;
let repositoryCount = 0;

beforeAll(async () => {
  emulator = await startCodeCommitEmulator();
  client = emulatorClient(emulator);
});
afterAll(() => emulator.stop());

/** A repository whose `main` has a seed commit and a second commit made through CreateCommit. */
async function twoCommits() {
  const repositoryName = `commits-${++repositoryCount}`;
  const { gitDir } = await emulator.createRepository(repositoryName, {
    main: { 'deploy/app.yaml': 'image: app:v1\n' },
  });
  const first = await gitText(gitDir, ['rev-parse', 'refs/heads/main']);
  const { commitId } = await client.send(
    new CreateCommitCommand({
      repositoryName,
      branchName: 'main',
      parentCommitId: first,
      authorName: 'Ada Lovelace',
      email: 'ada@example.com',
      commitMessage: 'Bump app to v2\n\nFlowkeeper-Event: 42\n',
      putFiles: [{ filePath: 'deploy/app.yaml', fileContent: Buffer.from('image: app:v2\n') }],
    }),
  );
  return { repositoryName, gitDir, first, second: commitId as string };
}

const getCommit = (repositoryName: string, commitId: string | undefined) =>
  client.send(new GetCommitCommand({ repositoryName, commitId: commitId as string }));

const getBlob = (repositoryName: string, blobId: string | undefined) =>
  client.send(new GetBlobCommand({ repositoryName, blobId: blobId as string }));

describe('GetCommit', () => {
  it('returns the commit with its tree, parent, author, committer and whole message', async () => {
    const { repositoryName, gitDir, first, second } = await twoCommits();
    const { commit } = await getCommit(repositoryName, second);
    const epoch = await gitText(gitDir, ['log', '-1', '--format=%at', second]);
    expect(commit).toEqual({
      commitId: second,
      treeId: await gitText(gitDir, ['rev-parse', `${second}^{tree}`]),
      parents: [first],
      message: 'Bump app to v2\n\nFlowkeeper-Event: 42\n',
      author: {
        name: 'Ada Lovelace',
        email: 'ada@example.com',
        date: expect.stringMatching(/^\d+ [+-]\d{4}$/),
      },
      committer: { name: 'Ada Lovelace', email: 'ada@example.com', date: expect.any(String) },
      additionalData: '',
    });
    expect(commit?.author?.date?.split(' ')[0]).toBe(epoch);
  });

  it('returns a root commit without parents', async () => {
    const { repositoryName, first } = await twoCommits();
    const { commit } = await getCommit(repositoryName, first);
    expect(commit?.parents).toEqual([]);
    expect(commit?.author?.name).toBe('Seed');
  });

  it('throws CommitIdRequiredException without a commit id', async () => {
    const { repositoryName } = await twoCommits();
    await expectServiceException(getCommit(repositoryName, undefined), 'CommitIdRequiredException');
  });

  it('throws InvalidCommitIdException for an abbreviated id or a branch name', async () => {
    const { repositoryName, second } = await twoCommits();
    await expectServiceException(getCommit(repositoryName, second.slice(0, 7)), 'InvalidCommitIdException');
    await expectServiceException(getCommit(repositoryName, 'main'), 'InvalidCommitIdException');
  });

  it('throws CommitIdDoesNotExistException for an unknown id and for a blob id', async () => {
    const { repositoryName, gitDir, second } = await twoCommits();
    await expectServiceException(getCommit(repositoryName, 'f'.repeat(40)), 'CommitIdDoesNotExistException');
    const blobId = await gitText(gitDir, ['rev-parse', `${second}:deploy/app.yaml`]);
    await expectServiceException(getCommit(repositoryName, blobId), 'CommitIdDoesNotExistException');
  });

  it('throws RepositoryDoesNotExistException for an unknown repository', async () => {
    await expectServiceException(
      getCommit('no-such-repository', 'f'.repeat(40)),
      'RepositoryDoesNotExistException',
    );
  });
});

describe('GetBlob', () => {
  it('returns the exact bytes of a blob, binary ones included', async () => {
    const { repositoryName, gitDir, second } = await twoCommits();
    const blobId = await gitText(gitDir, ['rev-parse', `${second}:deploy/app.yaml`]);
    const { content } = await getBlob(repositoryName, blobId);
    expect(Buffer.from(content ?? []).toString('utf8')).toBe('image: app:v2\n');

    const bytes = Buffer.from([0, 255, 254, 10, 13, 0x80]);
    const binaryId = await writeBlob(gitDir, bytes);
    expect(Buffer.from((await getBlob(repositoryName, binaryId)).content ?? [])).toEqual(bytes);
  });

  it('throws BlobIdRequiredException without a blob id', async () => {
    const { repositoryName } = await twoCommits();
    await expectServiceException(getBlob(repositoryName, undefined), 'BlobIdRequiredException');
  });

  it('throws InvalidBlobIdException for a malformed id', async () => {
    const { repositoryName } = await twoCommits();
    await expectServiceException(getBlob(repositoryName, 'not-a-blob'), 'InvalidBlobIdException');
  });

  it('throws BlobIdDoesNotExistException for an unknown id and for a commit id', async () => {
    const { repositoryName, second } = await twoCommits();
    await expectServiceException(getBlob(repositoryName, 'e'.repeat(40)), 'BlobIdDoesNotExistException');
    await expectServiceException(getBlob(repositoryName, second), 'BlobIdDoesNotExistException');
  });

  it('throws FileTooLargeException for a blob over 6 MB', async () => {
    const { repositoryName, gitDir } = await twoCommits();
    const blobId = await writeBlob(gitDir, Buffer.alloc(6 * 1024 * 1024 + 1, 'a'));
    await expectServiceException(getBlob(repositoryName, blobId), 'FileTooLargeException');
  });

  it('throws RepositoryDoesNotExistException for an unknown repository', async () => {
    await expectServiceException(
      getBlob('no-such-repository', 'e'.repeat(40)),
      'RepositoryDoesNotExistException',
    );
  });
});
