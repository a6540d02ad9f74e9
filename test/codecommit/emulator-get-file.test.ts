import { type CodeCommitClient, CreateCommitCommand, GetFileCommand } from '@aws-sdk/client-codecommit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectServiceException } from '../emulators/codecommit/assertions.ts';
import { emulatorClient } from '../emulators/codecommit/client.ts';
import { git, gitText } from '../emulators/codecommit/git.ts';
import { type CodeCommitEmulator, startCodeCommitEmulator } from '../emulators/codecommit/server.ts';

let emulator: CodeCommitEmulator;
let client: CodeCommitClient;
let repositoryCount = 0;

beforeAll(async () => {
  emulator = await startCodeCommitEmulator();
  client = emulatorClient(emulator);
});
afterAll(() => emulator.stop());

/** A repository whose `main` has two commits: `v1` then `v2` of `deploy/app.yaml`. */
async function twoCommitRepository() {
  const name = `files-${++repositoryCount}`;
  const { gitDir } = await emulator.createRepository(name, {
    main: { 'deploy/app.yaml': 'image: app:v1\n', 'README.md': '# app\n' },
  });
  const first = await gitText(gitDir, ['rev-parse', 'refs/heads/main']);
  const { commitId: second } = await client.send(
    new CreateCommitCommand({
      repositoryName: name,
      branchName: 'main',
      parentCommitId: first,
      putFiles: [{ filePath: 'deploy/app.yaml', fileContent: Buffer.from('image: app:v2\n') }],
    }),
  );
  return { name, gitDir, first, second: second as string };
}

const text = (bytes: Uint8Array | undefined): string => Buffer.from(bytes ?? []).toString('utf8');

describe('GetFile', () => {
  it('returns the file at the head of a branch with its blob, mode and size', async () => {
    const { name, gitDir, second } = await twoCommitRepository();
    const output = await client.send(
      new GetFileCommand({ repositoryName: name, commitSpecifier: 'main', filePath: 'deploy/app.yaml' }),
    );
    expect(output).toMatchObject({
      commitId: second,
      blobId: await gitText(gitDir, ['rev-parse', `${second}:deploy/app.yaml`]),
      filePath: 'deploy/app.yaml',
      fileMode: 'NORMAL',
      fileSize: Buffer.byteLength('image: app:v2\n'),
    });
    expect(output.fileContent).toBeInstanceOf(Uint8Array);
    expect(text(output.fileContent)).toBe('image: app:v2\n');
  });

  it('returns the file at an older commit given by its id', async () => {
    const { name, first } = await twoCommitRepository();
    const output = await client.send(
      new GetFileCommand({ repositoryName: name, commitSpecifier: first, filePath: 'deploy/app.yaml' }),
    );
    expect(output.commitId).toBe(first);
    expect(text(output.fileContent)).toBe('image: app:v1\n');
  });

  it('accepts a full ref, a tag, a leading slash, and no specifier (the default branch)', async () => {
    const { name, gitDir, first, second } = await twoCommitRepository();
    await git(gitDir, ['tag', 'v1', first]);
    const read = (commitSpecifier: string | undefined, filePath = 'deploy/app.yaml') =>
      client.send(new GetFileCommand({ repositoryName: name, commitSpecifier, filePath }));
    expect((await read('refs/heads/main')).commitId).toBe(second);
    expect((await read('v1')).commitId).toBe(first);
    expect((await read(undefined)).commitId).toBe(second);
    expect(text((await read('main', '/deploy/app.yaml')).fileContent)).toBe('image: app:v2\n');
  });

  it('reports an executable file as EXECUTABLE', async () => {
    const { name, second } = await twoCommitRepository();
    await client.send(
      new CreateCommitCommand({
        repositoryName: name,
        branchName: 'main',
        parentCommitId: second,
        putFiles: [{ filePath: 'run.sh', fileContent: Buffer.from('#!/bin/sh\n'), fileMode: 'EXECUTABLE' }],
      }),
    );
    const output = await client.send(new GetFileCommand({ repositoryName: name, filePath: 'run.sh' }));
    expect(output.fileMode).toBe('EXECUTABLE');
  });

  it('returns bytes exactly, including invalid UTF-8', async () => {
    const name = `files-${++repositoryCount}`;
    const bytes = Uint8Array.from([0xef, 0xbb, 0xbf, 0x61, 0xff, 0x00, 0x62]);
    await emulator.createRepository(name, { main: { 'blob.bin': bytes } });
    const output = await client.send(new GetFileCommand({ repositoryName: name, filePath: 'blob.bin' }));
    expect([...(output.fileContent ?? [])]).toEqual([...bytes]);
  });

  it('throws FileDoesNotExistException for a missing file or a folder', async () => {
    const { name } = await twoCommitRepository();
    for (const filePath of ['deploy/other.yaml', 'deploy']) {
      await expectServiceException(
        client.send(new GetFileCommand({ repositoryName: name, commitSpecifier: 'main', filePath })),
        'FileDoesNotExistException',
        filePath,
      );
    }
  });

  it('throws CommitDoesNotExistException for an unknown branch or commit', async () => {
    const { name } = await twoCommitRepository();
    for (const commitSpecifier of ['release', 'a'.repeat(40)]) {
      await expectServiceException(
        client.send(new GetFileCommand({ repositoryName: name, commitSpecifier, filePath: 'README.md' })),
        'CommitDoesNotExistException',
        commitSpecifier,
      );
    }
  });

  it('throws CommitDoesNotExistException without a specifier when the repository has no default branch', async () => {
    const name = `files-${++repositoryCount}`;
    await emulator.createRepository(name);
    await expectServiceException(
      client.send(new GetFileCommand({ repositoryName: name, filePath: 'README.md' })),
      'CommitDoesNotExistException',
      'default branch',
    );
  });

  it('throws InvalidCommitException for revision syntax and for an object that is not a commit', async () => {
    const { name, gitDir, second } = await twoCommitRepository();
    const blobId = await gitText(gitDir, ['rev-parse', `${second}:README.md`]);
    for (const commitSpecifier of ['main~1', blobId]) {
      await expectServiceException(
        client.send(new GetFileCommand({ repositoryName: name, commitSpecifier, filePath: 'README.md' })),
        'InvalidCommitException',
        commitSpecifier,
      );
    }
  });

  it('throws PathRequiredException without a path and InvalidPathException for a path leaving the tree', async () => {
    const { name } = await twoCommitRepository();
    await expectServiceException(
      client.send(new GetFileCommand({ repositoryName: name, filePath: '' })),
      'PathRequiredException',
    );
    await expectServiceException(
      client.send(new GetFileCommand({ repositoryName: name, filePath: 'deploy/../README.md' })),
      'InvalidPathException',
      'deploy/../README.md',
    );
  });

  it('throws RepositoryDoesNotExistException and RepositoryNameRequiredException', async () => {
    await expectServiceException(
      client.send(new GetFileCommand({ repositoryName: 'nowhere', filePath: 'README.md' })),
      'RepositoryDoesNotExistException',
      'nowhere',
    );
    await expectServiceException(
      client.send(new GetFileCommand({ repositoryName: '', filePath: 'README.md' })),
      'RepositoryNameRequiredException',
    );
  });

  it('throws FileTooLargeException for a file over 6 MB and returns one of exactly 6 MB', async () => {
    const name = `files-${++repositoryCount}`;
    const limit = 6 * 1024 * 1024;
    await emulator.createRepository(name, {
      main: { 'big.txt': 'x'.repeat(limit + 1), 'limit.txt': 'y'.repeat(limit) },
    });
    await expectServiceException(
      client.send(new GetFileCommand({ repositoryName: name, filePath: 'big.txt' })),
      'FileTooLargeException',
      'big.txt',
    );
    const output = await client.send(new GetFileCommand({ repositoryName: name, filePath: 'limit.txt' }));
    expect(output.fileSize).toBe(limit);
  });
});
