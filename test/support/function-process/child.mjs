// Runs inside a fresh Node process: loads one function bundle and invokes its handler on events,
// as Lambda would (one container, `concurrency` invocations in flight), then writes the outcomes
// to the results file named on the command line. Plain JavaScript so no loader is involved.
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [requestFile, resultsFile] = process.argv.slice(2);
const { bundle, exportName, events, concurrency } = JSON.parse(readFileSync(requestFile, 'utf8'));
const module = await import(pathToFileURL(bundle).href);
const handler = module[exportName];

const context = (i) => ({
  functionName: 'test',
  awsRequestId: `request-${i}`,
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:test',
  memoryLimitInMB: '256',
  getRemainingTimeInMillis: () => 60_000,
});

const outcomes = new Array(events.length);
let next = 0;
async function worker() {
  while (next < events.length) {
    const i = next++;
    const started = performance.now();
    try {
      const result = await handler(events[i], context(i));
      outcomes[i] = { ok: true, result, ms: performance.now() - started };
    } catch (error) {
      outcomes[i] = {
        ok: false,
        error: { name: error?.name, message: error?.message, stack: error?.stack },
        ms: performance.now() - started,
      };
    }
  }
}
await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
writeFileSync(resultsFile, JSON.stringify(outcomes));
