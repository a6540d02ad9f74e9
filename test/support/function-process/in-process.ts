import { lambdaContext, loadHandler } from '../../../cli/invoke.ts';
import { withEnvironment } from '../environment.ts';
import type { InvokeOptions, Outcome } from './index.ts';

/**
 * Invoke a template function's handler on `events` in this process, as `invokeBundle` does in a
 * fresh one: a cold container made from `options.env` (on top of this process's environment, with
 * logs silenced and metrics off), `concurrency` invocations in flight. The environment is restored
 * afterwards, and calls in one process take turns, since a container reads it when it is made.
 * For suites that test a function through its ports; the bundles themselves are tested by the
 * reliability suites.
 */
export async function invokeInProcess(
  logicalId: string,
  events: unknown[],
  options: InvokeOptions,
): Promise<Outcome[]> {
  const env = { POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true', ...options.env };
  return withEnvironment(env, async () => {
    const handler = await loadHandler(logicalId, { cold: true });
    const outcomes = new Array<Outcome>(events.length);
    let next = 0;
    const worker = async () => {
      while (next < events.length) {
        const i = next++;
        const started = performance.now();
        try {
          const result = await handler(events[i], lambdaContext(logicalId));
          outcomes[i] = { ok: true, result, ms: performance.now() - started };
        } catch (error) {
          const { name, message } = error instanceof Error ? error : new Error(String(error));
          outcomes[i] = { ok: false, error: { name, message }, ms: performance.now() - started };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 1) }, worker));
    return outcomes;
  });
}
