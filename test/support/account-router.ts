import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';

/**
 * One endpoint in front of one stand-in per AWS account (the CodeCommit emulator keeps no accounts):
 * each request goes to the stand-in of the account its signing key belongs to, which moto's STS
 * tells (`GetCallerIdentity` with that access key id; moto identifies a caller by its key, and an
 * assumed role's keys by the role's account). Keys moto does not know go to `defaultAccount`.
 */
export interface AccountRouter {
  endpoint: string;
  /** The account each request was routed to, in arrival order. */
  routed: string[];
  stop(): Promise<void>;
}

export async function startAccountRouter(options: {
  stsEndpoint: string;
  region: string;
  targets: Record<string, string>;
  defaultAccount: string;
}): Promise<AccountRouter> {
  const accounts = new Map<string, Promise<string>>();
  const routed: string[] = [];

  const accountOf = (accessKeyId: string): Promise<string> => {
    let account = accounts.get(accessKeyId);
    if (account === undefined) {
      const sts = new STSClient({
        endpoint: options.stsEndpoint,
        region: options.region,
        credentials: { accessKeyId, secretAccessKey: 'unverified' },
      });
      account = sts
        .send(new GetCallerIdentityCommand({}))
        .then((identity) => identity.Account ?? options.defaultAccount)
        .catch(() => options.defaultAccount)
        .finally(() => sts.destroy());
      accounts.set(accessKeyId, account);
    }
    return account;
  };

  const readBody = async (request: IncomingMessage): Promise<Buffer> => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  };

  const server = createServer(async (request, response) => {
    try {
      const key = /Credential=([^/,\s]+)\//.exec(request.headers.authorization ?? '')?.[1];
      const account = key === undefined ? options.defaultAccount : await accountOf(key);
      routed.push(account);
      const target = options.targets[account];
      if (target === undefined) {
        response.writeHead(500, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(
          JSON.stringify({ __type: 'InternalFailure', message: `no stand-in for account ${account}` }),
        );
        return;
      }
      const headers = Object.fromEntries(
        Object.entries(request.headers).flatMap(([name, value]) =>
          typeof value === 'string' && name !== 'host' && name !== 'content-length' ? [[name, value]] : [],
        ),
      );
      const answer = await fetch(`${target}${request.url ?? '/'}`, {
        method: request.method ?? 'POST',
        headers,
        body: await readBody(request),
      });
      const body = Buffer.from(await answer.arrayBuffer());
      response.writeHead(answer.status, Object.fromEntries(answer.headers));
      response.end(body);
    } catch (error) {
      response.writeHead(500);
      response.end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    routed,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
