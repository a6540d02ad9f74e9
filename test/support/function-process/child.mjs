// Runs inside a fresh Node process: loads one function bundle and invokes its handler on events,
// as Lambda would (one container, `concurrency` invocations in flight), then writes the outcomes
// to the results file named on the command line. Plain JavaScript so no loader is involved.
//
// With `coldEnvs`, each event gets a cold container of its own instead, in turn: the bundle's entry
// is loaded anew (under a URL of its own, so its container is made again) with that event's
// environment in place, as a fresh process with that environment would load it.
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [requestFile, resultsFile] = process.argv.slice(2);
const { bundle, exportName, events, concurrency, coldEnvs } = JSON.parse(readFileSync(requestFile, 'utf8'));
const url = pathToFileURL(bundle).href;
const loadHandler = async (instance) =>
  (await import(instance === undefined ? url : `${url}?container=${instance}`))[exportName];
const handler = coldEnvs ? undefined : await loadHandler();

const context = (i) => ({
  functionName: 'test',
  awsRequestId: `request-${i}`,
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:test',
  memoryLimitInMB: '256',
  getRemainingTimeInMillis: () => 60_000,
});

const outcomes = new Array(events.length);

async function invoke(run, i) {
  const started = performance.now();
  try {
    const result = await run(events[i], context(i));
    outcomes[i] = { ok: true, result, ms: performance.now() - started };
  } catch (error) {
    outcomes[i] = {
      ok: false,
      error: { name: error?.name, message: error?.message, stack: error?.stack },
      ms: performance.now() - started,
    };
  }
}

async function worker() {
  while (next < events.length) await invoke(handler, next++);
}

let next = 0;
if (coldEnvs) {
  const base = { ...process.env };
  for (let i = 0; i < events.length; i++) {
    for (const name of Object.keys(process.env)) if (!(name in base)) delete process.env[name];
    Object.assign(process.env, base, coldEnvs[i]);
    await invoke(await loadHandler(i), i);
  }
} else {
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
}
writeFileSync(resultsFile, JSON.stringify(outcomes));
