/**
 * Applying edits to a YAML file. One scalar is replaced at its exact offsets in its own quoting
 * style, or key lines are inserted into a mapping; the result is parsed again and rejected unless
 * the only change in meaning is the intended one. Every other byte stays as it was.
 */
import type { YamlFile } from './file.ts';
import { insertionSplice, type KeyInsertion } from './key-insertion.ts';
import { type ScalarChange, type Splice, scalarSplice } from './scalar-splice.ts';
import { assertNotShared, type Patch, selfCheck, verifyEdit } from './self-check.ts';

export type Change = ScalarChange | KeyInsertion;

/**
 * Apply `changes` to the file text and return the new text. Throws when a target is shared
 * through an anchor, cannot be rewritten in place, or when the re-parsed result differs from the
 * original anywhere but at the changed values (the self-check).
 */
export function applyChanges(file: YamlFile, changes: readonly Change[], location: string): string {
  const splices: Splice[] = [];
  const patches: Patch[] = [];
  for (const change of changes) {
    if (change.kind === 'set') {
      assertNotShared(file, change.at, location);
      const edit = scalarSplice(file, change, location);
      if (!edit) continue;
      splices.push(edit.splice);
      patches.push(edit.patch);
    } else {
      assertNotShared(file, change.map, location);
      const edit = insertionSplice(file, change, location);
      splices.push(edit.splice);
      patches.push(...edit.patches);
    }
  }
  if (splices.length === 0) return file.text;
  splices.sort((a, b) => b.start - a.start || b.end - a.end);
  let text = file.text;
  let limit = text.length;
  for (const splice of splices) {
    if (splice.end > limit) throw selfCheck(file, location, 'two edits overlap');
    text = text.slice(0, splice.start) + splice.text + text.slice(splice.end);
    limit = splice.start;
  }
  verifyEdit(file, text, patches, location);
  return text;
}
