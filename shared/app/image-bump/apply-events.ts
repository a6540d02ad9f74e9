import { isFileTarget, type ParameterTarget } from '#domain/targets.ts';
import type { ImageEvent } from '#events/image-event.ts';
import { type ApplyDeps, applyParameter, gateTargets, pushTimesFor } from '../apply-image.ts';
import { resolveScan } from '../apply-scan.ts';
import { type BranchEntry, type BranchGroup, bumpBranchEntries, type EntryOutcome } from '../bump-branch.ts';
import { type Resolution, resolvePush } from '../bump-image.ts';
import type { BumpAction } from '../bump-result.ts';

/** What one event came to: its actions, and the error that stopped part of it, if any. */
export interface EventOutcome {
  eventId: string;
  actions: BumpAction[];
  error?: Error;
}

export interface ApplyEventsOptions {
  /** Permanent errors (a broken manifest, a missing file) are attributed to the one event that caused them. */
  isPermanent: (error: unknown) => boolean;
}

interface BranchWork {
  group: BranchGroup;
  entries: BranchEntry[];
}

/**
 * Apply a batch of image events (pushes and scan results) together: every image of the batch
 * that targets one repository and branch is planned on a single read and lands in one commit;
 * parameters are written per image, in event order. Each value is still decided by its own
 * rule's tag policy, so the batch order never lets an older image win. Branches are independent:
 * one that fails does not hold the others back. Every event gets its own outcome.
 */
export async function applyImageEvents(
  events: ImageEvent[],
  deps: ApplyDeps,
  options: ApplyEventsOptions,
): Promise<EventOutcome[]> {
  const outcomes = new Map<string, EventOutcome>();
  const outcomeOf = (eventId: string): EventOutcome => {
    let outcome = outcomes.get(eventId);
    if (!outcome) {
      outcome = { eventId, actions: [] };
      outcomes.set(eventId, outcome);
    }
    return outcome;
  };
  const fail = (eventId: string, error: unknown) => {
    const outcome = outcomeOf(eventId);
    outcome.error ??= error instanceof Error ? error : new Error(String(error));
  };

  const branches = new Map<string, BranchWork>();
  const parameters: { entry: BranchEntry; target: ParameterTarget }[] = [];
  for (const item of events) {
    const outcome = outcomeOf(item.event.id);
    let resolved: Resolution;
    try {
      resolved = item.kind === 'push' ? resolvePush(item.event, deps) : await resolveScan(item.event, deps);
    } catch (error) {
      fail(item.event.id, error);
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
      fail(item.event.id, error);
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
      if (!isFileTarget(target)) {
        parameters.push({ entry: entryOf([]), target: target as ParameterTarget });
        continue;
      }
      const key = JSON.stringify([target.repository, target.branch]);
      let work = branches.get(key);
      if (!work) {
        work = { group: { repository: target.repository, branch: target.branch, targets: [] }, entries: [] };
        branches.set(key, work);
      }
      work.group.targets.push(target);
      const last = work.entries.at(-1);
      if (last?.eventId === item.event.id && last.rule === rule) last.targets.push(target);
      else work.entries.push(entryOf([target]));
    }
  }

  const record = (results: EntryOutcome[]) => {
    for (const result of results) {
      outcomeOf(result.entry.eventId).actions.push(...result.actions);
      if (result.rejected) fail(result.entry.eventId, result.rejected);
    }
  };
  await Promise.all(
    [...branches.values()].map(async (work) => {
      try {
        record(await bumpWork(work, deps));
      } catch (error) {
        if (!options.isPermanent(error) || work.entries.length === 1) {
          for (const entry of work.entries) fail(entry.eventId, error);
          return;
        }
        // A permanent failure of the whole branch (a missing file, say): find whose it is by
        // applying each image alone, so the others still land.
        for (const entry of work.entries) {
          try {
            record(
              await bumpWork({ group: { ...work.group, targets: entry.targets }, entries: [entry] }, deps),
            );
          } catch (alone) {
            fail(entry.eventId, alone);
          }
        }
      }
    }),
  );

  for (const { entry, target } of parameters) {
    if (outcomeOf(entry.eventId).error) continue;
    try {
      outcomeOf(entry.eventId).actions.push(
        await applyParameter(target, entry.rule, entry.image, entry.pushTimes, deps),
      );
    } catch (error) {
      fail(entry.eventId, error);
    }
  }
  return events.map((item) => outcomeOf(item.event.id));
}

function bumpWork(work: BranchWork, deps: ApplyDeps): Promise<EntryOutcome[]> {
  const host = deps.hostFor(work.group.repository);
  return bumpBranchEntries(host, work.group, work.entries, {
    config: deps.config,
    dryRun: deps.dryRun ?? false,
  });
}
