import {
  CodeCommitServiceException,
  CreateCommitCommand,
  GetBranchCommand,
  GetFileCommand,
} from '@aws-sdk/client-codecommit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { rejectionOf } from '../emulators/codecommit/assertions.ts';
import { emulatorClient } from '../emulators/codecommit/client.ts';
import { gitText } from '../emulators/codecommit/git.ts';
import { type CodeCommitEmulator, startCodeCommitEmulator } from '../emulators/codecommit/server.ts';

let emulator: CodeCommitEmulator;
let repositoryCount = 0;

beforeAll(async () => {
  emulator = await startCodeCommitEmulator();
});
afterAll(() => emulator.stop());
afterEach(() => {
  emulator.faults.reset();
  emulator.calls.length = 0;
});

async function seeded() {
  const name = `faults-${++repositoryCount}`;
  const { gitDir } = await emulator.createRepository(name, { main: { 'app.yaml': 'image: app:v1\n' } });
  return { name, gitDir, head: await gitText(gitDir, ['rev-parse', 'refs/heads/main']) };
}

const bump = (repositoryName: string, parentCommitId: string, content = 'image: app:v2\n') =>
  new CreateCommitCommand({
    repositoryName,
    branchName: 'main',
    parentCommitId,
    putFiles: [{ filePath: 'app.yaml', fileContent: Buffer.from(content) }],
  });

const commitCalls = () => emulator.calls.filter((call) => call.operation === 'CreateCommit');

describe('fault layer', () => {
  it.each([
    ['throttling', 'ThrottlingException', 400],
    ['internalFailure', 'InternalFailure', 500],
    ['serviceUnavailable', 'ServiceUnavailable', 503],
  ] as const)('lets the SDK retry %s until the commit is applied', async (kind, errorType, status) => {
    const { name, gitDir, head } = await seeded();
    emulator.faults.failSequence([kind, kind], 'CreateCommit');
    const output = await emulatorClient(emulator).send(bump(name, head));
    expect(output.$metadata.attempts).toBe(3);
    expect(await gitText(gitDir, ['rev-parse', 'refs/heads/main'])).toBe(output.commitId);
    expect(await gitText(gitDir, ['rev-list', '--count', `${head}..refs/heads/main`])).toBe('1');
    expect(commitCalls().map((call) => [call.status, call.errorType])).toEqual([
      [status, errorType],
      [status, errorType],
      [200, undefined],
    ]);
  });

  it('surfaces throttling as a retryable service exception once attempts run out', async () => {
    const { name, gitDir, head } = await seeded();
    emulator.faults.failSequence(['throttling']);
    const error = await rejectionOf(emulatorClient(emulator, { maxAttempts: 1 }).send(bump(name, head)));
    expect(error).toBeInstanceOf(CodeCommitServiceException);
    expect(error.name).toBe('ThrottlingException');
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(await gitText(gitDir, ['rev-parse', 'refs/heads/main'])).toBe(head);
  });

  it('applies a commit whose response is lost, so the retry meets an outdated parent', async () => {
    const { name, gitDir, head } = await seeded();
    emulator.faults.failSequence(['lostResponse'], 'CreateCommit');
    const error = await rejectionOf(emulatorClient(emulator, { maxAttempts: 2 }).send(bump(name, head)));
    expect(error.name).toBe('ParentCommitIdOutdatedException');
    expect(await gitText(gitDir, ['show', 'refs/heads/main:app.yaml'])).toBe('image: app:v2');
    expect(commitCalls().map((call) => [call.status, call.fault])).toEqual([
      [500, 'lostResponse'],
      [400, undefined],
    ]);
  });

  it('consumes a sequence one fate per matching call, passing other operations through', async () => {
    const { name } = await seeded();
    const client = emulatorClient(emulator, { maxAttempts: 1 });
    emulator.faults.failSequence(['pass', 'internalFailure'], 'GetBranch');
    const getBranch = () => client.send(new GetBranchCommand({ repositoryName: name, branchName: 'main' }));
    const calls = [
      () => client.send(new GetFileCommand({ repositoryName: name, filePath: 'app.yaml' })),
      getBranch,
      getBranch,
      getBranch,
    ];
    const outcomes: string[] = [];
    for (const call of calls) {
      outcomes.push(
        await call().then(
          () => 'ok',
          (error: Error) => error.name,
        ),
      );
    }
    expect(outcomes).toEqual(['ok', 'ok', 'InternalFailure', 'ok']);
  });

  it('draws random faults reproducibly from a seed', async () => {
    const { name } = await seeded();
    const client = emulatorClient(emulator, { maxAttempts: 1 });
    const run = async (seed: number) => {
      emulator.faults.reset();
      emulator.faults.failRandomly({ kind: 'throttling', probability: 0.5, seed, operation: 'GetBranch' });
      const pattern: string[] = [];
      for (let call = 0; call < 24; call++) {
        pattern.push(
          await client.send(new GetBranchCommand({ repositoryName: name, branchName: 'main' })).then(
            () => '.',
            () => 'T',
          ),
        );
      }
      return pattern.join('');
    };
    const first = await run(42);
    expect(await run(42)).toBe(first);
    expect(first).toMatch(/T/);
    expect(first).toMatch(/\./);
    expect(await run(7)).not.toBe(first);
  });

  it('delays only the operation given a latency', async () => {
    const { name } = await seeded();
    const client = emulatorClient(emulator);
    emulator.faults.setLatency(1500, 'GetFile');
    const finished: string[] = [];
    await Promise.all([
      client
        .send(new GetFileCommand({ repositoryName: name, filePath: 'app.yaml' }))
        .then(() => finished.push('GetFile')),
      client
        .send(new GetBranchCommand({ repositoryName: name, branchName: 'main' }))
        .then(() => finished.push('GetBranch')),
    ]);
    expect(finished).toEqual(['GetBranch', 'GetFile']);
  });

  it('moves the branch before the next commit on it, once', async () => {
    const { name, gitDir } = await seeded();
    const client = emulatorClient(emulator);
    const read = await client.send(new GetFileCommand({ repositoryName: name, filePath: 'app.yaml' }));
    emulator.faults.moveBranchBeforeNextCommit({
      repository: name,
      branch: 'main',
      path: 'other.yaml',
      content: 'x\n',
    });
    const error = await rejectionOf(client.send(bump(name, read.commitId as string)));
    expect(error.name).toBe('ParentCommitIdOutdatedException');
    const moved = await gitText(gitDir, ['rev-parse', 'refs/heads/main']);
    expect(await gitText(gitDir, ['log', '-1', '--format=%P %an', moved])).toBe(
      `${read.commitId} Concurrent Writer`,
    );
    expect(await gitText(gitDir, ['show', `${moved}:other.yaml`])).toBe('x');

    const retried = await client.send(bump(name, moved));
    expect(await gitText(gitDir, ['rev-parse', 'refs/heads/main'])).toBe(retried.commitId);
  });
});
