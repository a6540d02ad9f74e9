import { isPermanentError } from '#domain/errors.ts';
import { isBranchTarget, type ParameterTarget } from '#domain/targets.ts';
import type { ImageEvent } from '#parsers/image-event.ts';
import { type ApplyDeps, applyParameter, gateTargets, pushTimesFor } from './apply-image.ts';
import { resolveScan } from './apply-scan.ts';
import { type BranchEntry, type BranchGroup, bumpBranchEntries, type EntryOutcome } from './bump-branch.ts';
import { type Resolution, resolvePush } from './bump-image.ts';
import type { BumpAction } from './result.ts';

/** What one event came to: its actions, and the error that stopped part of it, if any. */
export interface EventOutcome {
  eventId: string;
  actions: BumpAction[];
  error?: Error;
}

interface BranchWork {
  group: BranchGroup;
  entries: BranchEntry[];
  /** The batch position of each entry's event (copies of one event have one id, not one position). */
  items: number[];
}

/**
 * Apply a batch of image events (pushes and scan results) together: every image of the batch
 * that targets one repository and branch is planned on a single read and lands in one commit;
 * parameters are written per image, in event order. Each value is still decided by its own
 * rule's tag policy, so the batch order never lets an older image win. Branches are independent:
 * one that fails does not hold the others back. Every event gets its own outcome: a permanent
 * error of a branch (a broken manifest, a missing file) is attributed to the one event that caused it.
 */
export async function applyImageEvents(events: ImageEvent[], deps: ApplyDeps): Promise<EventOutcome[]> {
  const outcomes: EventOutcome[] = events.map((item) => ({ eventId: item.event.id, actions: [] }));
  const outcomeOf = (index: number): EventOutcome => {
    const outcome = outcomes[index];
    if (!outcome) throw new Error(`no event at batch position ${index}`);
    return outcome;
  };
  const fail = (index: number, error: unknown) => {
    const outcome = outcomeOf(index);
    outcome.error ??= error instanceof Error ? error : new Error(String(error));
  };

  const branches = new Map<string, BranchWork>();
  const parameters: { index: number; entry: BranchEntry; target: ParameterTarget }[] = [];
  for (const [index, item] of events.entries()) {
    const outcome = outcomeOf(index);
    let resolved: Resolution;
    try {
      resolved = item.kind === 'push' ? resolvePush(item.event, deps) : await resolveScan(item.event, deps);
    } catch (error) {
      fail(index, error);
      continue;
    }
    if ('skip' in resolved) {
      outcome.actions.push({ type: 'skip', reason: resolved.skip });
      continue;
    }
    const { rule, image, trigger } = resolved;
    let gated: Awaited<ReturnType<typeof gateTargets>>;
    try {
      gated = await gateTargets(rule, image, trigger, deps);
    } catch (error) {
      fail(index, error);
      continue;
    }
    outcome.actions.push(...gated.skips);
    const pushTimes = pushTimesFor(rule, image, trigger, deps);
    const entryOf = (targets: BranchEntry['targets']): BranchEntry => ({
      rule,
      image,
      eventId: item.event.id,
      pushTimes,
      targets,
    });
    for (const target of gated.eligible) {
      if (!isBranchTarget(target)) {
        parameters.push({ index, entry: entryOf([]), target: target as ParameterTarget });
        continue;
      }
      const key = JSON.stringify([target.repository, target.branch]);
      let work = branches.get(key);
      if (!work) {
        work = {
          group: { repository: target.repository, branch: target.branch, targets: [] },
          entries: [],
          items: [],
        };
        branches.set(key, work);
      }
      work.group.targets.push(target);
      const last = work.entries.at(-1);
      if (last !== undefined && work.items.at(-1) === index) last.targets.push(target);
      else {
        work.entries.push(entryOf([target]));
        work.items.push(index);
      }
    }
  }

  const record = (results: EntryOutcome[], items: number[]) => {
    for (const [k, result] of results.entries()) {
      const index = items[k] ?? -1;
      outcomeOf(index).actions.push(...result.actions);
      if (result.rejected) fail(index, result.rejected);
    }
  };
  await Promise.all(
    [...branches.values()].map(async (work) => {
      try {
        record(await bumpWork(work, deps), work.items);
      } catch (error) {
        if (!isPermanentError(error) || work.entries.length === 1) {
          for (const index of work.items) fail(index, error);
          return;
        }
        // A permanent failure of the whole branch (a missing file, say): find whose it is by
        // applying each image alone, so the others still land.
        for (const [k, entry] of work.entries.entries()) {
          const index = work.items[k] ?? -1;
          try {
            const alone = {
              group: { ...work.group, targets: entry.targets },
              entries: [entry],
              items: [index],
            };
            record(await bumpWork(alone, deps), alone.items);
          } catch (failure) {
            fail(index, failure);
          }
        }
      }
    }),
  );

  for (const { index, entry, target } of parameters) {
    if (outcomeOf(index).error) continue;
    try {
      outcomeOf(index).actions.push(
        await applyParameter(target, entry.rule, entry.image, entry.pushTimes, deps),
      );
    } catch (error) {
      fail(index, error);
    }
  }
  return outcomes;
}

function bumpWork(work: BranchWork, deps: ApplyDeps): Promise<EntryOutcome[]> {
  const host = deps.hostFor(work.group.repository);
  return bumpBranchEntries(host, work.group, work.entries, {
    config: deps.config,
    dryRun: deps.dryRun ?? false,
    ...(deps.listings ? { listings: deps.listings } : {}),
  });
}
