import type { BumpResult } from '#app/bump-result.ts';
import { createFifoEventSource, type DrainReport } from '#test/fifo-event-source.ts';
import { startWarmContainer } from '#test/function-process/warm.ts';
import type { Stack } from './stack.ts';

let queues = 0;

/**
 * Deliver `events` to ImageBumpFunction the way the template does: through the FIFO image event
 * queue, one batch at a time, to one warm container; failed messages come back after
 * `retryDelayMs` (the visibility timeout, scaled down) until they reach the dead-letter queue.
 */
export async function deliverQueued(
  stack: Stack,
  env: Record<string, string>,
  events: unknown[],
  options: { retryDelayMs?: number } = {},
): Promise<DrainReport> {
  queues += 1;
  const source = await createFifoEventSource({
    sqs: stack.sqs,
    name: `image-events-${process.pid}-${queues}`,
    retryDelayMs: options.retryDelayMs ?? 1000,
  });
  const bundle = stack.bundles.ImageBumpFunction;
  if (!bundle) throw new Error('the stack has no ImageBumpFunction bundle');
  const container = await startWarmContainer(bundle, env);
  try {
    await source.send(events);
    return await source.drain((event) => container.invoke(event));
  } finally {
    await container.stop();
  }
}

/** Every event result the function returned over a drain, by event id (the last one wins). */
export function eventResults(report: DrainReport): Map<string, BumpResult> {
  const results = new Map<string, BumpResult>();
  for (const { outcome } of report.invocations) {
    if (!outcome.ok) continue;
    const answer = outcome.result as { results?: BumpResult[] };
    for (const result of answer.results ?? []) results.set(result.eventId, result);
  }
  return results;
}
