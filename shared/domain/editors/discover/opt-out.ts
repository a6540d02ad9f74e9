/**
 * The opt-out marker: a reference is left alone when `# flowkeeper: ignore` is on the line of the
 * value (or of the key that introduces it) or on the line above. JSON has no comments: nothing opts
 * a JSON reference out; narrow the globs, or name the file's values with explicit targets instead.
 */

const MARKER = /#\s*flowkeeper:\s*ignore\b/;

export const OPT_OUT_MARKER = '# flowkeeper: ignore';

/** Whether the line holding `offset`, or the line above it, carries the marker. */
export function optedOut(text: string, offsets: readonly number[]): boolean {
  for (const offset of offsets) {
    const lineStart = offset > 0 ? text.lastIndexOf('\n', offset - 1) + 1 : 0;
    const lineEnd = text.indexOf('\n', offset);
    const line = text.slice(lineStart, lineEnd < 0 ? text.length : lineEnd);
    if (MARKER.test(line)) return true;
    if (lineStart > 0) {
      const previousStart = text.lastIndexOf('\n', lineStart - 2) + 1;
      if (MARKER.test(text.slice(previousStart, lineStart - 1))) return true;
    }
  }
  return false;
}
