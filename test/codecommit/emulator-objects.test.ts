import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type CodeCommitClient,
  CreateCommitCommand,
  GetBlobCommand,
  GetFileCommand,
} from '@aws-sdk/client-codecommit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectServiceException } from '../emulators/codecommit/assertions.ts';
import { emulatorClient } from '../emulators/codecommit/client.ts';
import { git, gitText, runGit } from '../emulators/codecommit/git.ts';
import { readLooseHeader, readLooseObject, writeLooseObject } from '../emulators/codecommit/objects.ts';
import { type CodeCommitEmulator, startCodeCommitEmulator } from '../emulators/codecommit/server.ts';
import { listFiles, type TreeEntry, writeTree } from '../emulators/codecommit/trees.ts';

/**
 * The emulator writes blobs and trees as loose objects itself and reads loose objects itself; what
 * it writes must be what git writes, and what it reads what git reads (packed objects included).
 */

let emulator: CodeCommitEmulator;
let client: CodeCommitClient;
let scratch: string;
let repositoryCount = 0;
const MB = 1024 * 1024;

beforeAll(async () => {
  emulator = await startCodeCommitEmulator();
  client = emulatorClient(emulator);
  scratch = await mkdtemp(join(tmpdir(), 'codecommit-objects-'));
});
afterAll(async () => {
  await emulator.stop();
  await rm(scratch, { recursive: true, force: true });
});

async function emptyRepository(): Promise<string> {
  const gitDir = join(scratch, `plain-${++repositoryCount}.git`);
  await runGit(['init', '--bare', '--quiet', gitDir]);
  return gitDir;
}

/** What `git ls-tree -r` lists, in its order. */
async function gitListing(gitDir: string, commitId: string): Promise<Array<[string, TreeEntry]>> {
  const output = (await git(gitDir, ['ls-tree', '-r', '-z', '--full-tree', commitId])).toString('utf8');
  return output
    .split('\0')
    .filter(Boolean)
    .map((line) => {
      const [meta = '', path = ''] = line.split('\t');
      const [mode = '', type = '', objectId = ''] = meta.split(' ');
      return [path, { mode, type: type as TreeEntry['type'], objectId }];
    });
}

/** The tree git writes for `files` through an index, as the emulator did before. */
async function gitWriteTree(gitDir: string, files: Map<string, TreeEntry>): Promise<string> {
  const env = { GIT_INDEX_FILE: join(scratch, `index-${++repositoryCount}`) };
  const lines = [...files].map(([path, entry]) => `${entry.mode} ${entry.objectId}\t${path}\0`).join('');
  await git(gitDir, ['update-index', '-z', '--index-info'], { input: lines, env });
  return gitText(gitDir, ['write-tree'], { env });
}

const fsck = (gitDir: string) => git(gitDir, ['fsck', '--full', '--strict', '--no-dangling']);

describe('loose objects', () => {
  it('writes blobs git reads back byte for byte, under the id git computes', async () => {
    const gitDir = await emptyRepository();
    const contents = [Buffer.alloc(0), Buffer.from('image: app:v1\n'), randomBytes(300 * 1024)];
    for (const content of contents) {
      const blobId = await writeLooseObject(gitDir, 'blob', content);
      expect(blobId).toBe(await gitText(gitDir, ['hash-object', '--stdin'], { input: content }));
      expect(await git(gitDir, ['cat-file', 'blob', blobId])).toEqual(content);
      expect(await writeLooseObject(gitDir, 'blob', content)).toBe(blobId);
    }
    await fsck(gitDir);
  });

  it('reads the type, size and content of loose objects git wrote, large ones included', async () => {
    const gitDir = await emptyRepository();
    const large = randomBytes(2 * 1024 * 1024);
    const blobId = await gitText(gitDir, ['hash-object', '-w', '--stdin'], { input: large });
    expect(await readLooseHeader(gitDir, blobId)).toEqual({ type: 'blob', size: large.length });
    expect((await readLooseObject(gitDir, blobId))?.content).toEqual(large);
    const repetitive = Buffer.from('image: registry/app:1.0.0\n'.repeat(100_000));
    const repetitiveId = await gitText(gitDir, ['hash-object', '-w', '--stdin'], { input: repetitive });
    expect(await readLooseHeader(gitDir, repetitiveId)).toEqual({ type: 'blob', size: repetitive.length });
    const treeId = await gitWriteTree(
      gitDir,
      new Map([['big.bin', { mode: '100644', type: 'blob', objectId: blobId }]]),
    );
    expect(await readLooseHeader(gitDir, treeId)).toEqual({
      type: 'tree',
      size: Number(await gitText(gitDir, ['cat-file', '-s', treeId])),
    });
    expect(await readLooseHeader(gitDir, 'f'.repeat(40))).toBeUndefined();
  });

  it('writes the tree git writes, in git order, for nested folders, modes and non-ASCII names', async () => {
    const gitDir = await emptyRepository();
    const blob = async (text: string) => writeLooseObject(gitDir, 'blob', Buffer.from(text));
    const submodule = await gitText(gitDir, ['hash-object', '-t', 'commit', '--stdin'], {
      input:
        'tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nauthor a <a@b> 0 +0000\ncommitter a <a@b> 0 +0000\n\nx\n',
    });
    const paths = [
      'a.b',
      'a/c',
      'a-b',
      'a0',
      'a/b/c',
      'a/b.c',
      'ab',
      'é/ü.yaml',
      'Z',
      '.gitkeep',
      'x/.gitkeep',
    ];
    const files = new Map<string, TreeEntry>();
    for (const path of paths) files.set(path, { mode: '100644', type: 'blob', objectId: await blob(path) });
    files.set('run.sh', { mode: '100755', type: 'blob', objectId: await blob('#!/bin/sh\n') });
    files.set('link', { mode: '120000', type: 'blob', objectId: await blob('a.b') });
    files.set('vendor/lib', { mode: '160000', type: 'commit', objectId: submodule });

    const treeId = await writeTree(gitDir, files, scratch);
    expect(treeId).toBe(await gitWriteTree(gitDir, files));
    expect(await writeTree(gitDir, new Map(), scratch)).toBe(await gitWriteTree(gitDir, new Map()));
    await fsck(gitDir);
  });
});

describe('the emulator on its own objects', () => {
  it('commits a hundred files as objects git accepts, and lists the new commit as git does', async () => {
    const name = `objects-${++repositoryCount}`;
    const seed: Record<string, string> = {};
    for (let index = 0; index < 100; index++) seed[`apps/app-${index}/values.yaml`] = `tag: 1.0.${index}\n`;
    const { gitDir } = await emulator.createRepository(name, { main: seed });
    const head = await gitText(gitDir, ['rev-parse', 'refs/heads/main']);
    const putFiles = Object.keys(seed).map((filePath, index) => ({
      filePath,
      fileContent: Buffer.from(`tag: 2.0.${index}\n`),
    }));
    putFiles.push({ filePath: 'apps/app-1.yaml', fileContent: Buffer.from('between\n') });
    const created = await client.send(
      new CreateCommitCommand({ repositoryName: name, branchName: 'main', parentCommitId: head, putFiles }),
    );
    const commitId = created.commitId as string;
    expect(await gitText(gitDir, ['rev-parse', 'refs/heads/main'])).toBe(commitId);
    expect(await gitText(gitDir, ['rev-parse', `${commitId}^{tree}`])).toBe(created.treeId);
    await fsck(gitDir);

    // The listing the emulator kept while committing is the one git gives.
    expect([...(await listFiles(gitDir, commitId))]).toEqual(await gitListing(gitDir, commitId));
    const file = await client.send(
      new GetFileCommand({
        repositoryName: name,
        commitSpecifier: commitId,
        filePath: 'apps/app-7/values.yaml',
      }),
    );
    expect(Buffer.from(file.fileContent as Uint8Array).toString()).toBe('tag: 2.0.7\n');
    expect(file.blobId).toBe(await gitText(gitDir, ['rev-parse', `${commitId}:apps/app-7/values.yaml`]));
    expect(file.fileSize).toBe('tag: 2.0.7\n'.length);
  });

  it('reads files and blobs that are packed, which it cannot read itself', async () => {
    const name = `objects-${++repositoryCount}`;
    const { gitDir } = await emulator.createRepository(name, { main: { 'a.yaml': 'a\n' } });
    // A commit the emulator never saw, then everything packed and the loose copies dropped.
    const content = 'packed content\n';
    const blobId = await gitText(gitDir, ['hash-object', '-w', '--stdin'], { input: content });
    const medium = randomBytes(200 * 1024);
    const mediumId = await gitText(gitDir, ['hash-object', '-w', '--stdin'], { input: medium });
    const largeId = await gitText(gitDir, ['hash-object', '-w', '--stdin'], { input: 'x'.repeat(9 * MB) });
    const treeId = await gitText(gitDir, ['mktree'], {
      input: `100644 blob ${blobId}\tpacked.yaml\n100644 blob ${mediumId}\tmedium.bin\n100644 blob ${largeId}\tlarge.txt\n`,
    });
    const commitId = await gitText(gitDir, ['commit-tree', treeId, '-m', 'packed'], {
      env: {
        GIT_AUTHOR_NAME: 'a',
        GIT_AUTHOR_EMAIL: 'a@b',
        GIT_COMMITTER_NAME: 'a',
        GIT_COMMITTER_EMAIL: 'a@b',
      },
    });
    await git(gitDir, ['update-ref', 'refs/heads/packed', commitId]);
    await git(gitDir, ['repack', '-a', '-d', '-q']);
    await git(gitDir, ['prune-packed']);
    expect(await readLooseHeader(gitDir, commitId)).toBeUndefined();

    const file = await client.send(
      new GetFileCommand({ repositoryName: name, commitSpecifier: commitId, filePath: 'packed.yaml' }),
    );
    expect(Buffer.from(file.fileContent as Uint8Array).toString()).toBe(content);
    expect(file.fileSize).toBe(content.length);
    const blob = await client.send(new GetBlobCommand({ repositoryName: name, blobId }));
    expect(Buffer.from(blob.content as Uint8Array).toString()).toBe(content);
    const mediumFile = await client.send(
      new GetFileCommand({ repositoryName: name, commitSpecifier: commitId, filePath: 'medium.bin' }),
    );
    expect(Buffer.from(mediumFile.fileContent as Uint8Array)).toEqual(medium);
    await expectServiceException(
      client.send(
        new GetFileCommand({ repositoryName: name, commitSpecifier: commitId, filePath: 'large.txt' }),
      ),
      'FileTooLargeException',
    );
    await expectServiceException(
      client.send(new GetBlobCommand({ repositoryName: name, blobId: largeId })),
      'FileTooLargeException',
    );

    const created = await client.send(
      new CreateCommitCommand({
        repositoryName: name,
        branchName: 'packed',
        parentCommitId: commitId,
        putFiles: [{ filePath: 'more/new.yaml', fileContent: Buffer.from('new\n') }],
      }),
    );
    expect(await gitText(gitDir, ['ls-tree', '-r', '--name-only', created.commitId as string])).toBe(
      'large.txt\nmedium.bin\nmore/new.yaml\npacked.yaml',
    );
    await fsck(gitDir);
  });
});
