import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

/**
 * A stand-in for the one part of ECR's DescribeImages that moto 5.2 lacks: pagination. moto ignores
 * `maxResults` and `nextToken` and answers every image of a repository in one page; ECR answers at
 * most `maxResults` images (100 when absent) and a `nextToken` while more remain.
 *
 * It listens on 127.0.0.1 in front of a moto server. A DescribeImages listing (no `imageIds`) is sent
 * on to moto without the paging fields, and moto's full answer (or its error, untouched) is cut into
 * the requested page; the token is opaque to clients. Every other request, including DescribeImages
 * by `imageIds`, is passed through to moto byte for byte.
 */
export interface EcrStandIn {
  endpoint: string;
  /** DescribeImages listings answered so far (one per page). */
  pagesServed: number;
  stop(): Promise<void>;
}

const TARGET = 'AmazonEC2ContainerRegistry_V20150921.DescribeImages';
const DEFAULT_PAGE_SIZE = 100;
const JSON_1_1 = 'application/x-amz-json-1.1';
const HOP_BY_HOP = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive']);

export async function startEcrStandIn(motoEndpoint: string): Promise<EcrStandIn> {
  const standIn = { endpoint: '', pagesServed: 0, stop: async () => {} };

  const forward = async (request: IncomingMessage, body: Buffer): Promise<Response> => {
    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers)) {
      if (value === undefined || HOP_BY_HOP.has(name)) continue;
      headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    return fetch(`${motoEndpoint}${request.url ?? '/'}`, {
      method: request.method ?? 'POST',
      headers,
      ...(body.length > 0 ? { body: new Uint8Array(body) } : {}),
    });
  };

  const relay = async (response: Response, reply: ServerResponse): Promise<void> => {
    const payload = Buffer.from(await response.arrayBuffer());
    const headers: Record<string, string> = {};
    // fetch has already undone any content encoding, so the length is the decoded one.
    response.headers.forEach((value, name) => {
      if (!HOP_BY_HOP.has(name) && name !== 'content-encoding') headers[name] = value;
    });
    reply.writeHead(response.status, { ...headers, 'content-length': String(payload.length) });
    reply.end(payload);
  };

  const answer = (reply: ServerResponse, status: number, payload: unknown, errorType?: string): void => {
    const text = JSON.stringify(payload);
    reply.writeHead(status, {
      'content-type': JSON_1_1,
      'content-length': String(Buffer.byteLength(text)),
      'x-amzn-requestid': randomUUID(),
      ...(errorType === undefined ? {} : { 'x-amzn-errortype': errorType }),
    });
    reply.end(text);
  };

  const describeImagesPage = async (
    request: IncomingMessage,
    input: Record<string, unknown>,
    reply: ServerResponse,
  ): Promise<void> => {
    const { maxResults, nextToken, ...rest } = input;
    const pageSize = typeof maxResults === 'number' ? maxResults : DEFAULT_PAGE_SIZE;
    let offset = 0;
    if (nextToken !== undefined) {
      const decoded = decodeToken(nextToken, rest.repositoryName);
      if (decoded === undefined) {
        answer(
          reply,
          400,
          {
            __type: 'InvalidParameterException',
            message: 'Invalid parameter: nextToken is not a token of this listing',
          },
          'InvalidParameterException',
        );
        return;
      }
      offset = decoded;
    }
    const response = await forward(request, Buffer.from(JSON.stringify(rest)));
    if (response.status !== 200) {
      await relay(response, reply);
      return;
    }
    const all = ((await response.json()) as { imageDetails?: unknown[] }).imageDetails ?? [];
    const end = offset + pageSize;
    standIn.pagesServed++;
    answer(reply, 200, {
      imageDetails: all.slice(offset, end),
      ...(end < all.length ? { nextToken: encodeToken(rest.repositoryName, end) } : {}),
    });
  };

  const server = createServer((request, reply) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const handle = async () => {
        const input = request.headers['x-amz-target'] === TARGET ? parseObject(body) : undefined;
        if (input !== undefined && input.imageIds === undefined) {
          await describeImagesPage(request, input, reply);
        } else {
          await relay(await forward(request, body), reply);
        }
      };
      handle().catch((error: unknown) => {
        answer(reply, 500, { __type: 'ServerException', message: String(error) }, 'ServerException');
      });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address !== 'object') throw new Error('ECR stand-in: no listening address');
  standIn.endpoint = `http://127.0.0.1:${address.port}`;
  standIn.stop = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return standIn;
}

function parseObject(body: Buffer): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function encodeToken(repositoryName: unknown, offset: number): string {
  return Buffer.from(JSON.stringify({ repositoryName, offset })).toString('base64url');
}

function decodeToken(token: unknown, repositoryName: unknown): number | undefined {
  if (typeof token !== 'string') return undefined;
  try {
    const decoded: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (typeof decoded !== 'object' || decoded === null) return undefined;
    const { repositoryName: tokenRepository, offset } = decoded as Record<string, unknown>;
    if (tokenRepository !== repositoryName || typeof offset !== 'number' || !Number.isInteger(offset)) {
      return undefined;
    }
    return offset;
  } catch {
    return undefined;
  }
}
