import { CreateCommitCommand } from '@aws-sdk/client-codecommit';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createCodeCommitGitHost } from '#adapters/codecommit/git-host.ts';
import { type CommitRequest, GitHostError } from '#app/ports/git-host.ts';
import { rejectionOf } from '../../emulators/codecommit/assertions.ts';
import { emulatorClient } from '../../emulators/codecommit/client.ts';
import { git, gitText } from '../../emulators/codecommit/git.ts';
import { type CodeCommitEmulator, startCodeCommitEmulator } from '../../emulators/codecommit/server.ts';

let emulator: CodeCommitEmulator;
let repositoryCount = 0;
const MB = 1024 * 1024;

beforeAll(async () => {
  emulator = await startCodeCommitEmulator();
});
afterAll(() => emulator.stop());
afterEach(() => {
  emulator.faults.reset();
  emulator.calls.length = 0;
});

const MANIFEST = 'apiVersion: apps/v1\nkind: Deployment\nspec:\n  image: registry/app:1.0.0 # pinned\n';

async function seeded(files: Record<string, string | Uint8Array> = {}) {
  const repositoryName = `host-${++repositoryCount}`;
  const { gitDir } = await emulator.createRepository(repositoryName, {
    main: { 'apps/app/deployment.yaml': MANIFEST, 'apps/other.yaml': 'other: true\n', ...files },
  });
  const host = createCodeCommitGitHost({ repositoryName, client: emulatorClient(emulator) });
  const head = await gitText(gitDir, ['rev-parse', 'refs/heads/main']);
  return { repositoryName, gitDir, host, head };
}

const bumpRequest = (parentCommitId: string, content: string): CommitRequest => ({
  branch: 'main',
  parentCommitId,
  changes: [{ path: 'apps/app/deployment.yaml', content }],
  message: 'Bump app to 1.1.0',
  author: { name: 'Flowkeeper', email: 'flowkeeper@example.com' },
  clientToken: 'event-1',
});

async function hostErrorOf(call: Promise<unknown>): Promise<GitHostError> {
  const error = await rejectionOf(call);
  expect(error).toBeInstanceOf(GitHostError);
  return error as unknown as GitHostError;
}

const commitCalls = () => emulator.calls.filter((call) => call.operation === 'CreateCommit');

describe('CodeCommit git host', () => {
  it('names itself after the repository', () => {
    expect(createCodeCommitGitHost({ repositoryName: 'app-manifests' }).description).toBe(
      'codecommit:app-manifests',
    );
  });

  it('reads a file at the branch head and at a given commit', async () => {
    const { host, head } = await seeded();
    const read = await host.readFile('main', 'apps/app/deployment.yaml');
    expect(read).toEqual({ content: MANIFEST, commitId: head });
    const committed = await host.commit(bumpRequest(head, MANIFEST.replace('1.0.0', '1.1.0')));
    expect(committed.status).toBe('committed');
    expect(await host.readFile('main', 'apps/app/deployment.yaml', head)).toEqual({
      content: MANIFEST,
      commitId: head,
    });
  });

  it('commits a read-and-edit as one commit holding only the changed file, in two API calls', async () => {
    const { host, gitDir, head } = await seeded();
    const read = await host.readFile('main', 'apps/app/deployment.yaml');
    const edited = read.content.replace('1.0.0', '1.1.0');
    const result = await host.commit(bumpRequest(read.commitId, edited));

    const newHead = await gitText(gitDir, ['rev-parse', 'refs/heads/main']);
    expect(result).toEqual({ status: 'committed', commitId: newHead });
    expect(await gitText(gitDir, ['rev-list', '--count', `${head}..${newHead}`])).toBe('1');
    expect(await gitText(gitDir, ['log', '-1', '--format=%P|%an|%ae|%s', newHead])).toBe(
      `${head}|Flowkeeper|flowkeeper@example.com|Bump app to 1.1.0`,
    );
    expect(await gitText(gitDir, ['diff-tree', '--no-commit-id', '--name-only', '-r', newHead])).toBe(
      'apps/app/deployment.yaml',
    );
    expect(`${await gitText(gitDir, ['show', `${newHead}:apps/app/deployment.yaml`])}\n`).toBe(edited);
    expect(emulator.calls.map((call) => [call.operation, call.status])).toEqual([
      ['GetFile', 200],
      ['CreateCommit', 200],
    ]);
  });

  it('returns conflict when the branch moved after the read', async () => {
    const { repositoryName, host, gitDir } = await seeded();
    const read = await host.readFile('main', 'apps/app/deployment.yaml');
    emulator.faults.moveBranchBeforeNextCommit({ repository: repositoryName, branch: 'main' });
    const result = await host.commit(bumpRequest(read.commitId, MANIFEST.replace('1.0.0', '1.1.0')));
    expect(result).toEqual({ status: 'conflict' });
    expect(await gitText(gitDir, ['log', '-1', '--format=%an', 'refs/heads/main'])).toBe('Concurrent Writer');
    expect(await gitText(gitDir, ['show', 'refs/heads/main:apps/app/deployment.yaml'])).toContain('1.0.0');
  });

  it('returns unchanged when the content is already identical', async () => {
    const { host, gitDir, head } = await seeded();
    expect(await host.commit(bumpRequest(head, MANIFEST))).toEqual({ status: 'unchanged' });
    expect(await gitText(gitDir, ['rev-parse', 'refs/heads/main'])).toBe(head);
  });

  it('returns unchanged for a request without changes, without calling the service', async () => {
    const { host, head } = await seeded();
    expect(await host.commit({ ...bumpRequest(head, ''), changes: [] })).toEqual({ status: 'unchanged' });
    expect(emulator.calls).toEqual([]);
  });

  it('lets exactly one of two concurrent commits on the same parent win', async () => {
    const { host, gitDir, head } = await seeded();
    const results = await Promise.all([
      host.commit(bumpRequest(head, MANIFEST.replace('1.0.0', '1.1.0'))),
      host.commit(bumpRequest(head, MANIFEST.replace('1.0.0', '1.2.0'))),
    ]);
    expect(results.map((result) => result.status).sort()).toEqual(['committed', 'conflict']);
    expect(await gitText(gitDir, ['rev-list', '--count', `${head}..refs/heads/main`])).toBe('1');
  });

  it('rides out throttling and server faults through the SDK retries', async () => {
    const { host, gitDir, head } = await seeded();
    emulator.faults.failSequence(['throttling', 'internalFailure'], 'CreateCommit');
    const result = await host.commit(bumpRequest(head, MANIFEST.replace('1.0.0', '1.1.0')));
    expect(result).toEqual({
      status: 'committed',
      commitId: await gitText(gitDir, ['rev-parse', 'refs/heads/main']),
    });
    expect(commitCalls().map((call) => call.status)).toEqual([400, 500, 200]);
  });

  it('throws RepositoryNotFound naming the repository', async () => {
    const host = createCodeCommitGitHost({ repositoryName: 'absent', client: emulatorClient(emulator) });
    const error = await hostErrorOf(host.readFile('main', 'a.yaml'));
    expect(error.code).toBe('RepositoryNotFound');
    expect(error.message).toContain('absent');
    const commitError = await hostErrorOf(host.commit(bumpRequest('a'.repeat(40), 'x')));
    expect(commitError.code).toBe('RepositoryNotFound');
  });

  it('throws BranchNotFound naming repository and branch, on read and on commit', async () => {
    const { repositoryName, host, head } = await seeded();
    const error = await hostErrorOf(host.readFile('release', 'apps/other.yaml'));
    expect(error.code).toBe('BranchNotFound');
    expect(error.message).toContain(repositoryName);
    expect(error.message).toContain('release');
    const commitError = await hostErrorOf(host.commit({ ...bumpRequest(head, 'x'), branch: 'release' }));
    expect(commitError.code).toBe('BranchNotFound');
    expect(commitError.message).toContain('release');
  });

  it('throws FileNotFound naming repository, branch and path', async () => {
    const { repositoryName, host } = await seeded();
    const error = await hostErrorOf(host.readFile('main', 'apps/missing.yaml'));
    expect(error.code).toBe('FileNotFound');
    expect(error.message).toContain(repositoryName);
    expect(error.message).toContain('main');
    expect(error.message).toContain('apps/missing.yaml');
  });

  it('throws FileTooLarge for a file too large to read', async () => {
    const { host } = await seeded({ 'big.yaml': 'x'.repeat(6 * MB + 1) });
    const error = await hostErrorOf(host.readFile('main', 'big.yaml'));
    expect(error.code).toBe('FileTooLarge');
    expect(error.message).toContain('big.yaml');
  });

  it('throws FileTooLarge for a file over 6 MB before calling CreateCommit', async () => {
    const { host, head } = await seeded();
    const error = await hostErrorOf(host.commit(bumpRequest(head, 'x'.repeat(6 * MB + 1))));
    expect(error.code).toBe('FileTooLarge');
    expect(error.message).toContain('apps/app/deployment.yaml');
    expect(error.message).toContain('6 MB');
    expect(commitCalls()).toHaveLength(0);
  });

  it('throws CommitTooLarge for changes over 7 MB together before calling CreateCommit', async () => {
    const { host, head } = await seeded();
    const request: CommitRequest = {
      ...bumpRequest(head, ''),
      changes: [
        { path: 'apps/a.yaml', content: 'a'.repeat(4 * MB) },
        { path: 'apps/b.yaml', content: 'b'.repeat(4 * MB) },
      ],
    };
    const error = await hostErrorOf(host.commit(request));
    expect(error.code).toBe('CommitTooLarge');
    expect(error.message).toContain('apps/a.yaml');
    expect(error.message).toContain('apps/b.yaml');
    expect(commitCalls()).toHaveLength(0);
  });

  it('counts the size limit in UTF-8 bytes, not characters', async () => {
    const { host, head } = await seeded();
    const content = 'é'.repeat(3 * MB + 1);
    expect(content.length).toBeLessThan(6 * MB);
    const error = await hostErrorOf(host.commit(bumpRequest(head, content)));
    expect(error.code).toBe('FileTooLarge');
    expect(commitCalls()).toHaveLength(0);
  });

  it('rejects a file that is not valid UTF-8 instead of altering its bytes', async () => {
    const { host } = await seeded({
      'apps/latin1.yaml': Uint8Array.from([0x6e, 0x61, 0x6d, 0x65, 0x3a, 0x20, 0xe9]),
    });
    const error = await hostErrorOf(host.readFile('main', 'apps/latin1.yaml'));
    expect(error.code).toBe('NotText');
    expect(error.message).toContain('apps/latin1.yaml');
    expect(error.message).toContain('UTF-8');
  });

  it('keeps a byte order mark and non-ASCII text through a read and a commit', async () => {
    const content = '\uFEFFname: café # ünïcödé\n';
    const { host, gitDir } = await seeded({ 'apps/bom.yaml': content });
    const read = await host.readFile('main', 'apps/bom.yaml');
    expect(read.content).toBe(content);
    const edited = `${read.content}extra: 1\n`;
    await host.commit({
      ...bumpRequest(read.commitId, ''),
      changes: [{ path: 'apps/bom.yaml', content: edited }],
    });
    const bytes = await git(gitDir, ['cat-file', 'blob', 'refs/heads/main:apps/bom.yaml']);
    expect(bytes.equals(Buffer.from(edited, 'utf8'))).toBe(true);
  });

  it('refuses to read a symbolic link as a file', async () => {
    const { repositoryName, host, head } = await seeded();
    await emulatorClient(emulator).send(
      new CreateCommitCommand({
        repositoryName,
        branchName: 'main',
        parentCommitId: head,
        putFiles: [
          { filePath: 'apps/link.yaml', fileContent: Buffer.from('other.yaml'), fileMode: 'SYMLINK' },
        ],
      }),
    );
    const error = await hostErrorOf(host.readFile('main', 'apps/link.yaml'));
    expect(error.code).toBe('InvalidPath');
    expect(error.message).toContain('symbolic link');
  });

  it('throws InvalidPath for a path CodeCommit refuses', async () => {
    const { host, head } = await seeded();
    expect((await hostErrorOf(host.readFile('main', '../etc/passwd'))).code).toBe('InvalidPath');
    const error = await hostErrorOf(
      host.commit({ ...bumpRequest(head, ''), changes: [{ path: 'apps/other.yaml/inner', content: 'x' }] }),
    );
    expect(error.code).toBe('InvalidPath');
    expect(error.message).toContain('apps/other.yaml/inner');
  });
});

describe('CodeCommit git host with the default client', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('finds the endpoint and credentials through the SDK chain, and takes maxAttempts', async () => {
    const { repositoryName, head } = await seeded();
    vi.stubEnv('AWS_ENDPOINT_URL_CODECOMMIT', emulator.endpoint);
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
    vi.stubEnv('AWS_REGION', 'us-east-1');
    const host = createCodeCommitGitHost({ repositoryName });
    expect((await host.readFile('main', 'apps/other.yaml')).commitId).toBe(head);

    const impatient = createCodeCommitGitHost({ repositoryName, region: 'us-east-1', maxAttempts: 1 });
    emulator.faults.failSequence(['throttling'], 'GetFile');
    const error = await rejectionOf(impatient.readFile('main', 'apps/other.yaml'));
    expect(error.name).toBe('ThrottlingException');
    expect(emulator.calls.filter((call) => call.operation === 'GetFile')).toHaveLength(2);
  });
});
