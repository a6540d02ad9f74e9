import { type CodeCommitClient, GetFolderCommand } from '@aws-sdk/client-codecommit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectServiceException } from '../emulators/codecommit/assertions.ts';
import { emulatorClient } from '../emulators/codecommit/client.ts';
import { gitText } from '../emulators/codecommit/git.ts';
import { type CodeCommitEmulator, startCodeCommitEmulator } from '../emulators/codecommit/server.ts';

let emulator: CodeCommitEmulator;
let client: CodeCommitClient;
let gitDir: string;
const REPOSITORY = 'folders';

beforeAll(async () => {
  emulator = await startCodeCommitEmulator();
  client = emulatorClient(emulator);
  ({ gitDir } = await emulator.createRepository(REPOSITORY, {
    main: {
      'README.md': '# app\n',
      'previews/_template/values.yaml': 'image: app:1\n',
      'previews/pr-1/values.yaml': 'image: app:2\n',
      'previews/pr-1/chart/Chart.yaml': 'name: app\n',
    },
  }));
});
afterAll(() => emulator.stop());

describe('GetFolder', () => {
  it('lists the direct files and sub-folders of a folder with absolute and relative paths', async () => {
    const head = await gitText(gitDir, ['rev-parse', 'refs/heads/main']);
    const output = await client.send(
      new GetFolderCommand({
        repositoryName: REPOSITORY,
        folderPath: 'previews/pr-1',
        commitSpecifier: 'main',
      }),
    );
    expect(output).toMatchObject({
      commitId: head,
      folderPath: 'previews/pr-1',
      treeId: await gitText(gitDir, ['rev-parse', `${head}:previews/pr-1`]),
      subFolders: [
        {
          treeId: await gitText(gitDir, ['rev-parse', `${head}:previews/pr-1/chart`]),
          absolutePath: 'previews/pr-1/chart',
          relativePath: 'chart',
        },
      ],
      files: [
        {
          blobId: await gitText(gitDir, ['rev-parse', `${head}:previews/pr-1/values.yaml`]),
          absolutePath: 'previews/pr-1/values.yaml',
          relativePath: 'values.yaml',
          fileMode: 'NORMAL',
        },
      ],
      symbolicLinks: [],
      subModules: [],
    });
  });

  it('lists the root for / and at a commit id', async () => {
    const head = await gitText(gitDir, ['rev-parse', 'refs/heads/main']);
    const output = await client.send(
      new GetFolderCommand({ repositoryName: REPOSITORY, folderPath: '/', commitSpecifier: head }),
    );
    expect(output.files?.map((file) => file.absolutePath)).toEqual(['README.md']);
    expect(output.subFolders?.map((folder) => folder.relativePath)).toEqual(['previews']);
  });

  it('refuses a folder that does not exist, and a file as a folder', async () => {
    for (const folderPath of ['previews/pr-9', 'README.md']) {
      await expectServiceException(
        client.send(
          new GetFolderCommand({ repositoryName: REPOSITORY, folderPath, commitSpecifier: 'main' }),
        ),
        'FolderDoesNotExistException',
      );
    }
  });

  it('refuses a branch that does not exist', async () => {
    await expectServiceException(
      client.send(
        new GetFolderCommand({ repositoryName: REPOSITORY, folderPath: '/', commitSpecifier: 'gone' }),
      ),
      'CommitDoesNotExistException',
    );
  });
});
