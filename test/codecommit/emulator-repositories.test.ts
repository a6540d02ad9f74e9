import {
  type CodeCommitClient,
  CreateBranchCommand,
  CreateRepositoryCommand,
  GetBranchCommand,
  GetRepositoryCommand,
} from '@aws-sdk/client-codecommit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectServiceException } from '../emulators/codecommit/assertions.ts';
import { emulatorClient } from '../emulators/codecommit/client.ts';
import { gitText } from '../emulators/codecommit/git.ts';
import { type CodeCommitEmulator, startCodeCommitEmulator } from '../emulators/codecommit/server.ts';

let emulator: CodeCommitEmulator;
let client: CodeCommitClient;
let repositoryCount = 0;
const newName = (): string => `repo-${++repositoryCount}`;

beforeAll(async () => {
  emulator = await startCodeCommitEmulator();
  client = emulatorClient(emulator);
});
afterAll(() => emulator.stop());

describe('CreateRepository', () => {
  it('creates a bare git repository and returns its metadata', async () => {
    const name = newName();
    const output = await client.send(
      new CreateRepositoryCommand({ repositoryName: name, repositoryDescription: 'manifests' }),
    );
    expect(output.repositoryMetadata).toMatchObject({
      repositoryName: name,
      repositoryDescription: 'manifests',
      Arn: `arn:aws:codecommit:us-east-1:123456789012:${name}`,
      cloneUrlHttp: `https://git-codecommit.us-east-1.amazonaws.com/v1/repos/${name}`,
    });
    expect(output.repositoryMetadata?.creationDate).toBeInstanceOf(Date);
    expect(output.repositoryMetadata?.defaultBranch).toBeUndefined();
    expect(await gitText(emulator.gitDir(name), ['rev-parse', '--is-bare-repository'])).toBe('true');
  });

  it('throws RepositoryNameExistsException for a taken name', async () => {
    const name = newName();
    await emulator.createRepository(name);
    await expectServiceException(
      client.send(new CreateRepositoryCommand({ repositoryName: name })),
      'RepositoryNameExistsException',
      name,
    );
  });

  it.each([
    ['has a space', 'bad name'],
    ['ends in .git', 'manifests.git'],
    ['is longer than 100 characters', 'x'.repeat(101)],
  ])('throws InvalidRepositoryNameException when the name %s', async (_, repositoryName) => {
    await expectServiceException(
      client.send(new CreateRepositoryCommand({ repositoryName })),
      'InvalidRepositoryNameException',
      repositoryName,
    );
  });

  it('throws RepositoryNameRequiredException without a name', async () => {
    await expectServiceException(
      client.send(new CreateRepositoryCommand({ repositoryName: undefined as unknown as string })),
      'RepositoryNameRequiredException',
    );
  });
});

describe('GetRepository', () => {
  it('reports the first seeded branch as the default branch', async () => {
    const name = newName();
    await emulator.createRepository(name, { trunk: { 'a.txt': 'a' }, other: { 'b.txt': 'b' } });
    const output = await client.send(new GetRepositoryCommand({ repositoryName: name }));
    expect(output.repositoryMetadata).toMatchObject({ repositoryName: name, defaultBranch: 'trunk' });
  });

  it('throws RepositoryDoesNotExistException for an unknown repository', async () => {
    await expectServiceException(
      client.send(new GetRepositoryCommand({ repositoryName: 'missing' })),
      'RepositoryDoesNotExistException',
      'missing',
    );
  });
});

describe('GetBranch', () => {
  it('returns the commit at the head of the branch', async () => {
    const name = newName();
    const { gitDir } = await emulator.createRepository(name, { main: { 'a.txt': 'a' } });
    const output = await client.send(new GetBranchCommand({ repositoryName: name, branchName: 'main' }));
    expect(output.branch).toEqual({
      branchName: 'main',
      commitId: await gitText(gitDir, ['rev-parse', 'refs/heads/main']),
    });
  });

  it('throws BranchDoesNotExistException for an unknown branch', async () => {
    const name = newName();
    await emulator.createRepository(name, { main: { 'a.txt': 'a' } });
    await expectServiceException(
      client.send(new GetBranchCommand({ repositoryName: name, branchName: 'release' })),
      'BranchDoesNotExistException',
      'release',
    );
  });

  it('throws BranchNameRequiredException without a branch name', async () => {
    const name = newName();
    await emulator.createRepository(name);
    await expectServiceException(
      client.send(new GetBranchCommand({ repositoryName: name })),
      'BranchNameRequiredException',
    );
  });

  it('throws InvalidBranchNameException for a name git refuses', async () => {
    const name = newName();
    await emulator.createRepository(name);
    await expectServiceException(
      client.send(new GetBranchCommand({ repositoryName: name, branchName: 'a..b' })),
      'InvalidBranchNameException',
      'a..b',
    );
  });

  it('throws RepositoryNameRequiredException without a repository name', async () => {
    await expectServiceException(
      client.send(new GetBranchCommand({ branchName: 'main' })),
      'RepositoryNameRequiredException',
    );
  });
});

describe('CreateBranch', () => {
  it('points a new branch at the commit', async () => {
    const name = newName();
    const { gitDir } = await emulator.createRepository(name, { main: { 'a.txt': 'a' } });
    const head = await gitText(gitDir, ['rev-parse', 'refs/heads/main']);
    await client.send(
      new CreateBranchCommand({ repositoryName: name, branchName: 'feature/x', commitId: head }),
    );
    expect(await gitText(gitDir, ['rev-parse', 'refs/heads/feature/x'])).toBe(head);
    const repository = await client.send(new GetRepositoryCommand({ repositoryName: name }));
    expect(repository.repositoryMetadata?.defaultBranch).toBe('main');
  });

  it('throws BranchNameExistsException for an existing branch', async () => {
    const name = newName();
    const { gitDir } = await emulator.createRepository(name, { main: { 'a.txt': 'a' } });
    const head = await gitText(gitDir, ['rev-parse', 'refs/heads/main']);
    await expectServiceException(
      client.send(new CreateBranchCommand({ repositoryName: name, branchName: 'main', commitId: head })),
      'BranchNameExistsException',
      'main',
    );
  });

  it('throws CommitDoesNotExistException for an unknown commit', async () => {
    const name = newName();
    await emulator.createRepository(name, { main: { 'a.txt': 'a' } });
    const commitId = 'f'.repeat(40);
    await expectServiceException(
      client.send(new CreateBranchCommand({ repositoryName: name, branchName: 'b', commitId })),
      'CommitDoesNotExistException',
      commitId,
    );
  });

  it('throws InvalidCommitIdException for something that is not a full commit id', async () => {
    const name = newName();
    await emulator.createRepository(name, { main: { 'a.txt': 'a' } });
    await expectServiceException(
      client.send(new CreateBranchCommand({ repositoryName: name, branchName: 'b', commitId: 'main' })),
      'InvalidCommitIdException',
      'main',
    );
  });

  it('throws CommitIdRequiredException without a commit id', async () => {
    const name = newName();
    await emulator.createRepository(name, { main: { 'a.txt': 'a' } });
    await expectServiceException(
      client.send(new CreateBranchCommand({ repositoryName: name, branchName: 'b', commitId: '' })),
      'CommitIdRequiredException',
    );
  });
});
