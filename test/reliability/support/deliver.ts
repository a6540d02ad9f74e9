import type { BumpAction, BumpResult, CommitAction } from '#app/image-bump/result.ts';
import type { FailedResult } from '#runtime/handle-event.ts';
import { type FunctionBundle, invokeBundle, type Outcome } from '#test/function-process/index.ts';
import type { CallRecord } from '../../emulators/codecommit/server.ts';

export interface SpreadOptions {
  env: Record<string, string>;
  /** Function processes (Lambda containers) the events are spread across, round robin. */
  processes?: number;
  /** Invocations in flight at once inside each process. */
  concurrency?: number;
}

/** Invoke `events` spread over several fresh processes at once; outcomes in event order. */
export async function invokeSpread(
  bundle: FunctionBundle,
  events: unknown[],
  options: SpreadOptions,
): Promise<Outcome[]> {
  const processes = Math.max(1, Math.min(options.processes ?? 1, events.length));
  const slots = Array.from({ length: processes }, (_, p) =>
    events.map((_, i) => i).filter((i) => i % processes === p),
  );
  const results = await Promise.all(
    slots.map((indexes) =>
      invokeBundle(
        bundle,
        indexes.map((i) => events[i]),
        { env: options.env, concurrency: options.concurrency ?? 1 },
      ),
    ),
  );
  const outcomes = new Array<Outcome>(events.length);
  slots.forEach((indexes, p) => {
    indexes.forEach((i, k) => {
      const outcome = results[p]?.[k];
      if (outcome === undefined) throw new Error(`process ${p} returned no outcome for event ${i}`);
      outcomes[i] = outcome;
    });
  });
  return outcomes;
}

export interface Delivery {
  /** The outcome of each delivery of the event, in order; the last one ended it. */
  outcomes: Outcome[];
}

/**
 * Deliver `events` like EventBridge and Lambda do: every event once, then again each one whose
 * invocation threw (Lambda's retry of a failed asynchronous invocation), until it returns or has
 * been delivered `maxDeliveries` times.
 */
export async function deliverUntilHandled(
  bundle: FunctionBundle,
  events: unknown[],
  options: SpreadOptions & { maxDeliveries: number },
): Promise<Delivery[]> {
  const deliveries: Delivery[] = events.map(() => ({ outcomes: [] }));
  let pending = events.map((_, i) => i);
  for (let round = 1; round <= options.maxDeliveries && pending.length > 0; round++) {
    const outcomes = await invokeSpread(
      bundle,
      pending.map((i) => events[i]),
      options,
    );
    pending.forEach((i, k) => {
      const outcome = outcomes[k];
      if (outcome) deliveries[i]?.outcomes.push(outcome);
    });
    pending = pending.filter((_, k) => outcomes[k]?.ok !== true);
  }
  return deliveries;
}

export const lastOutcome = (delivery: Delivery): Outcome | undefined => delivery.outcomes.at(-1);

/**
 * The handler's result of an outcome that returned (an image bump's by default); throws with the
 * error when the invocation threw.
 */
export function resultOf<Result = BumpResult | FailedResult>(outcome: Outcome | undefined): Result {
  if (outcome === undefined) throw new Error('the event was never delivered');
  if (!outcome.ok) throw new Error(`the invocation threw ${outcome.error.name}: ${outcome.error.message}`);
  return outcome.result as Result;
}

export function actionsOf(outcome: Outcome | undefined): BumpAction[] {
  const result = resultOf<BumpResult | FailedResult>(outcome);
  if ('error' in result)
    throw new Error(`the event was rejected: ${result.error.type}: ${result.error.message}`);
  return result.actions;
}

export const commitActions = (actions: BumpAction[]) =>
  actions.filter((action): action is CommitAction => action.type === 'commit');

/** The actions about `branch` (commits, dry runs and branch skips). */
export const actionsOnBranch = (actions: BumpAction[], branch: string) =>
  actions.filter((action) => 'branch' in action && action.branch === branch);

/** CreateCommit calls in the emulator's log: all attempts, successes and compare-and-swap losses. */
export function createCommitStats(calls: readonly CallRecord[]) {
  const attempts = calls.filter((call) => call.operation === 'CreateCommit');
  return {
    attempts: attempts.length,
    successes: attempts.filter((call) => call.status === 200).length,
    conflicts: attempts.filter((call) => call.errorType === 'ParentCommitIdOutdatedException').length,
    faults: attempts.filter((call) => call.fault !== undefined).length,
  };
}
