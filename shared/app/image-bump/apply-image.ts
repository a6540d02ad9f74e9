import type { Config, ImageRule } from '#config/types.ts';
import { ConfigError } from '#domain/errors.ts';
import type { PushedImage } from '#domain/plan-branch.ts';
import { reservedParameterProblem, reservedParameters } from '#domain/reserved-parameters.ts';
import { evaluateScan, isScanComplete, type ScanOutcome } from '#domain/scan-gate.ts';
import { isBranchTarget, type ParameterTarget, type Target } from '#domain/targets.ts';
import type { GitHost } from '../ports/git-host.ts';
import type { ImageRegistry } from '../ports/image-registry.ts';
import type { ParameterStore } from '../ports/parameter-store.ts';
import { bumpBranch, groupByBranch } from './bump-branch.ts';
import { bumpParameter } from './bump-parameter.ts';
import type { FolderListings } from './discover-files.ts';
import { PushTimeLookup } from './push-times.ts';
import type { BumpAction } from './result.ts';

export interface ApplyDeps {
  config: Config;
  /** The git host of a configured repository key. */
  hostFor: (repository: string) => GitHost;
  /** Needed by `ssm` targets. */
  parameters?: ParameterStore;
  /** Parameters `ssm` targets must not write (the configuration, GitLab tokens). */
  reservedParameters?: readonly string[];
  /** Needed by `push-time` ordering and by scan gates during reconciliation. */
  registry?: ImageRegistry;
  dryRun?: boolean;
  /** Folder listings kept by commit id for discover targets (a warm container's by default). */
  listings?: FolderListings;
}

/**
 * What brought the image: a push applies targets without a scan gate; a scan result applies the
 * gated ones; reconciliation applies all, checking gates against the registry's scan findings.
 */
export type Trigger =
  | { kind: 'push' }
  | { kind: 'scan'; scan: ScanOutcome }
  /** `pushTimes`: every tag of the repository as the reconcile listed it, so nothing is described twice. */
  | { kind: 'reconcile'; pushTimes: ReadonlyMap<string, number> };

/** Apply one image of one rule to its targets: one commit per branch, one write per parameter. */
export async function applyImage(
  rule: ImageRule,
  image: PushedImage,
  trigger: Trigger,
  eventId: string,
  deps: ApplyDeps,
): Promise<BumpAction[]> {
  const { eligible, skips } = await gateTargets(rule, image, trigger, deps);
  const actions: BumpAction[] = [...skips];
  const pushTimes = pushTimesFor(rule, image, trigger, deps);
  for (const group of groupByBranch(eligible.filter(isBranchTarget))) {
    const host = deps.hostFor(group.repository);
    const context = {
      rule,
      image,
      eventId,
      pushTimes,
      dryRun: deps.dryRun ?? false,
      config: deps.config,
      ...(deps.listings ? { listings: deps.listings } : {}),
    };
    actions.push(...(await bumpBranch(host, group, context)));
  }
  for (const target of eligible.filter((t): t is ParameterTarget => t.kind === 'ssm')) {
    actions.push(await applyParameter(target, rule, image, pushTimes, deps));
  }
  return actions;
}

export function pushTimesFor(
  rule: ImageRule,
  image: PushedImage,
  trigger: Trigger,
  deps: ApplyDeps,
): PushTimeLookup {
  const listed = trigger.kind === 'reconcile' ? trigger.pushTimes : undefined;
  return new PushTimeLookup(rule, image, deps.registry, listed);
}

export async function applyParameter(
  target: ParameterTarget,
  rule: ImageRule,
  image: PushedImage,
  pushTimes: PushTimeLookup,
  deps: ApplyDeps,
): Promise<BumpAction> {
  if (!deps.parameters) throw new Error('ssm targets need a parameter store');
  const reserved = reservedParameterProblem(
    target.parameter,
    reservedParameters(deps.config, deps.reservedParameters),
  );
  if (reserved !== undefined)
    throw new ConfigError('the configuration', [`images[ecr=${rule.ecr}]: ${reserved}`]);
  return bumpParameter(deps.parameters, target, rule, image, pushTimes, deps.dryRun ?? false);
}

/** The targets the trigger applies (scan gates decided), and a skip for each one held back. */
export async function gateTargets(
  rule: ImageRule,
  image: PushedImage,
  trigger: Trigger,
  deps: ApplyDeps,
): Promise<{ eligible: Target[]; skips: BumpAction[] }> {
  const skips: BumpAction[] = [];
  const eligible: Target[] = [];
  const scan = lazyScan(trigger, image, deps);
  for (const target of rule.update) {
    const gate = await gateVerdict(target, trigger, scan);
    if (gate === 'not-applicable') continue;
    if (gate.ok) eligible.push(target);
    else skips.push({ type: 'skip', ...where(target), reason: gate.reason });
  }
  return { eligible, skips };
}

/** The scan result of the image, fetched once and only if a gated target asks (reconcile only). */
function lazyScan(
  trigger: Trigger,
  image: PushedImage,
  deps: ApplyDeps,
): () => Promise<ScanOutcome | undefined> {
  let pending: Promise<ScanOutcome | undefined> | undefined;
  return () => {
    if (trigger.kind === 'scan') return Promise.resolve(trigger.scan);
    const { registry } = deps;
    const digest = image.digest;
    if (!registry || !digest) return Promise.resolve(undefined);
    pending ??= registry
      .scanFindings(image.ecr, digest, image.origin)
      .then((found) => found && { ...found, complete: isScanComplete(found.status) });
    return pending;
  };
}

async function gateVerdict(target: Target, trigger: Trigger, scan: () => Promise<ScanOutcome | undefined>) {
  const gate = target.scan;
  if (!gate) return trigger.kind === 'scan' ? 'not-applicable' : { ok: true as const };
  if (trigger.kind === 'push') {
    return { ok: false as const, reason: `waits for the image scan (scan gate at ${gate.severity})` };
  }
  return evaluateScan(gate, await scan());
}

function where(target: Target) {
  if (target.kind === 'ssm') return { parameter: target.parameter };
  if (target.kind === 'discover')
    return { repository: target.repository, branch: target.branch, file: target.files.join(', ') };
  return { repository: target.repository, branch: target.branch, file: target.file };
}
