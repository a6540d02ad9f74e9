import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { fail, ServiceError } from '../codecommit/errors.ts';
import { type Fate, type FaultControls, type FaultKind, FaultLayer } from '../codecommit/faults.ts';
import { type Input, parseBody } from '../codecommit/input.ts';
import { batchGetBuilds, listBuildsForProject, stopBuild } from './build-operations.ts';
import type { Operation, OperationContext } from './operation-context.ts';
import { batchGetProjects, createProject, projectFrom } from './projects.ts';
import type {
  BuildRecord,
  EnvironmentVariableType,
  FinishOptions,
  ProjectRecord,
  TerminalStatus,
} from './records.ts';
import { callerFrom } from './signature.ts';
import { startBuild } from './start-build.ts';
import { CodeBuildStore } from './store.ts';

export type { BuildRecord, FinishOptions, ProjectRecord, TerminalStatus } from './records.ts';

export const TARGET_PREFIX = 'CodeBuild_20161006.';
const JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';
export const DEFAULT_ACCOUNT = '123456789012';

const OPERATIONS: Record<string, Operation> = {
  CreateProject: createProject,
  BatchGetProjects: batchGetProjects,
  StartBuild: startBuild,
  BatchGetBuilds: batchGetBuilds,
  StopBuild: stopBuild,
  ListBuildsForProject: listBuildsForProject,
};

export interface CallRecord {
  /** The operation named by `X-Amz-Target` (the raw header when it names none). */
  operation: string;
  /** The request body; undefined when unreadable. */
  input: Record<string, unknown> | undefined;
  status: number;
  errorType?: string;
  /** The injected fault this call met, if any. */
  fault?: FaultKind;
  /** Epoch milliseconds when the request arrived. */
  at: number;
}

export interface CodeBuildEmulatorOptions {
  /** 0 or absent: a free port. */
  port?: number;
  /** The region in ARNs and log links; us-east-1 by default. */
  region?: string;
  /** The account in ARNs; 123456789012 by default. */
  account?: string;
  /** The emulator's clock in epoch milliseconds (idempotency windows, build times); `Date.now` by default. */
  now?: () => number;
  /** Ids per ListBuildsForProject page; 100 (CodeBuild's page size) by default. */
  pageSize?: number;
}

/** A project for `createProject`: any member left out gets a working default. */
export interface ProjectOptions {
  description?: string;
  /** `{type: 'CODECOMMIT', location: https://git-codecommit.<region>.amazonaws.com/v1/repos/<name>}` by default. */
  source?: { type: string; location?: string; buildspec?: string };
  sourceVersion?: string;
  /** `{type: 'NO_ARTIFACTS'}` by default. */
  artifacts?: { type: string; location?: string };
  /** A small standard Linux image by default; variables default to none. */
  environment?: {
    type?: string;
    image?: string;
    computeType?: string;
    privilegedMode?: boolean;
    environmentVariables?: { name: string; value: string; type?: EnvironmentVariableType }[];
  };
  serviceRole?: string;
  timeoutInMinutes?: number;
  queuedTimeoutInMinutes?: number;
}

export interface CodeBuildEmulator {
  /** `http://127.0.0.1:<port>`, for `endpoint` or `AWS_ENDPOINT_URL_CODEBUILD`. */
  endpoint: string;
  region: string;
  account: string;
  /** Every call in arrival order; tests may empty it with `calls.length = 0`. */
  calls: CallRecord[];
  faults: FaultControls;
  /** Creates a project outside the API (not logged), validated like CreateProject. */
  createProject(name: string, options?: ProjectOptions): ProjectRecord;
  /** Every build (copies), in start order. */
  builds(): BuildRecord[];
  /** Ends a running build (by id or ARN) with `status`, its phases and log stream; answers a copy. */
  finishBuild(id: string, status: TerminalStatus, options?: FinishOptions): BuildRecord;
  stop(): Promise<void>;
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

function projectInput(name: string, options: ProjectOptions, store: CodeBuildStore): Input {
  const { environment = {}, ...rest } = options;
  return {
    name,
    source: {
      type: 'CODECOMMIT',
      location: `https://git-codecommit.${store.region}.amazonaws.com/v1/repos/${name}`,
    },
    artifacts: { type: 'NO_ARTIFACTS' },
    serviceRole: `arn:aws:iam::${store.account}:role/service-role/codebuild-${name}-service-role`,
    ...rest,
    environment: {
      type: 'LINUX_CONTAINER',
      image: 'aws/codebuild/standard:7.0',
      computeType: 'BUILD_GENERAL1_SMALL',
      ...environment,
    },
  };
}

export async function startCodeBuildEmulator(
  options: CodeBuildEmulatorOptions = {},
): Promise<CodeBuildEmulator> {
  const store = new CodeBuildStore({
    region: options.region ?? 'us-east-1',
    account: options.account ?? DEFAULT_ACCOUNT,
    now: options.now ?? Date.now,
    pageSize: options.pageSize ?? 100,
  });
  const faults = new FaultLayer();
  const calls: CallRecord[] = [];

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
      record.input = structuredClone(input);
      const callerName = callerFrom(request.headers.authorization);
      const latency = faults.latencyFor(operationName);
      if (latency > 0) await sleep(latency);
      const fate = faults.fateFor(operationName);
      if (fate !== 'pass') record.fault = fate;
      if (fate !== 'pass' && fate !== 'lostResponse') throw FAULT_ERRORS[fate];
      const context: OperationContext = { store, callerName };
      const output = (operation as Operation)(context, input);
      if (fate === 'lostResponse') throw FAULT_ERRORS.internalFailure;
      send(response, 200, output);
    } catch (error) {
      const serviceError =
        error instanceof ServiceError
          ? error
          : new ServiceError('InternalFailure', `Emulator failure: ${(error as Error).message}`, 500);
      if (!(error instanceof ServiceError)) console.error('codebuild emulator:', error);
      record.status = serviceError.status;
      record.errorType = serviceError.type;
      send(response, serviceError.status, { __type: serviceError.type, message: serviceError.message });
    } finally {
      calls.push(record);
    }
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      console.error('codebuild emulator:', error);
      response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  const buildById = (id: string): BuildRecord => {
    const prefix = `arn:aws:codebuild:${store.region}:${store.account}:build/`;
    const build = store.build(id.startsWith(prefix) ? id.slice(prefix.length) : id);
    if (build === undefined) throw new Error(`No build '${id}' in the CodeBuild emulator.`);
    return build;
  };

  return {
    endpoint: `http://127.0.0.1:${port}`,
    region: store.region,
    account: store.account,
    calls,
    faults,
    createProject(name, projectOptions = {}) {
      const project = projectFrom(projectInput(name, projectOptions, store), store);
      store.addProject(project);
      return structuredClone(project);
    },
    builds: () => structuredClone([...store.builds()]),
    finishBuild(id, status, finishOptions = {}) {
      const build = buildById(id);
      if (build.complete) throw new Error(`Build '${build.id}' has already finished (${build.status}).`);
      store.finish(build, status, finishOptions);
      return structuredClone(build);
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}
