/**
 * What each environment branch of a promotion order holds for the configured images. An image
 * target names one branch (usually the first stage); the same file and selector on the other
 * stages is what a promotion carries forward, so every stage is read through the same target.
 */

import { describeTarget } from './describe-target.ts';
import type { CurrentImage } from './editors/editor.ts';
import { readTarget } from './editors/index.ts';
import { ManifestError } from './errors.ts';
import { compareTags, type TagOrdering } from './tag-policy.ts';
import { type FileTarget, isFileTarget, type Target } from './targets.ts';

/** One value tracked across the stages: an image's target, its branch set aside. */
export interface TrackedValue {
  /** ECR repository name of the image rule. */
  image: string;
  file: string;
  /** What the target selects, e.g. `kustomize image my-app`. */
  selector: string;
  target: FileTarget;
  /** How the image rule orders tags, to tell a promotion from a downgrade. */
  ordering?: TagOrdering;
}

export interface ImageTargets {
  ecr: string;
  update: Target[];
  tags?: { ordering: TagOrdering };
}

/** The text each stage holds for a file; undefined when the file does not exist on that branch. */
export type StageFiles = ReadonlyMap<string, ReadonlyMap<string, string | undefined>>;

/** A value on one stage: the tag (and digest), absent when the file or the target is missing. */
export type StageValue =
  | { state: 'set'; text: string; image: CurrentImage }
  | { state: 'missing'; reason: string };

export interface ValueChange {
  image: string;
  file: string;
  selector: string;
  from: string;
  to: string;
  /** The tag ordering ranks the promoted value older than the one it replaces. */
  downgrade?: true;
}

/**
 * The file targets of `repository` whose branch is one of `stages`, deduplicated by file and
 * selector (two rules writing the same value on different stages are tracked once).
 */
export function trackedValues(images: ImageTargets[], repository: string, stages: string[]): TrackedValue[] {
  const seen = new Set<string>();
  const tracked: TrackedValue[] = [];
  for (const rule of images) {
    for (const target of rule.update) {
      if (!isFileTarget(target) || target.repository !== repository || !stages.includes(target.branch))
        continue;
      const selector = describeTarget(target);
      const key = `${rule.ecr}\u0000${target.file}\u0000${selector}`;
      if (seen.has(key)) continue;
      seen.add(key);
      tracked.push({
        image: rule.ecr,
        file: target.file,
        selector,
        target,
        ...(rule.tags ? { ordering: rule.tags.ordering } : {}),
      });
    }
  }
  return tracked;
}

/** The files to read on every stage. */
export function trackedFiles(values: TrackedValue[]): string[] {
  return [...new Set(values.map((v) => v.file))];
}

/** Read one tracked value from the files of one stage; a missing or unreadable target is reported, not thrown. */
export function stageValue(value: TrackedValue, files: ReadonlyMap<string, string | undefined>): StageValue {
  const text = files.get(value.file);
  if (text === undefined) return { state: 'missing', reason: `${value.file} does not exist` };
  try {
    const image = readTarget(text, value.target);
    return { state: 'set', text: formatImage(image), image };
  } catch (error) {
    if (error instanceof ManifestError) return { state: 'missing', reason: error.message };
    throw error;
  }
}

/** `1.4.2`, `1.4.2@sha256:4444…` when pinned, or the short digest alone. */
export function formatImage(image: Pick<CurrentImage, 'tag' | 'digest'>): string {
  const digest = image.digest ? `${image.digest.slice(0, 'sha256:'.length + 12)}…` : undefined;
  if (image.tag && digest) return `${image.tag}@${digest}`;
  return image.tag ?? digest ?? '(no tag)';
}

/**
 * Whether the source stage holds something the destination lacks: a value where the destination has
 * none, or a different one the tag ordering does not rank older (unrankable tags count as ahead).
 */
export function isAhead(value: TrackedValue, source: StageValue, destination: StageValue): boolean {
  if (source.state !== 'set') return false;
  if (destination.state !== 'set') return true;
  if (source.text === destination.text) return false;
  const { tag: from } = source.image;
  const { tag: to } = destination.image;
  if (value.ordering === undefined || from === undefined || to === undefined || from === to) return true;
  return (compareTags(value.ordering, from, to) ?? 1) > 0;
}

/** The values that differ between two stages: what promoting `from` into `to` would change. */
export function valueChanges(
  values: TrackedValue[],
  files: StageFiles,
  from: string,
  to: string,
): ValueChange[] {
  const changes: ValueChange[] = [];
  for (const value of values) {
    const source = stageValue(value, files.get(from) ?? new Map());
    const destination = stageValue(value, files.get(to) ?? new Map());
    const sourceText = source.state === 'set' ? source.text : '(none)';
    const destinationText = destination.state === 'set' ? destination.text : '(none)';
    if (source.state === 'missing' || sourceText === destinationText) continue;
    const change: ValueChange = {
      image: value.image,
      file: value.file,
      selector: value.selector,
      from: destinationText,
      to: sourceText,
    };
    if (!isAhead(value, source, destination)) change.downgrade = true;
    changes.push(change);
  }
  return changes;
}

/**
 * One line per image when all of its targets move the same way (`my-app 1.4.1 → 1.4.2`), else one
 * line per file, so a description stays short for the common case and exact for the odd one.
 */
export function summarizeChanges(changes: ValueChange[]): string[] {
  const byImage = new Map<string, ValueChange[]>();
  for (const change of changes) byImage.set(change.image, [...(byImage.get(change.image) ?? []), change]);
  const lines: string[] = [];
  for (const [image, list] of byImage) {
    const moves = new Set(list.map((c) => `${c.from} → ${c.to}${c.downgrade ? ', a downgrade' : ''}`));
    if (moves.size === 1) {
      const files = list.length === 1 ? list[0]!.file : `${list.length} files`;
      lines.push(`${image} ${[...moves][0]} (${files})`);
    } else {
      for (const c of list) {
        lines.push(
          `${image} ${c.from} → ${c.to} (${c.file}, ${c.selector}${c.downgrade ? ', a downgrade' : ''})`,
        );
      }
    }
  }
  return lines;
}
