import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import {
  CodeCommitClient,
  CreateCommitCommand,
  CreateRepositoryCommand,
  FileDoesNotExistException,
  GetFileCommand,
} from '@aws-sdk/client-codecommit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejectionOf } from '../emulators/codecommit/assertions.ts';
import { emulatorClient } from '../emulators/codecommit/client.ts';
import { gitText } from '../emulators/codecommit/git.ts';
import { type CodeCommitEmulator, startCodeCommitEmulator } from '../emulators/codecommit/server.ts';

let emulator: CodeCommitEmulator;

beforeAll(async () => {
  emulator = await startCodeCommitEmulator();
  await emulator.createRepository('wire', { main: { 'a.txt': 'a\n' } });
});
afterAll(() => emulator.stop());

const SIGNED = 'AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/codecommit/aws4_request, Signature=0';

/** `authorization: null` sends the request unsigned. */
async function post(target: string, body: string, authorization: string | null = SIGNED) {
  const response = await fetch(emulator.endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': target,
      ...(authorization === null ? {} : { authorization }),
    },
    body,
  });
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    body: (await response.json()) as Record<string, unknown>,
  };
}

describe('wire protocol', () => {
  it('answers an awsJson1_1 request with a JSON body and the blob in base64', async () => {
    const response = await post(
      'CodeCommit_20150413.GetFile',
      JSON.stringify({ repositoryName: 'wire', commitSpecifier: 'main', filePath: 'a.txt' }),
    );
    expect(response.status).toBe(200);
    expect(response.contentType).toBe('application/x-amz-json-1.1');
    expect(response.body).toMatchObject({
      filePath: 'a.txt',
      fileContent: Buffer.from('a\n').toString('base64'),
    });
  });

  it('answers errors as {"__type", "message"} with HTTP 400', async () => {
    const response = await post(
      'CodeCommit_20150413.GetFile',
      JSON.stringify({ repositoryName: 'wire', filePath: 'missing.txt' }),
    );
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      __type: 'FileDoesNotExistException',
      message: expect.stringContaining('missing.txt'),
    });
  });

  it('throws UnknownOperationException for an unknown or foreign target', async () => {
    for (const target of [
      'CodeCommit_20150413.DeleteEverything',
      'AmazonEC2ContainerRegistry_V20150921.ListImages',
      '',
    ]) {
      const response = await post(target, '{}');
      expect(response.status).toBe(400);
      expect(response.body.__type).toBe('UnknownOperationException');
    }
  });

  it('throws SerializationException for a body that is not a JSON object', async () => {
    for (const body of ['{"repositoryName":', '[1, 2]', '{"repositoryName": 7}']) {
      const response = await post('CodeCommit_20150413.GetRepository', body);
      expect(response.status).toBe(400);
      expect(response.body.__type).toBe('SerializationException');
    }
  });

  it('refuses an unsigned request and one signed for another service', async () => {
    const body = JSON.stringify({ repositoryName: 'wire' });
    expect((await post('CodeCommit_20150413.GetRepository', body, null)).body.__type).toBe(
      'MissingAuthenticationTokenException',
    );
    const ecrScope = SIGNED.replace('/codecommit/', '/ecr/');
    expect((await post('CodeCommit_20150413.GetRepository', body, ecrScope)).body.__type).toBe(
      'InvalidSignatureException',
    );
  });

  it('makes the SDK raise its modelled exception class', async () => {
    const client = emulatorClient(emulator);
    const missing = await rejectionOf(
      client.send(new GetFileCommand({ repositoryName: 'wire', filePath: 'x' })),
    );
    expect(missing).toBeInstanceOf(FileDoesNotExistException);
    expect(missing.$metadata.httpStatusCode).toBe(400);
  });

  it('logs each call with its input, status and error type, blob contents left out', async () => {
    const client = emulatorClient(emulator);
    emulator.calls.length = 0;
    const head = await gitText(emulator.gitDir('wire'), ['rev-parse', 'refs/heads/main']);
    await client.send(
      new CreateCommitCommand({
        repositoryName: 'wire',
        branchName: 'main',
        parentCommitId: head,
        putFiles: [{ filePath: 'b.txt', fileContent: Buffer.from('secret content') }],
      }),
    );
    await rejectionOf(client.send(new GetFileCommand({ repositoryName: 'wire', filePath: 'nope' })));
    expect(emulator.calls).toEqual([
      {
        operation: 'CreateCommit',
        input: {
          repositoryName: 'wire',
          branchName: 'main',
          parentCommitId: head,
          putFiles: [{ filePath: 'b.txt', fileContent: '[14 bytes]' }],
        },
        status: 200,
        at: expect.any(Number),
      },
      {
        operation: 'GetFile',
        input: { repositoryName: 'wire', filePath: 'nope' },
        status: 400,
        errorType: 'FileDoesNotExistException',
        at: expect.any(Number),
      },
    ]);
    expect(JSON.stringify(emulator.calls)).not.toContain('secret');
  });
});

describe('standalone entry', () => {
  it('prints the endpoint and the environment for the SDK, serves it, and stops on SIGINT', async () => {
    const main = fileURLToPath(new URL('../emulators/codecommit/main.ts', import.meta.url));
    const child = spawn(process.execPath, [main, '--repository', 'standalone'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.setEncoding('utf8');
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: string) => {
        output += chunk;
        if (output.includes('AWS_REGION=')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`emulator exited early with ${code}: ${output}`)));
    });
    const endpoint = /AWS_ENDPOINT_URL_CODECOMMIT=(\S+)/.exec(output)?.[1] as string;
    expect(output).toContain('AWS_ACCESS_KEY_ID=test');
    expect(output).toContain('AWS_SECRET_ACCESS_KEY=test');
    expect(output).toContain('AWS_REGION=us-east-1');
    const client = new CodeCommitClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    await expect(
      client.send(new CreateRepositoryCommand({ repositoryName: 'standalone' })),
    ).rejects.toMatchObject({
      name: 'RepositoryNameExistsException',
    });
    child.kill('SIGINT');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });
});
