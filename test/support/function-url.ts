import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a function answers through its URL (payload format 2.0); a bare object is taken as the JSON body. */
interface FunctionUrlResult {
  statusCode?: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface FunctionUrlServer {
  /** `http://127.0.0.1:<port>/`. */
  url: string;
  stop(): Promise<void>;
}

/** The event Lambda hands a function for a request to its Function URL (payload format 2.0). */
export function functionUrlEvent(request: IncomingMessage, body: Buffer): Record<string, unknown> {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const text = /^(?:application\/json|text\/)/.test(headers['content-type'] ?? '');
  const now = new Date();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    requestContext: {
      accountId: 'anonymous',
      apiId: 'localfunctionurl',
      domainName: headers.host ?? '127.0.0.1',
      domainPrefix: 'localfunctionurl',
      http: {
        method: request.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length === 0 ? {} : { body: text ? body.toString('utf8') : body.toString('base64') }),
    isBase64Encoded: body.length > 0 && !text,
  };
}

/**
 * A local stand-in for a Lambda Function URL: each HTTP request becomes a payload 2.0 event for
 * `invoke` (a bundled function in its own process), and the function's answer becomes the HTTP
 * response; a function that throws answers 502, as Lambda does.
 */
export async function serveFunctionUrl(
  invoke: (event: unknown) => Promise<unknown>,
): Promise<FunctionUrlServer> {
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      invoke(functionUrlEvent(request, Buffer.concat(chunks)))
        .then((result) => {
          const answer = (result ?? {}) as FunctionUrlResult;
          const shaped = typeof answer.statusCode === 'number';
          response.writeHead(
            shaped ? (answer.statusCode as number) : 200,
            shaped ? (answer.headers ?? {}) : {},
          );
          response.end(shaped ? (answer.body ?? '') : JSON.stringify(result));
        })
        .catch(() => {
          response.writeHead(502).end('{"Message":"Internal Server Error"}');
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
