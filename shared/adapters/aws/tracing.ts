import type { Tracer } from '@aws-lambda-powertools/tracer';

/**
 * X-Ray tracing through Powertools Tracer, loaded on first use and only where traces go: in Lambda
 * with `Tracing: Active` (the template's setting). Elsewhere (tests, the CLI, `sam local`, moto
 * runs) nothing is loaded and clients and calls are left as they are. The rule is the Tracer's own:
 * on in a Lambda execution environment, unless `AWS_SAM_LOCAL` is set or `POWERTOOLS_TRACE_ENABLED`
 * is `false`. See docs/performance.md, "Tracing".
 */
export function tracingEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  if ((env.POWERTOOLS_TRACE_ENABLED ?? '').toLowerCase() === 'false') return false;
  if ((env.AWS_SAM_LOCAL ?? '') !== '') return false;
  return (env.AWS_EXECUTION_ENV ?? '') !== '';
}

let pending: Promise<Tracer> | undefined;

function tracer(): Promise<Tracer> {
  pending ??= import('@aws-lambda-powertools/tracer').then(
    // Outgoing HTTP is traced per operation (inSubsegment), not by patching fetch globally.
    ({ Tracer }) => new Tracer({ serviceName: 'flowkeeper', captureHTTPsRequests: false }),
  );
  return pending;
}

/** `client` with every command recorded as a subsegment, when tracing is on. */
export async function traceClient<C>(client: C): Promise<C> {
  if (!tracingEnabled()) return client;
  return (await tracer()).captureAWSv3Client(client);
}

/** `work` inside a subsegment called `name` (an X-Ray name: letters, digits, spaces, `_.:/%&#=+\-@`). */
export async function inSubsegment<T>(name: string, work: () => Promise<T>): Promise<T> {
  if (!tracingEnabled()) return work();
  const { provider } = await tracer();
  if (provider.getSegment() === undefined) return work();
  return (await provider.captureAsyncFunc(name, async (subsegment) => {
    try {
      return await work();
    } catch (error) {
      if (error instanceof Error) subsegment?.addError(error);
      throw error;
    } finally {
      subsegment?.close();
    }
  })) as T;
}
