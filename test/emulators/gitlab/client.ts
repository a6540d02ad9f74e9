import type { GitLabEmulator } from './server.ts';

export interface ApiAnswer {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed JSON body; undefined when the body is not JSON. */
  json: unknown;
}

/** Plain `fetch` against the emulator's `/api/v4`, with `PRIVATE-TOKEN` when a token is given. */
export function gitlabApi(emulator: GitLabEmulator, token?: string) {
  return async (
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiAnswer> => {
    const response = await fetch(`${emulator.url}/api/v4${path}`, {
      method,
      headers: {
        ...(token === undefined ? {} : { 'PRIVATE-TOKEN': token }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, text, json };
  };
}

/** `:id` for a project path: URL-encoded, `/` as `%2F`. */
export const projectId = (path: string): string => encodeURIComponent(path);
