import {
  type CodeCommitClient,
  CreateCommitCommand,
  type CreateCommitCommandInput,
  type Difference,
  GetDifferencesCommand,
  type GetDifferencesCommandInput,
  paginateGetDifferences,
} from '@aws-sdk/client-codecommit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectServiceException } from '../emulators/codecommit/assertions.ts';
import { emulatorClient } from '../emulators/codecommit/client.ts';
import { gitText } from '../emulators/codecommit/git.ts';
import { type CodeCommitEmulator, startCodeCommitEmulator } from '../emulators/codecommit/server.ts';

let emulator: CodeCommitEmulator;
let client: CodeCommitClient;
let repositoryCount = 0;

beforeAll(async () => {
  emulator = await startCodeCommitEmulator();
  client = emulatorClient(emulator);
});
afterAll(() => emulator.stop());

const FILES = {
  'apps/api/deployment.yaml': 'image: api:1\n',
  'apps/api/service.yaml': 'port: 80\n',
  'apps/web/deployment.yaml': 'image: web:1\n',
  'scripts/deploy.sh': 'echo deploy\n',
  'README.md': '# manifests\n',
};

/** A repository whose `main` holds FILES, plus a helper to commit more onto it through the API. */
async function seeded() {
  const repositoryName = `differences-${++repositoryCount}`;
  const { gitDir } = await emulator.createRepository(repositoryName, { main: FILES });
  const first = await gitText(gitDir, ['rev-parse', 'refs/heads/main']);
  const commit = async (changes: Omit<CreateCommitCommandInput, 'repositoryName' | 'branchName'>) => {
    const parentCommitId = await gitText(gitDir, ['rev-parse', 'refs/heads/main']);
    const { commitId } = await client.send(
      new CreateCommitCommand({ repositoryName, branchName: 'main', parentCommitId, ...changes }),
    );
    return commitId as string;
  };
  const blobId = (commitId: string, path: string) => gitText(gitDir, ['rev-parse', `${commitId}:${path}`]);
  return { repositoryName, first, commit, blobId };
}

const differences = (input: GetDifferencesCommandInput) =>
  client.send(new GetDifferencesCommand(input)).then((output) => output.differences ?? []);

const pathsOf = (list: Difference[]) =>
  list.map((difference) => [difference.changeType, difference.beforeBlob?.path, difference.afterBlob?.path]);

describe('GetDifferences', () => {
  it('lists added, modified and deleted files with their blobs and modes, in path order', async () => {
    const { repositoryName, first, commit, blobId } = await seeded();
    const second = await commit({
      putFiles: [
        { filePath: 'apps/api/deployment.yaml', fileContent: Buffer.from('image: api:2\n') },
        { filePath: 'apps/new.yaml', fileContent: Buffer.from('new: true\n') },
      ],
      deleteFiles: [{ filePath: 'README.md' }],
    });
    const list = await differences({
      repositoryName,
      beforeCommitSpecifier: first,
      afterCommitSpecifier: second,
    });
    expect(list).toEqual([
      {
        changeType: 'D',
        beforeBlob: { blobId: await blobId(first, 'README.md'), path: 'README.md', mode: '100644' },
      },
      {
        changeType: 'M',
        beforeBlob: {
          blobId: await blobId(first, 'apps/api/deployment.yaml'),
          path: 'apps/api/deployment.yaml',
          mode: '100644',
        },
        afterBlob: {
          blobId: await blobId(second, 'apps/api/deployment.yaml'),
          path: 'apps/api/deployment.yaml',
          mode: '100644',
        },
      },
      {
        changeType: 'A',
        afterBlob: { blobId: await blobId(second, 'apps/new.yaml'), path: 'apps/new.yaml', mode: '100644' },
      },
    ]);
  });

  it('reports a mode change as a modification and a move as a deletion plus an addition', async () => {
    const { repositoryName, first, commit } = await seeded();
    const second = await commit({
      setFileModes: [{ filePath: 'scripts/deploy.sh', fileMode: 'EXECUTABLE' }],
      putFiles: [{ filePath: 'docs/README.md', sourceFile: { filePath: 'README.md', isMove: true } }],
    });
    const list = await differences({
      repositoryName,
      beforeCommitSpecifier: first,
      afterCommitSpecifier: second,
    });
    expect(pathsOf(list)).toEqual([
      ['D', 'README.md', undefined],
      ['A', undefined, 'docs/README.md'],
      ['M', 'scripts/deploy.sh', 'scripts/deploy.sh'],
    ]);
    const modeChange = list[2];
    expect([modeChange?.beforeBlob?.mode, modeChange?.afterBlob?.mode]).toEqual(['100644', '100755']);
    expect(modeChange?.beforeBlob?.blobId).toBe(modeChange?.afterBlob?.blobId);
  });

  it('lists every file of the after commit as added when no before commit is given', async () => {
    const { repositoryName } = await seeded();
    const list = await differences({ repositoryName, afterCommitSpecifier: 'main' });
    expect(pathsOf(list)).toEqual(
      Object.keys(FILES)
        .sort()
        .map((path) => ['A', undefined, path]),
    );
  });

  it('answers no differences between a commit and itself, and accepts branch names as specifiers', async () => {
    const { repositoryName, first, commit } = await seeded();
    expect(
      await differences({ repositoryName, beforeCommitSpecifier: first, afterCommitSpecifier: first }),
    ).toEqual([]);
    await commit({ putFiles: [{ filePath: 'README.md', fileContent: Buffer.from('# changed\n') }] });
    const list = await differences({
      repositoryName,
      beforeCommitSpecifier: first,
      afterCommitSpecifier: 'refs/heads/main',
    });
    expect(pathsOf(list)).toEqual([['M', 'README.md', 'README.md']]);
  });

  it('limits the differences to a folder or a file given as a path', async () => {
    const { repositoryName, first, commit } = await seeded();
    const second = await commit({
      putFiles: [
        { filePath: 'apps/api/deployment.yaml', fileContent: Buffer.from('image: api:2\n') },
        { filePath: 'apps/web/deployment.yaml', fileContent: Buffer.from('image: web:2\n') },
      ],
      deleteFiles: [{ filePath: 'apps/api/service.yaml' }],
    });
    const between = { repositoryName, beforeCommitSpecifier: first, afterCommitSpecifier: second };
    expect(pathsOf(await differences({ ...between, afterPath: 'apps/api' }))).toEqual([
      ['M', 'apps/api/deployment.yaml', 'apps/api/deployment.yaml'],
      ['D', 'apps/api/service.yaml', undefined],
    ]);
    expect(pathsOf(await differences({ ...between, beforePath: 'apps/web/deployment.yaml' }))).toEqual([
      ['M', 'apps/web/deployment.yaml', 'apps/web/deployment.yaml'],
    ]);
    // `apps/ap` is a prefix of a folder name, not a folder: nothing is in it.
    await expectServiceException(
      differences({ ...between, afterPath: 'apps/ap' }),
      'PathDoesNotExistException',
      'apps/ap',
    );
  });

  it('follows a renamed folder with beforePath and afterPath', async () => {
    const { repositoryName, first, commit } = await seeded();
    const second = await commit({
      putFiles: [
        {
          filePath: 'services/api/deployment.yaml',
          sourceFile: { filePath: 'apps/api/deployment.yaml', isMove: true },
        },
        {
          filePath: 'services/api/service.yaml',
          sourceFile: { filePath: 'apps/api/service.yaml', isMove: true },
        },
        { filePath: 'README.md', fileContent: Buffer.from('# moved api\n') },
      ],
    });
    const list = await differences({
      repositoryName,
      beforeCommitSpecifier: first,
      afterCommitSpecifier: second,
      beforePath: 'apps/api',
      afterPath: 'services/api',
    });
    expect(pathsOf(list)).toEqual([
      ['D', 'apps/api/deployment.yaml', undefined],
      ['D', 'apps/api/service.yaml', undefined],
      ['A', undefined, 'services/api/deployment.yaml'],
      ['A', undefined, 'services/api/service.yaml'],
    ]);
  });

  it('pages with MaxResults and NextToken, and the SDK paginator collects every page', async () => {
    const { repositoryName } = await seeded();
    const first = await client.send(
      new GetDifferencesCommand({ repositoryName, afterCommitSpecifier: 'main', MaxResults: 2 }),
    );
    expect(first.differences).toHaveLength(2);
    expect(first.NextToken).toEqual(expect.any(String));

    const pages: Difference[][] = [];
    for await (const page of paginateGetDifferences(
      { client, pageSize: 2 },
      { repositoryName, afterCommitSpecifier: 'main' },
    )) {
      pages.push(page.differences ?? []);
    }
    expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
    expect(pages.flat().map((difference) => difference.afterBlob?.path)).toEqual(Object.keys(FILES).sort());
  });

  it('refuses a token from another listing and a MaxResults that is not positive', async () => {
    const { repositoryName, first, commit } = await seeded();
    await commit({ putFiles: [{ filePath: 'README.md', fileContent: Buffer.from('# changed\n') }] });
    const { NextToken } = await client.send(
      new GetDifferencesCommand({ repositoryName, afterCommitSpecifier: 'main', MaxResults: 1 }),
    );
    await expectServiceException(
      client.send(
        new GetDifferencesCommand({
          repositoryName,
          beforeCommitSpecifier: first,
          afterCommitSpecifier: 'main',
          NextToken,
        }),
      ),
      'InvalidContinuationTokenException',
    );
    await expectServiceException(
      differences({ repositoryName, afterCommitSpecifier: 'main', MaxResults: 0 }),
      'InvalidMaxResultsException',
    );
  });

  it('answers the documented errors for missing or unknown commits, paths and repositories', async () => {
    const { repositoryName, first } = await seeded();
    await expectServiceException(
      client.send(new GetDifferencesCommand({ repositoryName, beforeCommitSpecifier: first } as never)),
      'CommitRequiredException',
    );
    await expectServiceException(
      differences({ repositoryName, beforeCommitSpecifier: 'f'.repeat(40), afterCommitSpecifier: first }),
      'CommitDoesNotExistException',
    );
    await expectServiceException(
      differences({ repositoryName, afterCommitSpecifier: 'no-such-branch' }),
      'CommitDoesNotExistException',
    );
    await expectServiceException(
      differences({ repositoryName, afterCommitSpecifier: 'bad..name' }),
      'InvalidCommitException',
    );
    await expectServiceException(
      differences({ repositoryName, afterCommitSpecifier: 'main', afterPath: 'apps/../etc' }),
      'InvalidPathException',
    );
    await expectServiceException(
      differences({ repositoryName: 'no-such-repository', afterCommitSpecifier: 'main' }),
      'RepositoryDoesNotExistException',
    );
  });
});
