// A warm Lambda container: loads one function bundle once, then answers invocations sent over the
// IPC channel ({ id, event } → { id, outcome }) one at a time, as a container runs them, until the
// parent disconnects. Plain JavaScript so no loader is involved.
import { pathToFileURL } from 'node:url';

const [bundle, exportName] = process.argv.slice(2);
const module = await import(pathToFileURL(bundle).href);
const handler = module[exportName];

let invocations = 0;
const context = () => ({
  functionName: 'test',
  awsRequestId: `request-${++invocations}`,
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:test',
  memoryLimitInMB: '256',
  getRemainingTimeInMillis: () => 60_000,
});

let queue = Promise.resolve();
process.on('message', ({ id, event }) => {
  queue = queue.then(async () => {
    const started = performance.now();
    let outcome;
    try {
      outcome = { ok: true, result: await handler(event, context()), ms: performance.now() - started };
    } catch (error) {
      outcome = {
        ok: false,
        error: { name: error?.name, message: error?.message },
        ms: performance.now() - started,
      };
    }
    process.send({ id, outcome });
  });
});
process.on('disconnect', () => process.exit(0));
process.send({ ready: true });
