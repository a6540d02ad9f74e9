import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type EmulatorState, type Reply, Sequences } from './context.ts';
import { ApiError, apiError } from './errors.ts';
import { FaultLayer, type GitLabFaultControls, type GitLabFaultKind } from './faults.ts';
import { type HookDelivery, HookDispatcher } from './hooks.ts';
import { type Input, parseInput, readBody } from './input.ts';
import { addMergeRequest } from './merge-requests.ts';
import { MirrorScheduler, newMirror, type RemoteMirrorOptions } from './mirrors.ts';
import { ProjectStore } from './projects.ts';
import { matchRoute } from './routes.ts';
import { seedBranches } from './seed.ts';
import { insufficientScope, mayAccess, mayRead, mayWrite, type TokenAccess, TokenStore } from './tokens.ts';

export type { GitLabBranchMove, GitLabFate, GitLabFaultControls, GitLabFaultKind } from './faults.ts';
export type { HookDelivery } from './hooks.ts';
export type { RemoteMirrorOptions } from './mirrors.ts';
export type { TokenAccess, TokenScope } from './tokens.ts';

export const API_PREFIX = '/api/v4';

export interface GitLabCallRecord {
  method: string;
  /** The route template, e.g. `POST /projects/:id/repository/commits`; `<METHOD> (no route)` otherwise. */
  route: string;
  /** The path as sent (still URL-encoded), without the query. */
  path: string;
  /** Query and body parameters; token parameters are never kept. */
  input?: Record<string, unknown>;
  status: number;
  /** The injected fault this call met, if any. */
  fault?: GitLabFaultKind;
  /** Epoch milliseconds when the request arrived. */
  at: number;
}

export interface GitLabEmulatorOptions {
  /** Where the bare repositories live; a temporary directory (removed on stop) by default. */
  root?: string;
  /** 0 or absent: a free port. */
  port?: number;
  /**
   * How long after a sync request the mirror update runs. 0 (default): before the 204 is sent;
   * otherwise in the background after the delay, the mirror showing `scheduled` meanwhile.
   */
  mirrorDelayMs?: number;
}

export interface GitLabEmulator {
  /** `http://127.0.0.1:<port>`; the API is under `<url>/api/v4`. */
  url: string;
  /** Every call in arrival order; tests may empty it with `calls.length = 0`. */
  calls: GitLabCallRecord[];
  faults: GitLabFaultControls;
  /** Accepts `token` (as `PRIVATE-TOKEN` or `Authorization: Bearer`): `api` scope on every project by default. */
  addToken(token: string, access?: TokenAccess): void;
  /**
   * Creates a project outside the API. With `files`, each branch gets one commit holding exactly its
   * files; the first branch is the default and later branches' commits have the first branch's commit
   * as parent. With a persistent root that already holds the repository, its history is kept.
   */
  createProject(
    path: string,
    files?: Record<string, Record<string, string | Uint8Array>>,
  ): Promise<{ id: number; gitDir: string }>;
  gitDir(path: string): string;
  /** Opens a merge request from `source` into `target` (project path or id); answers its iid. */
  createMergeRequest(
    project: string | number,
    request: { source: string; target: string; title: string; description?: string },
  ): number;
  /** Turns "Pipelines must succeed" on or off: merge requests then report `ci_must_pass` until the source head's pipeline succeeds. */
  setPipelineMustSucceed(project: string | number, on: boolean): void;
  /** Adds an enabled push mirror into `targetGitDir`; answers its id. */
  addRemoteMirror(project: string | number, mirror: RemoteMirrorOptions): number;
  /** Every webhook request sent (or tried), in the order triggered; `settleHooks` waits for their answers. */
  hookDeliveries: HookDelivery[];
  /** Resolves once every webhook triggered so far has been answered (or has failed). */
  settleHooks(): Promise<void>;
  /** Sends webhook delivery `id` again with the same headers and body (the UI's "Resend request"). */
  resendHook(id: number): Promise<HookDelivery>;
  /** Runs the push mirror `id` (every mirror of the project without one) now, whatever the delay. */
  runMirror(project: string | number, id?: number): Promise<void>;
  stop(): Promise<void>;
}

const NOT_FOUND_ROUTE = new ApiError(404, { error: '404 Not Found' });
const TOKEN_PARAMETERS = new Set(['private_token', 'access_token', 'job_token']);

function html(status: number, title: string, text: string): Reply & { raw: string } {
  return {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8' },
    raw: `<!DOCTYPE html>\n<html><head><title>${title}</title></head><body><h1>${status}</h1><p>${text}</p></body></html>\n`,
  };
}

/** The answer a fault gives instead of the API's. */
function faultReply(
  kind: Exclude<GitLabFaultKind, 'lostResponse'>,
  retryAfter: number,
): Reply & { raw?: string } {
  if (kind === 'rateLimited') {
    const reset = new Date(Date.now() + retryAfter * 1000);
    return {
      status: 429,
      headers: {
        'content-type': 'text/plain',
        'retry-after': String(retryAfter),
        'ratelimit-name': 'throttle_authenticated_api',
        'ratelimit-limit': '2000',
        'ratelimit-observed': '2001',
        'ratelimit-remaining': '0',
        'ratelimit-reset': String(Math.floor(reset.getTime() / 1000)),
        'ratelimit-resettime': reset.toUTCString(),
      },
      raw: 'Retry later\n',
    };
  }
  if (kind === 'internalServerError') return { status: 500, body: { message: '500 Internal Server Error' } };
  if (kind === 'statusConflict') {
    return { status: 409, body: { message: 'Another update to this commit status is in progress' } };
  }
  if (kind === 'badGateway')
    return html(502, 'GitLab is not responding (502)', 'Whoops, GitLab is taking too much time to respond.');
  return html(503, 'GitLab is unavailable (503)', 'The service is temporarily unavailable. Try again later.');
}

function send(response: ServerResponse, reply: Reply & { raw?: string }): void {
  const headers: Record<string, string> = { 'x-request-id': randomUUID(), ...reply.headers };
  if (reply.status === 204) {
    response.writeHead(204, headers);
    response.end();
    return;
  }
  const text = reply.raw ?? JSON.stringify(reply.body ?? null);
  response.writeHead(reply.status, {
    'content-type': 'application/json',
    ...headers,
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

const withoutTokens = (input: Input): Record<string, unknown> =>
  Object.fromEntries(Object.entries(input).filter(([key]) => !TOKEN_PARAMETERS.has(key)));

export async function startGitLabEmulator(options: GitLabEmulatorOptions = {}): Promise<GitLabEmulator> {
  const root = options.root ?? (await mkdtemp(join(tmpdir(), 'gitlab-emulator-')));
  const scratchDir = join(root, '.scratch');
  await mkdir(scratchDir, { recursive: true });
  const projects = new ProjectStore(root);
  const tokens = new TokenStore();
  const faults = new FaultLayer();
  const mirrors = new MirrorScheduler(options.mirrorDelayMs ?? 0);
  const sequences = new Sequences();
  const calls: GitLabCallRecord[] = [];
  const hooks = new HookDispatcher();
  const state: EmulatorState = { baseUrl: '', projects, scratchDir, sequences, faults, mirrors, hooks };

  const answer = async (
    request: IncomingMessage,
    record: GitLabCallRecord,
    url: URL,
    body: Buffer,
  ): Promise<Reply & { raw?: string }> => {
    const method = request.method ?? 'GET';
    if (!url.pathname.startsWith(`${API_PREFIX}/`)) throw NOT_FOUND_ROUTE;
    const match = matchRoute(method, url.pathname.slice(API_PREFIX.length).split('/').slice(1));
    if (match === undefined) throw NOT_FOUND_ROUTE;
    record.route = match.template;
    const latency = faults.latencyFor(match.template);
    if (latency > 0) await sleep(latency);
    const fate = faults.fateFor(match.template);
    if (fate !== 'pass') record.fault = fate;
    if (fate !== 'pass' && fate !== 'lostResponse') return faultReply(fate, faults.retryAfterSeconds);

    const token = tokens.authenticate(request.headers);
    if (!(method === 'GET' ? mayRead(token) : mayWrite(token))) throw insufficientScope();
    const input = parseInput(url.searchParams, body, request.headers['content-type']);
    record.input = withoutTokens(input);
    const project = projects.find(match.params.id ?? '');
    if (project === undefined || !mayAccess(token, project)) throw apiError(404, '404 Project Not Found');
    const linkParams = { ...Object.fromEntries(url.searchParams), ...match.params };
    for (const key of [...TOKEN_PARAMETERS, 'page', 'per_page']) delete linkParams[key];
    const reply = await match.route.handler({
      state,
      project,
      params: match.params,
      input,
      user: token.user,
      link: { url: `${state.baseUrl}${url.pathname}`, params: linkParams },
    });
    if (fate === 'lostResponse') return faultReply('badGateway', 0);
    return reply;
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const at = Date.now();
    const body = await readBody(request);
    const url = new URL(request.url ?? '/', state.baseUrl);
    const method = request.method ?? 'GET';
    const record: GitLabCallRecord = {
      method,
      route: `${method} (no route)`,
      path: url.pathname,
      status: 200,
      at,
    };
    let reply: Reply & { raw?: string };
    try {
      reply = await answer(request, record, url, body);
    } catch (error) {
      if (error instanceof ApiError) {
        reply = { status: error.status, body: error.body, headers: error.headers };
      } else {
        console.error('gitlab emulator:', error);
        reply = { status: 500, body: { message: '500 Internal Server Error' } };
      }
    }
    record.status = reply.status;
    calls.push(record);
    send(response, reply);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      console.error('gitlab emulator:', error);
      response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  state.baseUrl = `http://127.0.0.1:${port}`;
  hooks.setBaseUrl(state.baseUrl);

  const projectOf = (project: string | number) => {
    const record = projects.find(project);
    if (record === undefined) throw new Error(`no project ${project}`);
    return record;
  };

  return {
    url: state.baseUrl,
    calls,
    faults,
    addToken: (token, access) => tokens.add(token, access),
    async createProject(path, files = {}) {
      const { record, existed } = await projects.create(path);
      if (!existed) await seedBranches(record.gitDir, scratchDir, files);
      return { id: record.id, gitDir: record.gitDir };
    },
    gitDir: (path) => projects.gitDir(path),
    createMergeRequest: (project, request) =>
      addMergeRequest(projectOf(project), sequences.next('mergeRequest'), request),
    setPipelineMustSucceed(project, on) {
      projectOf(project).pipelineMustSucceed = on;
    },
    hookDeliveries: hooks.deliveries,
    settleHooks: () => hooks.settle(),
    resendHook: (id) => hooks.resend(id),
    addRemoteMirror(project, mirror) {
      const id = sequences.next('mirror');
      projectOf(project).mirrors.set(id, newMirror(id, mirror));
      return id;
    },
    async runMirror(project, id) {
      const record = projectOf(project);
      const selected = id === undefined ? [...record.mirrors.values()] : [record.mirrors.get(id)];
      for (const mirror of selected) {
        if (mirror === undefined) throw new Error(`project ${record.path} has no remote mirror ${id}`);
        await mirrors.run(record, mirror);
      }
    },
    async stop() {
      await mirrors.stop();
      await hooks.settle();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
      await rm(options.root === undefined ? root : scratchDir, { recursive: true, force: true });
    },
  };
}
