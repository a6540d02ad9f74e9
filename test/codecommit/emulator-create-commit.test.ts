import {
  type CodeCommitClient,
  CreateCommitCommand,
  type CreateCommitCommandInput,
  GetRepositoryCommand,
} from '@aws-sdk/client-codecommit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectServiceException, rejectionOf } from '../emulators/codecommit/assertions.ts';
import { emulatorClient } from '../emulators/codecommit/client.ts';
import { git, gitText } from '../emulators/codecommit/git.ts';
import { type CodeCommitEmulator, startCodeCommitEmulator } from '../emulators/codecommit/server.ts';

let emulator: CodeCommitEmulator;
let client: CodeCommitClient;
let repositoryCount = 0;
const MB = 1024 * 1024;

beforeAll(async () => {
  emulator = await startCodeCommitEmulator();
  client = emulatorClient(emulator);
});
afterAll(() => emulator.stop());

async function seeded(
  files: Record<string, string> = { 'deploy/app.yaml': 'image: app:v1\n', 'README.md': '# app\n' },
) {
  const name = `commits-${++repositoryCount}`;
  const { gitDir } = await emulator.createRepository(name, { main: files });
  const head = await gitText(gitDir, ['rev-parse', 'refs/heads/main']);
  return { name, gitDir, head };
}

const put = (filePath: string, content: string, fileMode?: 'NORMAL' | 'EXECUTABLE' | 'SYMLINK') => ({
  filePath,
  fileContent: Buffer.from(content),
  ...(fileMode === undefined ? {} : { fileMode }),
});

const headOf = (gitDir: string, branch = 'main') => gitText(gitDir, ['rev-parse', `refs/heads/${branch}`]);

const filesAt = async (gitDir: string, commit: string) =>
  (await gitText(gitDir, ['ls-tree', '-r', '--name-only', commit])).split('\n').filter(Boolean);

describe('CreateCommit', () => {
  it('commits the changes on top of the parent with the author as author and committer', async () => {
    const { name, gitDir, head } = await seeded();
    const output = await client.send(
      new CreateCommitCommand({
        repositoryName: name,
        branchName: 'main',
        parentCommitId: head,
        authorName: 'Bump Bot',
        email: 'bot@example.com',
        commitMessage: 'Bump app to v2',
        putFiles: [put('deploy/app.yaml', 'image: app:v2\n'), put('deploy/new.yaml', 'kind: New\n')],
        deleteFiles: [{ filePath: 'README.md' }],
      }),
    );
    expect(await headOf(gitDir)).toBe(output.commitId);
    expect(await gitText(gitDir, ['rev-parse', `${output.commitId}^{tree}`])).toBe(output.treeId);
    const log = await gitText(gitDir, ['log', '-1', '--format=%P|%an|%ae|%cn|%ce|%B', 'refs/heads/main']);
    expect(log).toBe(`${head}|Bump Bot|bot@example.com|Bump Bot|bot@example.com|Bump app to v2`);
    const blob = (path: string) => gitText(gitDir, ['rev-parse', `${output.commitId}:${path}`]);
    expect(output.filesAdded).toEqual([
      { absolutePath: 'deploy/new.yaml', blobId: await blob('deploy/new.yaml'), fileMode: 'NORMAL' },
    ]);
    expect(output.filesUpdated).toEqual([
      { absolutePath: 'deploy/app.yaml', blobId: await blob('deploy/app.yaml'), fileMode: 'NORMAL' },
    ]);
    expect(output.filesDeleted).toEqual([
      {
        absolutePath: 'README.md',
        blobId: await gitText(gitDir, ['rev-parse', `${head}:README.md`]),
        fileMode: 'NORMAL',
      },
    ]);
    expect(await gitText(gitDir, ['show', `${output.commitId}:deploy/app.yaml`])).toBe('image: app:v2');
  });

  it('creates the branch, and makes it the default, with the first commit of an empty repository', async () => {
    const name = `commits-${++repositoryCount}`;
    const { gitDir } = await emulator.createRepository(name);
    const output = await client.send(
      new CreateCommitCommand({ repositoryName: name, branchName: 'trunk', putFiles: [put('a.txt', 'a')] }),
    );
    expect(await headOf(gitDir, 'trunk')).toBe(output.commitId);
    expect(await gitText(gitDir, ['rev-list', '--count', 'refs/heads/trunk'])).toBe('1');
    const repository = await client.send(new GetRepositoryCommand({ repositoryName: name }));
    expect(repository.repositoryMetadata?.defaultBranch).toBe('trunk');
  });

  it('drops an emptied folder, or keeps it with a .gitkeep when keepEmptyFolders is set', async () => {
    for (const keepEmptyFolders of [false, true]) {
      const { name, gitDir, head } = await seeded({ 'a/b/c.txt': 'c', 'top.txt': 't' });
      const output = await client.send(
        new CreateCommitCommand({
          repositoryName: name,
          branchName: 'main',
          parentCommitId: head,
          keepEmptyFolders,
          deleteFiles: [{ filePath: 'a/b/c.txt' }],
        }),
      );
      const expected = keepEmptyFolders ? ['a/b/.gitkeep', 'top.txt'] : ['top.txt'];
      expect(await filesAt(gitDir, output.commitId as string)).toEqual(expected);
    }
  });

  it('sets file modes and moves a file from a source path', async () => {
    const { name, gitDir, head } = await seeded({ 'run.sh': 'echo', 'old/name.txt': 'content' });
    const output = await client.send(
      new CreateCommitCommand({
        repositoryName: name,
        branchName: 'main',
        parentCommitId: head,
        setFileModes: [{ filePath: 'run.sh', fileMode: 'EXECUTABLE' }],
        putFiles: [{ filePath: 'new/name.txt', sourceFile: { filePath: 'old/name.txt', isMove: true } }],
      }),
    );
    const commit = output.commitId as string;
    expect(await gitText(gitDir, ['ls-tree', commit, 'run.sh'])).toMatch(/^100755 /);
    expect(await filesAt(gitDir, commit)).toEqual(['new/name.txt', 'run.sh']);
    expect(await gitText(gitDir, ['show', `${commit}:new/name.txt`])).toBe('content');
    expect(output.filesUpdated).toEqual([
      expect.objectContaining({ absolutePath: 'run.sh', fileMode: 'EXECUTABLE' }),
    ]);
    expect(output.filesDeleted).toEqual([expect.objectContaining({ absolutePath: 'old/name.txt' })]);
  });

  it('keeps the mode of an existing executable file it rewrites without a mode', async () => {
    const { name, gitDir, head } = await seeded({ 'run.sh': 'echo 1' });
    const first = await client.send(
      new CreateCommitCommand({
        repositoryName: name,
        branchName: 'main',
        parentCommitId: head,
        setFileModes: [{ filePath: 'run.sh', fileMode: 'EXECUTABLE' }],
      }),
    );
    const second = await client.send(
      new CreateCommitCommand({
        repositoryName: name,
        branchName: 'main',
        parentCommitId: first.commitId,
        putFiles: [put('run.sh', 'echo 2')],
      }),
    );
    expect(await gitText(gitDir, ['ls-tree', second.commitId as string, 'run.sh'])).toMatch(/^100755 /);
  });

  it('gives exactly one winner among concurrent commits on the same parent', async () => {
    const { name, gitDir, head } = await seeded();
    const attempts = Array.from({ length: 8 }, (_, index) =>
      client.send(
        new CreateCommitCommand({
          repositoryName: name,
          branchName: 'main',
          parentCommitId: head,
          putFiles: [put('deploy/app.yaml', `image: app:v${index + 2}\n`)],
        }),
      ),
    );
    const results = await Promise.allSettled(attempts);
    const winners = results.filter((result) => result.status === 'fulfilled');
    const losers = results.flatMap((result) =>
      result.status === 'rejected' ? [result.reason as Error] : [],
    );
    expect(winners).toHaveLength(1);
    expect(losers.map((error) => error.name)).toEqual(Array(7).fill('ParentCommitIdOutdatedException'));
    expect(await gitText(gitDir, ['rev-list', '--count', `${head}..refs/heads/main`])).toBe('1');
    expect(await headOf(gitDir)).toBe(
      winners[0]?.status === 'fulfilled' ? winners[0].value.commitId : undefined,
    );
  });
});

describe('CreateCommit errors', () => {
  type Case = [
    title: string,
    exception: string,
    messagePart: string,
    input: (head: string) => Partial<CreateCommitCommandInput>,
  ];
  const cases: Case[] = [
    [
      'the branch exists and no parent is given',
      'ParentCommitIdRequiredException',
      'main',
      () => ({
        parentCommitId: undefined,
      }),
    ],
    ['the parent is not the branch tip', 'ParentCommitIdOutdatedException', 'not the tip', () => ({})],
    [
      'the parent does not exist',
      'ParentCommitDoesNotExistException',
      'b'.repeat(40),
      () => ({
        parentCommitId: 'b'.repeat(40),
      }),
    ],
    [
      'the parent is not a full commit id',
      'InvalidParentCommitIdException',
      'main',
      () => ({
        parentCommitId: 'main',
      }),
    ],
    [
      'the branch does not exist',
      'BranchDoesNotExistException',
      'release',
      () => ({ branchName: 'release' }),
    ],
    ['no branch is given', 'BranchNameRequiredException', '', () => ({ branchName: '' })],
    [
      'the repository does not exist',
      'RepositoryDoesNotExistException',
      'nowhere',
      () => ({
        repositoryName: 'nowhere',
      }),
    ],
    ['no repository is given', 'RepositoryNameRequiredException', '', () => ({ repositoryName: '' })],
    ['no file changes are given', 'FileEntryRequiredException', '', () => ({ putFiles: [] })],
    [
      'the content is identical',
      'NoChangeException',
      '',
      (head) => ({
        parentCommitId: head,
        putFiles: [put('deploy/app.yaml', 'image: app:v1\n')],
      }),
    ],
    [
      'a deleted file does not exist',
      'FileDoesNotExistException',
      'gone.txt',
      (head) => ({
        parentCommitId: head,
        putFiles: [],
        deleteFiles: [{ filePath: 'gone.txt' }],
      }),
    ],
    [
      'a path is empty',
      'PathRequiredException',
      '',
      (head) => ({ parentCommitId: head, putFiles: [put('', 'x')] }),
    ],
    [
      'a path climbs out of the tree',
      'InvalidPathException',
      '../x',
      (head) => ({
        parentCommitId: head,
        putFiles: [put('../x', 'x')],
      }),
    ],
    [
      'two changes target one path',
      'SamePathRequestException',
      'a.txt',
      (head) => ({
        parentCommitId: head,
        putFiles: [put('a.txt', '1')],
        deleteFiles: [{ filePath: 'a.txt' }],
      }),
    ],
    [
      'a put path is also the folder of another',
      'PutFileEntryConflictException',
      'dir',
      (head) => ({
        parentCommitId: head,
        putFiles: [put('dir', '1'), put('dir/file', '2')],
      }),
    ],
    [
      'a file would replace a folder',
      'FileNameConflictsWithDirectoryNameException',
      'deploy',
      (head) => ({
        parentCommitId: head,
        putFiles: [put('deploy', 'x')],
      }),
    ],
    [
      'a folder would replace a file',
      'DirectoryNameConflictsWithFileNameException',
      'README.md',
      (head) => ({
        parentCommitId: head,
        putFiles: [put('README.md/inner', 'x')],
      }),
    ],
    [
      'an entry has neither content nor source',
      'SourceFileOrContentRequiredException',
      'a.txt',
      (head) => ({
        parentCommitId: head,
        putFiles: [{ filePath: 'a.txt' }],
      }),
    ],
    [
      'an entry has both content and source',
      'FileContentAndSourceFileSpecifiedException',
      'a.txt',
      (head) => ({
        parentCommitId: head,
        putFiles: [{ ...put('a.txt', 'x'), sourceFile: { filePath: 'README.md' } }],
      }),
    ],
    [
      'a mode change has no mode',
      'FileModeRequiredException',
      'README.md',
      (head) => ({
        parentCommitId: head,
        putFiles: [],
        setFileModes: [{ filePath: 'README.md', fileMode: undefined as unknown as 'NORMAL' }],
      }),
    ],
    [
      'a file mode is unknown',
      'InvalidFileModeException',
      'WRITABLE',
      (head) => ({
        parentCommitId: head,
        putFiles: [{ ...put('a.txt', 'x'), fileMode: 'WRITABLE' as 'NORMAL' }],
      }),
    ],
    [
      'a file is larger than 6 MB',
      'FileContentSizeLimitExceededException',
      'big.txt',
      (head) => ({
        parentCommitId: head,
        putFiles: [put('big.txt', 'x'.repeat(6 * MB + 1))],
      }),
    ],
    [
      'the files add up to more than 7 MB',
      'FileContentSizeLimitExceededException',
      '7 MB',
      (head) => ({
        parentCommitId: head,
        putFiles: [put('one.txt', 'x'.repeat(4 * MB)), put('two.txt', 'y'.repeat(4 * MB))],
      }),
    ],
    [
      'the message is longer than 256 KB',
      'CommitMessageLengthExceededException',
      '',
      (head) => ({
        parentCommitId: head,
        commitMessage: 'm'.repeat(256 * 1024 + 1),
      }),
    ],
    [
      'the email holds angle brackets',
      'InvalidEmailException',
      'a<b',
      (head) => ({
        parentCommitId: head,
        email: 'a<b',
      }),
    ],
    [
      'the branch name is a tag',
      'BranchNameIsTagNameException',
      'v1',
      (head) => ({
        parentCommitId: head,
        branchName: 'v1',
      }),
    ],
    [
      'a .gitkeep is the source of a copy',
      'RestrictedSourceFileException',
      '.gitkeep',
      (head) => ({
        parentCommitId: head,
        putFiles: [{ filePath: 'b/.gitkeep', sourceFile: { filePath: 'a/.gitkeep' } }],
      }),
    ],
  ];

  /** One repository for every case: a failed call leaves it untouched, which each case checks. */
  let shared: { name: string; gitDir: string; seed: string; tip: string };
  beforeAll(async () => {
    const { name, gitDir, head: seed } = await seeded();
    await git(gitDir, ['tag', 'v1', seed]);
    // A second commit, so that the seed commit is an outdated but existing parent.
    const { commitId: tip } = await client.send(
      new CreateCommitCommand({
        repositoryName: name,
        branchName: 'main',
        parentCommitId: seed,
        putFiles: [put('tip.txt', 'tip')],
      }),
    );
    shared = { name, gitDir, seed, tip: tip as string };
  });

  it.each(cases)(
    'throws when %s (%s) and leaves the branch alone',
    async (_, exception, messagePart, input) => {
      const { name, gitDir, seed, tip } = shared;
      const overrides = input(tip);
      const request: CreateCommitCommandInput = {
        repositoryName: name,
        branchName: 'main',
        parentCommitId: seed,
        putFiles: [put('deploy/app.yaml', 'image: app:v2\n')],
        ...overrides,
      };
      if ('parentCommitId' in overrides && overrides.parentCommitId === undefined)
        delete request.parentCommitId;
      await expectServiceException(client.send(new CreateCommitCommand(request)), exception, messagePart);
      expect(await headOf(gitDir)).toBe(tip);
    },
  );

  it('answers a malformed blob with SerializationException', async () => {
    const { name, head } = await seeded();
    const response = await fetch(emulator.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'CodeCommit_20150413.CreateCommit',
        authorization:
          'AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/codecommit/aws4_request, Signature=0',
      },
      body: JSON.stringify({
        repositoryName: name,
        branchName: 'main',
        parentCommitId: head,
        putFiles: [{ filePath: 'a.txt', fileContent: 'not base64!' }],
      }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ __type: 'SerializationException' });
  });

  it('reports a parent from another branch as not existing in the branch', async () => {
    const { name, gitDir, head } = await seeded();
    const { commitId: side } = await client.send(
      new CreateCommitCommand({
        repositoryName: name,
        branchName: 'main',
        parentCommitId: head,
        putFiles: [put('side.txt', 'side')],
      }),
    );
    await git(gitDir, ['update-ref', 'refs/heads/side', side as string]);
    await git(gitDir, ['update-ref', 'refs/heads/main', head]);
    const error = await rejectionOf(
      client.send(
        new CreateCommitCommand({
          repositoryName: name,
          branchName: 'main',
          parentCommitId: side,
          putFiles: [put('x.txt', 'x')],
        }),
      ),
    );
    expect(error.name).toBe('ParentCommitDoesNotExistException');
  });
});
