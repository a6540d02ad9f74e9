import { describeTarget } from './describe-target.ts';
import type { DesiredImage } from './editors/editor.ts';
import { readTarget, writeTarget } from './editors/index.ts';
import { decideUpgrade, type PushTimes, type TagPolicy } from './tag-policy.ts';
import type { DigestMode, FileTarget } from './targets.ts';

/** The image an event announces, with the name to write when a target asks for it. */
export interface PushedImage {
  /** ECR repository name. */
  ecr: string;
  /** Repository URI written by targets with `setName`. */
  name: string;
  tag: string;
  digest?: string;
  /** ECR push time (epoch ms) when known. */
  pushedAt?: number;
  /** The account and region of the registry the event came from; ECR look-ups go there. */
  origin?: { account: string; region: string };
}

export interface ChangeRecord {
  file: string;
  target: string;
  from: string;
  to: string;
}

export interface TargetSkip {
  file: string;
  target: string;
  reason: string;
}

export interface BranchPlan {
  /** New content of every file that changes, in target order. */
  files: Map<string, string>;
  changes: ChangeRecord[];
  skips: TargetSkip[];
}

export interface BranchPlanInput {
  policy: TagPolicy;
  digest: DigestMode;
  /** Targets on one repository and branch. */
  targets: FileTarget[];
  /** Current content of every file the targets name, all read at the same commit. */
  files: ReadonlyMap<string, string>;
  image: PushedImage;
  /** Push times of the pushed and current tags, for `push-time` ordering. */
  pushTimes?: PushTimes;
}

/**
 * Whether the image name a manifest holds next to the tag is the pushed image's repository: its
 * URI, its ECR name, or any registry path ending in it.
 */
export function namesImage(name: string | undefined, image: Pick<PushedImage, 'ecr' | 'name'>): boolean {
  if (name === undefined) return false;
  const held = name.toLowerCase();
  return held === image.name.toLowerCase() || held === image.ecr || held.endsWith(`/${image.ecr}`);
}

/** The tags the targets hold now (to look up push times before planning). */
export function currentTags(targets: FileTarget[], files: ReadonlyMap<string, string>): string[] {
  const tags = new Set<string>();
  for (const target of targets) {
    const text = files.get(target.file);
    const tag = text === undefined ? undefined : readTarget(text, target).tag;
    if (tag !== undefined) tags.add(tag);
  }
  return [...tags];
}

/**
 * Decide and apply every target of one branch in memory. Pure: throws `ManifestError` on the first
 * unreadable file or missing/ambiguous target, so nothing of a broken plan is ever committed.
 */
export function planBranch(input: BranchPlanInput): BranchPlan {
  const working = new Map(input.files);
  const plan: BranchPlan = { files: new Map(), changes: [], skips: [] };
  const desired: DesiredImage = { name: input.image.name, tag: input.image.tag };
  if (input.digest === 'pin' && input.image.digest) desired.digest = input.image.digest;

  for (const target of input.targets) {
    const text = working.get(target.file);
    if (text === undefined) throw new Error(`planBranch: ${target.file} was not read`);
    const current = readTarget(text, target);
    const sameImage = namesImage(current.name, input.image);
    const verdict = decideUpgrade(input.policy, current.tag, input.image.tag, input.pushTimes, { sameImage });
    if (!verdict.ok) {
      plan.skips.push({ file: target.file, target: current.location, reason: verdict.reason });
      continue;
    }
    const outcome = writeTarget(text, target, desired);
    if (outcome.text === text) {
      plan.skips.push({
        file: target.file,
        target: outcome.location,
        reason: `${describeTarget(target)} already holds ${outcome.to}`,
      });
      continue;
    }
    working.set(target.file, outcome.text);
    plan.files.set(target.file, outcome.text);
    plan.changes.push({ file: target.file, target: outcome.location, from: outcome.from, to: outcome.to });
  }
  return plan;
}
