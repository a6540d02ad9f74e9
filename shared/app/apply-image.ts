import type { Config, ImageRule } from '#config/types.ts';
import type { PushedImage } from '#domain/plan-branch.ts';
import { evaluateScan, isScanComplete, type ScanOutcome } from '#domain/scan-gate.ts';
import { isFileTarget, type ParameterTarget, type Target } from '#domain/targets.ts';
import { bumpBranch, groupByBranch } from './bump-branch.ts';
import { bumpParameter } from './bump-parameter.ts';
import type { BumpAction } from './bump-result.ts';
import type { GitHost } from './git-host.ts';
import type { ImageRegistry } from './image-registry.ts';
import type { ParameterStore } from './parameter-store.ts';
import { PushTimeLookup } from './push-times.ts';

export interface ApplyDeps {
  config: Config;
  /** The git host of a configured repository key. */
  hostFor: (repository: string) => GitHost;
  /** Needed by `ssm` targets. */
  parameters?: ParameterStore;
  /** Needed by `push-time` ordering and by scan gates during reconciliation. */
  registry?: ImageRegistry;
  dryRun?: boolean;
}

/**
 * What brought the image: a push applies targets without a scan gate; a scan result applies the
 * gated ones; reconciliation applies all, checking gates against the registry's scan findings.
 */
export type Trigger = { kind: 'push' } | { kind: 'scan'; scan: ScanOutcome } | { kind: 'reconcile' };

/** Apply one image of one rule to its targets: one commit per branch, one write per parameter. */
export async function applyImage(
  rule: ImageRule,
  image: PushedImage,
  trigger: Trigger,
  eventId: string,
  deps: ApplyDeps,
): Promise<BumpAction[]> {
  const actions: BumpAction[] = [];
  const eligible: Target[] = [];
  for (const target of rule.update) {
    const gate = await gateVerdict(target, image, trigger, deps);
    if (gate === 'not-applicable') continue;
    if (gate.ok) eligible.push(target);
    else actions.push({ type: 'skip', ...where(target), reason: gate.reason });
  }

  const pushTimes = new PushTimeLookup(rule, image, deps.registry);
  for (const group of groupByBranch(eligible.filter(isFileTarget))) {
    const host = deps.hostFor(group.repository);
    const context = { rule, image, eventId, pushTimes, dryRun: deps.dryRun ?? false, config: deps.config };
    actions.push(...(await bumpBranch(host, group, context)));
  }
  for (const target of eligible.filter((t): t is ParameterTarget => t.kind === 'ssm')) {
    if (!deps.parameters) throw new Error('ssm targets need a parameter store');
    actions.push(await bumpParameter(deps.parameters, target, rule, image, pushTimes, deps.dryRun ?? false));
  }
  return actions;
}

async function gateVerdict(target: Target, image: PushedImage, trigger: Trigger, deps: ApplyDeps) {
  const gate = target.scan;
  if (!gate) return trigger.kind === 'scan' ? 'not-applicable' : { ok: true as const };
  switch (trigger.kind) {
    case 'push':
      return { ok: false as const, reason: `waits for the image scan (scan gate at ${gate.severity})` };
    case 'scan':
      return evaluateScan(gate, trigger.scan);
    case 'reconcile': {
      if (!deps.registry || !image.digest) return { ok: false as const, reason: 'scan result unavailable' };
      const found = await deps.registry.scanFindings(image.ecr, image.digest);
      return evaluateScan(gate, found && { ...found, complete: isScanComplete(found.status) });
    }
  }
}

function where(target: Target) {
  if (target.kind === 'ssm') return { parameter: target.parameter };
  return { repository: target.repository, branch: target.branch, file: target.file };
}
