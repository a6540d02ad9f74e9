import type { IncomingHttpHeaders } from 'node:http';
import { ApiError, apiError } from './errors.ts';

export type TokenScope = 'api' | 'read_api';

export interface TokenAccess {
  /** Project paths (or numeric ids) the token's user may see; `all` by default. */
  projects?: string[] | 'all';
  /** `api` (read and write) by default; `read_api` allows GET only. */
  scopes?: TokenScope[];
  /** The user behind the token; `user<id>` by default. */
  username?: string;
  name?: string;
}

export interface EmulatedUser {
  id: number;
  username: string;
  name: string;
  email: string;
}

export interface TokenRecord {
  user: EmulatedUser;
  projects: ReadonlySet<string> | 'all';
  scopes: ReadonlySet<TokenScope>;
}

const UNAUTHORIZED = (): ApiError => apiError(401, '401 Unauthorized');

/**
 * What GitLab answers when the token's scopes do not allow the request (`read_api` writing): the
 * OAuth insufficient-scope error, listing the scopes the API accepts.
 */
export const insufficientScope = (): ApiError =>
  new ApiError(
    403,
    {
      error: 'insufficient_scope',
      error_description: 'The request requires higher privileges than provided by the access token.',
      scope: 'api read_api',
    },
    {
      'www-authenticate':
        'Bearer realm="", error="insufficient_scope", error_description="The request requires higher privileges than provided by the access token.", scope="api read_api"',
    },
  );

function presentedToken(headers: IncomingHttpHeaders): string | undefined {
  const privateToken = headers['private-token'];
  if (typeof privateToken === 'string' && privateToken !== '') return privateToken;
  const bearer = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '');
  return bearer?.[1];
}

export class TokenStore {
  readonly #byToken = new Map<string, TokenRecord>();
  // Id 1 is the administrator, author of what the test controls create.
  #nextUserId = 2;

  add(token: string, access: TokenAccess = {}): void {
    if (token === '') throw new Error('a token cannot be empty');
    const id = this.#nextUserId++;
    const username = access.username ?? `user${id}`;
    this.#byToken.set(token, {
      user: { id, username, name: access.name ?? username, email: `${username}@example.com` },
      projects: access.projects === undefined || access.projects === 'all' ? 'all' : new Set(access.projects),
      scopes: new Set(access.scopes ?? ['api']),
    });
  }

  /** The token's record; a missing or unknown token is 401 (the value is never echoed). */
  authenticate(headers: IncomingHttpHeaders): TokenRecord {
    const token = presentedToken(headers);
    const record = token === undefined ? undefined : this.#byToken.get(token);
    if (record === undefined) throw UNAUTHORIZED();
    return record;
  }
}

export const mayWrite = (record: TokenRecord): boolean => record.scopes.has('api');

export const mayRead = (record: TokenRecord): boolean =>
  record.scopes.has('api') || record.scopes.has('read_api');

export const mayAccess = (record: TokenRecord, project: { id: number; path: string }): boolean =>
  record.projects === 'all' || record.projects.has(project.path) || record.projects.has(String(project.id));
