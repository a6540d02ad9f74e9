import { setTimeout as sleep } from 'node:timers/promises';
import { GitHostError } from '#app/ports/git-host.ts';
import { TransientError } from '#domain/errors.ts';
import { inSubsegment } from '../aws/tracing.ts';

/**
 * A small client for GitLab's REST API v4 over `fetch`: authentication, JSON, paging, retries and
 * errors that never carry the token.
 */
export interface GitLabApiOptions {
  /** Base URL of the instance (`https://gitlab.com`); the API is `<url>/api/v4`. */
  url: string;
  /**
   * Reads the access token; called before every request, so it should cache. After a 401 it is
   * called once with `fresh: true`: a token rotated since it was cached is then used at once.
   */
  token: TokenSupplier;
  /** Where the token comes from (`SSM parameter /x`), named when GitLab refuses it. */
  tokenSource?: string;
  fetch?: typeof fetch;
  /** Per attempt; default 10 s. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** How waits between attempts happen (tests record them instead of waiting). */
  sleep?: (ms: number) => Promise<void>;
}

export type TokenSupplier = (options?: { fresh?: boolean }) => Promise<string>;

export interface RetryPolicy {
  /** Attempts per request, the first included. */
  attempts: number;
  /** First backoff of a 5xx or network failure; doubled each attempt, fully jittered. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A longer `Retry-After` is cut to this. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 4,
  baseDelayMs: 200,
  maxDelayMs: 5_000,
  maxRetryAfterMs: 20_000,
};

const DEFAULT_TIMEOUT_MS = 10_000;
const MAX_PER_PAGE = 100;

export type Query = Record<string, string | number | boolean | undefined>;

export interface GitLabRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  query?: Query;
  /** Sent as JSON. */
  body?: unknown;
  /**
   * Retry 5xx answers and network failures (default). Off for a write that GitLab may have carried
   * out before failing and that is not safe to repeat: the caller checks and decides.
   */
  retryServerErrors?: boolean;
}

export interface GitLabResponse<T> {
  status: number;
  headers: Headers;
  /** The parsed JSON body; undefined when there is none (204). */
  body: T;
}

/**
 * GitLab answered with an error other than 401/403 (those are `GitHostError` `AccessDenied`), or
 * could not be reached. `status` is 0 for a network failure or timeout. Transient: the adapters
 * turn the answers no retry can change (a missing project, file or commit) into `GitHostError`.
 */
export class GitLabApiError extends TransientError {
  override name = 'GitLabApiError';
  readonly status: number;
  /** GitLab's `message` (or `error`), as text. */
  readonly detail: string;
  readonly method: string;
  readonly path: string;
  constructor(init: { status: number; detail: string; method: string; path: string; message: string }) {
    super(init.message);
    this.status = init.status;
    this.detail = init.detail;
    this.method = init.method;
    this.path = init.path;
  }
}

/** What a 404 says is missing: `Project`, `File`, `Commit`, `Branch`… (`404 File Not Found`). */
export function notFoundSubject(error: unknown): string | undefined {
  if (!(error instanceof GitLabApiError) || error.status !== 404) return undefined;
  return /^404 (.+?) Not Found$/i.exec(error.detail.trim())?.[1] ?? 'Unknown';
}

export const isNotFound = (error: unknown, subject?: string): boolean => {
  const found = notFoundSubject(error);
  return found !== undefined && (subject === undefined || found.toLowerCase() === subject.toLowerCase());
};

export interface GitLabApi {
  /** `<url>/api/v4`. */
  readonly baseUrl: string;
  request<T>(path: string, request?: GitLabRequest): Promise<GitLabResponse<T>>;
  /** Every item of a paginated list (following `X-Next-Page`), or the first `limit`. */
  list<T>(path: string, query?: Query, limit?: number): Promise<T[]>;
}

/** `/projects/<id or url-encoded path>`. */
export const projectPath = (project: string): string => `/projects/${encodeURIComponent(project)}`;

/** GitLab's error body: `message` (a string or validation object) or `error`. */
function detailOf(text: string): string {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return text.trim().slice(0, 500);
  }
  if (body !== null && typeof body === 'object') {
    const { message, error, error_description } = body as Record<string, unknown>;
    if (typeof message === 'string') return message;
    if (message !== undefined) return JSON.stringify(message);
    // OAuth-style refusals (`insufficient_scope`) explain themselves in `error_description`.
    if (typeof error === 'string') {
      return typeof error_description === 'string' ? `${error}: ${error_description}` : error;
    }
  }
  return text.trim().slice(0, 500);
}

/** `Retry-After` as seconds or an HTTP date, in milliseconds. */
function retryAfterMs(header: string | null): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Collections whose next path segment is an id, a path or a name (`/projects/:id/repository/files/:id`). */
const TAKES_ID = new Set([
  'projects',
  'files',
  'commits',
  'branches',
  'statuses',
  'merge_requests',
  'notes',
  'remote_mirrors',
]);

/**
 * The operation a request is, for its trace subsegment: method and route with the ids left out
 * (`GitLab GET /projects/:id/repository/files/:id`), so project names and paths stay out of traces
 * and one operation is one name.
 */
export function operationOf(method: string, path: string): string {
  const segments = path.split('/');
  const route = segments.map((segment, index) =>
    index > 0 && TAKES_ID.has(segments[index - 1] ?? '') ? ':id' : segment,
  );
  return `GitLab ${method} ${route.join('/')}`;
}

export function createGitLabApi(options: GitLabApiOptions): GitLabApi {
  const baseUrl = `${options.url.replace(/\/+$/, '')}/api/v4`;
  const doFetch = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  const wait = options.sleep ?? ((ms: number) => sleep(ms));
  const tokenSource = options.tokenSource ?? 'the configured token source';

  const backoff = (attempt: number): number =>
    Math.random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));

  /** Every request, its retries included, is one trace subsegment named by its operation. */
  function request<T>(path: string, init: GitLabRequest = {}): Promise<GitLabResponse<T>> {
    return inSubsegment(operationOf(init.method ?? 'GET', path), () => send<T>(path, init));
  }

  async function send<T>(path: string, init: GitLabRequest): Promise<GitLabResponse<T>> {
    const method = init.method ?? 'GET';
    const url = new URL(`${baseUrl}${path}`);
    for (const [key, value] of Object.entries(init.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    let token = await options.token();
    let renewed = false;
    // Whatever reaches an error message passes through here, so a token echoed back by a proxy or
    // a custom fetch never leaves this module.
    const redact = (text: string): string => (token === '' ? text : text.split(token).join('[redacted]'));
    const where = `GitLab ${method} ${baseUrl}${path}`;
    const retryServerErrors = init.retryServerErrors ?? true;

    for (let attempt = 1; ; attempt += 1) {
      const last = attempt >= policy.attempts;
      let response: Response;
      let text: string;
      try {
        response = await doFetch(url, {
          method,
          headers: {
            'PRIVATE-TOKEN': token,
            accept: 'application/json',
            ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
          signal: AbortSignal.timeout(timeoutMs),
        });
        // The timeout covers the body too: a stalled body is retried like a stalled answer.
        text = await response.text();
      } catch (error) {
        const reason =
          error instanceof Error && error.name === 'TimeoutError'
            ? `no answer within ${timeoutMs} ms`
            : error instanceof Error
              ? `${error.message}${error.cause instanceof Error ? ` (${error.cause.message})` : ''}`
              : String(error);
        if (!last && retryServerErrors) {
          await wait(backoff(attempt));
          continue;
        }
        throw new GitLabApiError({
          status: 0,
          detail: redact(reason),
          method,
          path,
          message: redact(`${where}: unreachable after ${attempt} attempts: ${reason}`),
        });
      }

      if (response.ok) {
        let body: unknown;
        try {
          body = text.trim() === '' ? undefined : JSON.parse(text);
        } catch {
          throw new Error(`${where} answered ${response.status} with a body that is not JSON`);
        }
        return { status: response.status, headers: response.headers, body: body as T };
      }
      const detail = redact(detailOf(text));
      if (response.status === 429 && !last) {
        const after = retryAfterMs(response.headers.get('retry-after'));
        await wait(after === undefined ? backoff(attempt) : Math.min(after, policy.maxRetryAfterMs));
        continue;
      }
      if (response.status >= 500 && !last && retryServerErrors) {
        await wait(backoff(attempt));
        continue;
      }
      if (response.status === 401 && !renewed) {
        // The token may have been rotated since it was cached: read it again, once.
        renewed = true;
        const fresh = await options.token({ fresh: true });
        if (fresh !== token) {
          token = fresh;
          continue;
        }
      }
      if (response.status === 401 || response.status === 403) {
        throw new GitHostError(
          'AccessDenied',
          `${where} answered ${response.status} (${detail}): check the GitLab access token in ${tokenSource}; it must be valid and have the scope \`api\`${response.status === 403 ? ' and a role that allows this action' : ''}`,
        );
      }
      const tries = response.status === 429 || response.status >= 500 ? ` after ${attempt} attempts` : '';
      throw new GitLabApiError({
        status: response.status,
        detail,
        method,
        path,
        message: `${where} answered ${response.status}${tries}: ${detail}`,
      });
    }
  }

  async function list<T>(path: string, query: Query = {}, limit = Number.POSITIVE_INFINITY): Promise<T[]> {
    const items: T[] = [];
    const perPage = Math.min(MAX_PER_PAGE, Math.max(1, Number.isFinite(limit) ? limit : MAX_PER_PAGE));
    let page: string | undefined = '1';
    while (page !== undefined && items.length < limit) {
      const response: GitLabResponse<T[]> = await request<T[]>(path, {
        query: { ...query, per_page: perPage, page },
      });
      if (!Array.isArray(response.body)) {
        throw new Error(`GitLab GET ${baseUrl}${path} answered a page that is not a list`);
      }
      items.push(...response.body);
      const next = response.headers.get('x-next-page')?.trim();
      page = next === undefined || next === '' || response.body.length === 0 ? undefined : next;
    }
    return items.slice(0, limit);
  }

  return { baseUrl, request, list };
}
