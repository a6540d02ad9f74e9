/**
 * A stand-in for Slack incoming webhooks on 127.0.0.1: every POST to `/services/…` is recorded
 * (path, headers, parsed JSON body) and answered `ok` like Slack, unless a fault was queued: a 429
 * with a `Retry-After` header, or a 5xx. Faults are taken in order, one per request.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedPost {
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
  /** The answer the stand-in gave. */
  status: number;
}

export type SlackFault =
  | { status: 429; retryAfter: number }
  | { status: 500 | 502 | 503 }
  | { status: 404 | 410 };

export interface SlackWebhookStandIn {
  /** `http://127.0.0.1:<port>`; a webhook URL is `${url}/services/T000/B000/secret`. */
  url: string;
  posts: RecordedPost[];
  /** Answer the next requests with these faults, in order. */
  fail(...faults: SlackFault[]): void;
  close(): Promise<void>;
}

const FAULT_BODIES: Record<number, string> = {
  404: 'no_service',
  410: 'channel_is_archived',
  429: 'rate_limited',
  500: 'internal_error',
  502: 'bad_gateway',
  503: 'service_unavailable',
};

export async function startSlackWebhook(): Promise<SlackWebhookStandIn> {
  const posts: RecordedPost[] = [];
  const faults: SlackFault[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // Slack answers invalid_payload; recorded as text.
      }
      const path = request.url ?? '/';
      if (request.method !== 'POST' || !path.startsWith('/services/')) {
        response.writeHead(404).end('no_service');
        return;
      }
      if (typeof body !== 'object' || body === null) {
        posts.push({ path, headers: request.headers, body, status: 400 });
        response.writeHead(400).end('invalid_payload');
        return;
      }
      const fault = faults.shift();
      const status = fault?.status ?? 200;
      posts.push({ path, headers: request.headers, body, status });
      const headers: Record<string, string> = { 'content-type': 'text/plain' };
      if (fault?.status === 429) headers['retry-after'] = String(fault.retryAfter);
      response.writeHead(status, headers).end(fault ? FAULT_BODIES[status] : 'ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    posts,
    fail: (...more) => faults.push(...more),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
