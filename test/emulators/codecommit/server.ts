import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createBranch, getBranch } from './branch-operations.ts';
import { createCommit } from './create-commit.ts';
import { fail, ServiceError } from './errors.ts';
import { evaluatePullRequestApprovalRules } from './evaluate-approval-rules.ts';
import { type Fate, type FaultControls, type FaultKind, FaultLayer } from './faults.ts';
import { getBlob } from './get-blob.ts';
import { getCommit } from './get-commit.ts';
import { getDifferences } from './get-differences.ts';
import { getFile } from './get-file.ts';
import { getFolder } from './get-folder.ts';
import { type Input, parseBody, withoutBlobs } from './input.ts';
import { requireRepositoryName } from './names.ts';
import type { OperationContext } from './operation-context.ts';
import { getCommentsForPullRequest, postCommentForPullRequest } from './pull-request-comments.ts';
import {
  createPullRequest,
  getPullRequest,
  getPullRequestApprovalStates,
  listPullRequests,
  mergePullRequestByFastForward,
  updatePullRequestApprovalState,
  updatePullRequestStatus,
} from './pull-requests.ts';
import { branchHead, RepositoryStore } from './repositories.ts';
import { createRepository, getRepository } from './repository-operations.ts';
import { commitDirectly } from './seed.ts';

export const TARGET_PREFIX = 'CodeCommit_20150413.';
const JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';

type Operation = (context: OperationContext, input: Input) => Promise<Record<string, unknown>>;

const OPERATIONS: Record<string, Operation> = {
  CreateRepository: createRepository,
  GetRepository: getRepository,
  GetBranch: getBranch,
  CreateBranch: createBranch,
  GetFile: getFile,
  GetFolder: getFolder,
  CreateCommit: createCommit,
  CreatePullRequest: createPullRequest,
  GetPullRequest: getPullRequest,
  ListPullRequests: listPullRequests,
  UpdatePullRequestStatus: updatePullRequestStatus,
  PostCommentForPullRequest: postCommentForPullRequest,
  GetCommentsForPullRequest: getCommentsForPullRequest,
  UpdatePullRequestApprovalState: updatePullRequestApprovalState,
  GetPullRequestApprovalStates: getPullRequestApprovalStates,
  MergePullRequestByFastForward: mergePullRequestByFastForward,
  GetDifferences: getDifferences,
  GetCommit: getCommit,
  GetBlob: getBlob,
  EvaluatePullRequestApprovalRules: evaluatePullRequestApprovalRules,
};

export interface CallRecord {
  /** The operation named by `X-Amz-Target` (the raw header when it names none). */
  operation: string;
  /** The request body, blob contents replaced by `[<n> bytes]`; undefined when unreadable. */
  input: Record<string, unknown> | undefined;
  status: number;
  errorType?: string;
  /** The injected fault this call met, if any. */
  fault?: FaultKind;
  /** Epoch milliseconds when the request arrived. */
  at: number;
}

export interface CodeCommitEmulatorOptions {
  /** Where the bare repositories live; a temporary directory (removed on stop) by default. */
  root?: string;
  /** 0 or absent: a free port. */
  port?: number;
  /** The region used in ARNs and clone URLs. */
  region?: string;
}

export interface CodeCommitEmulator {
  /** `http://127.0.0.1:<port>`, for `endpoint` or `AWS_ENDPOINT_URL_CODECOMMIT`. */
  endpoint: string;
  region: string;
  /** Every call in arrival order; tests may empty it with `calls.length = 0`. */
  calls: CallRecord[];
  faults: FaultControls;
  /**
   * Creates a repository outside the API (not logged). With `files`, each branch gets one commit
   * holding exactly its files; the first branch is the default and later branches' commits have
   * the first branch's commit as parent.
   */
  createRepository(
    name: string,
    files?: Record<string, Record<string, string | Uint8Array>>,
  ): Promise<{ gitDir: string }>;
  gitDir(name: string): string;
  stop(): Promise<void>;
}

const SEED_AUTHOR = { name: 'Seed', email: 'seed@example.com' };
const CONCURRENT_AUTHOR = { name: 'Concurrent Writer', email: 'concurrent@example.com' };

/** `Credential=<access key id>/<date>/<region>/<service>/aws4_request` from a SigV4 header. */
function callerFrom(authorization: string | undefined): string {
  const credential = /Credential=([^/,\s]+)\/[^/]+\/[^/]+\/([^/]+)\/aws4_request/.exec(authorization ?? '');
  if (!authorization?.startsWith('AWS4-HMAC-SHA256') || credential === null) {
    return fail(
      'MissingAuthenticationTokenException',
      'The request is not signed with AWS Signature Version 4.',
    );
  }
  // Signatures are not verified; the scope must still name this service.
  if (credential[2] !== 'codecommit') {
    fail('InvalidSignatureException', `Credential scope names service '${credential[2]}', not 'codecommit'.`);
  }
  return credential[1] as string;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': JSON_CONTENT_TYPE,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
  });
  response.end(text);
}

const FAULT_ERRORS: Record<Exclude<Fate, 'pass' | 'lostResponse'>, ServiceError> = {
  throttling: new ServiceError('ThrottlingException', 'Rate exceeded', 400),
  internalFailure: new ServiceError('InternalFailure', 'The request processing has failed.', 500),
  serviceUnavailable: new ServiceError('ServiceUnavailable', 'The service is unavailable.', 503),
};

export async function startCodeCommitEmulator(
  options: CodeCommitEmulatorOptions = {},
): Promise<CodeCommitEmulator> {
  const root = options.root ?? (await mkdtemp(join(tmpdir(), 'codecommit-emulator-')));
  const scratchDir = join(root, '.scratch');
  await mkdir(scratchDir, { recursive: true });
  const region = options.region ?? 'us-east-1';
  const store = new RepositoryStore(root, region);
  await store.adoptExisting();
  const faults = new FaultLayer();
  const calls: CallRecord[] = [];
  let concurrentChanges = 0;

  const beforeCreateCommit = async (repositoryName: string, branch: string): Promise<void> => {
    const move = faults.takeBranchMove(repositoryName, branch);
    const { gitDir } = store.get(repositoryName);
    if (move === undefined || (await branchHead(gitDir, branch)) === undefined) return;
    concurrentChanges += 1;
    await commitDirectly(gitDir, scratchDir, {
      branch,
      files: {
        [move.path ?? 'CONCURRENT_CHANGE.md']: move.content ?? `concurrent change ${concurrentChanges}\n`,
      },
      inheritFiles: true,
      message: `Concurrent change ${concurrentChanges}`,
      author: CONCURRENT_AUTHOR,
    });
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const at = Date.now();
    const body = await readBody(request);
    const target = request.headers['x-amz-target'];
    const targetText = Array.isArray(target) ? target.join(',') : (target ?? '');
    const operationName = targetText.startsWith(TARGET_PREFIX)
      ? targetText.slice(TARGET_PREFIX.length)
      : targetText;
    const record: CallRecord = { operation: operationName, input: undefined, status: 200, at };
    try {
      const operation = targetText.startsWith(TARGET_PREFIX) ? OPERATIONS[operationName] : undefined;
      if (request.method !== 'POST' || request.url !== '/' || operation === undefined) {
        fail('UnknownOperationException', `Unknown operation '${targetText}'.`);
      }
      const input = parseBody(body);
      record.input = withoutBlobs(input) as Record<string, unknown>;
      const callerName = callerFrom(request.headers.authorization);
      const latency = faults.latencyFor(operationName);
      if (latency > 0) await sleep(latency);
      const fate = faults.fateFor(operationName);
      if (fate !== 'pass') record.fault = fate;
      if (fate !== 'pass' && fate !== 'lostResponse') throw FAULT_ERRORS[fate];
      const context: OperationContext = { store, scratchDir, callerName, beforeCreateCommit };
      const output = await (operation as Operation)(context, input);
      if (fate === 'lostResponse') throw FAULT_ERRORS.internalFailure;
      send(response, 200, output);
    } catch (error) {
      const serviceError =
        error instanceof ServiceError
          ? error
          : new ServiceError('InternalFailure', `Emulator failure: ${(error as Error).message}`, 500);
      if (!(error instanceof ServiceError)) console.error('codecommit emulator:', error);
      record.status = serviceError.status;
      record.errorType = serviceError.type;
      send(response, serviceError.status, { __type: serviceError.type, message: serviceError.message });
    } finally {
      calls.push(record);
    }
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      console.error('codecommit emulator:', error);
      response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    region,
    calls,
    faults,
    async createRepository(name, files = {}) {
      const record = await store.create(requireRepositoryName(name));
      let firstCommit: string | undefined;
      for (const [branch, branchFiles] of Object.entries(files)) {
        const commitId = await commitDirectly(record.gitDir, scratchDir, {
          branch,
          files: branchFiles,
          ...(firstCommit === undefined ? {} : { parentId: firstCommit }),
          inheritFiles: false,
          message: `Seed ${branch}`,
          author: SEED_AUTHOR,
        });
        firstCommit ??= commitId;
      }
      return { gitDir: record.gitDir };
    },
    gitDir: (name) => store.gitDir(name),
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
      await rm(options.root === undefined ? root : scratchDir, { recursive: true, force: true });
    },
  };
}
