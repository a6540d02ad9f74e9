/** Replacing one scalar at its exact offsets, in its own quoting style. */
import type { Scalar } from 'yaml';
import { ManifestError } from '#domain/errors.ts';
import type { YamlFile } from './file.ts';
import type { Located } from './navigation.ts';
import { expectScalar, readsBackPlain, scalarText } from './scalars.ts';
import type { Patch } from './self-check.ts';

/** Replace the scalar at `at` with the string `value`. */
export interface ScalarChange {
  readonly kind: 'set';
  readonly at: Located;
  readonly value: string;
}

/** New text for the bytes from `start` to `end` of the file. */
export interface Splice {
  start: number;
  end: number;
  text: string;
}

export function scalarSplice(
  file: YamlFile,
  change: ScalarChange,
  location: string,
): { splice: Splice; patch: Patch } | undefined {
  const { at, value } = change;
  const scalar = expectScalar(file, at, location);
  // Already there, and read as a string: nothing to do. A plain `tag: 1.10` holding the right text
  // is still rewritten, as `"1.10"`, because YAML reads it as the number 1.1.
  const alwaysString = scalar.type !== undefined && scalar.type !== 'PLAIN';
  if (scalarText(file, scalar) === value && (alwaysString || readsBackPlain(value, at.inFlow)))
    return undefined;
  const [start, end] = scalar.range ?? [0, 0];
  const raw = file.text.slice(start, end);
  const patch = { doc: at.doc, path: at.path, value };
  const multiLine = () =>
    new ManifestError(
      file.file,
      location,
      `\`${at.display}\` spans several lines; put the value on one line so it can be replaced safely`,
    );
  switch (scalar.type) {
    case 'QUOTE_DOUBLE':
      if (raw.includes('\n')) throw multiLine();
      return { splice: { start, end, text: JSON.stringify(value) }, patch };
    case 'QUOTE_SINGLE':
      if (raw.includes('\n')) throw multiLine();
      return { splice: { start, end, text: `'${value.replaceAll("'", "''")}'` }, patch };
    case 'BLOCK_FOLDED':
    case 'BLOCK_LITERAL':
      return blockSplice(file, scalar, start, raw, change, location);
    default: {
      if (raw.includes('\n')) throw multiLine();
      let text = readsBackPlain(value, at.inFlow) ? value : JSON.stringify(value);
      if (start === end) {
        // An empty value (`tag:`): keep a space after the colon and before a following comment.
        if (!/\s/.test(file.text[start - 1] ?? ' ')) text = ` ${text}`;
        if (file.text[start] === '#') text = `${text} `;
      }
      return { splice: { start, end, text }, patch };
    }
  }
}

/** `image: >-` followed by one content line: replace that line's text, keep header and indent. */
function blockSplice(
  file: YamlFile,
  scalar: Scalar,
  start: number,
  raw: string,
  change: ScalarChange,
  location: string,
) {
  const { at, value } = change;
  const fail = (why: string) =>
    new ManifestError(
      file.file,
      location,
      `\`${at.display}\` is a block scalar that ${why}; edit it by hand or make it a one-line value`,
    );
  const headerEnd = raw.indexOf('\n');
  let lineStart = headerEnd + 1;
  let content: { start: number; end: number } | undefined;
  while (headerEnd >= 0 && lineStart < raw.length) {
    const lineEnd = raw.indexOf('\n', lineStart) < 0 ? raw.length : raw.indexOf('\n', lineStart);
    const line = raw.slice(lineStart, lineEnd).replace(/\r$/, '');
    if (line.trim() !== '') {
      if (content) throw fail('holds several lines');
      const indent = line.length - line.trimStart().length;
      content = { start: lineStart + indent, end: lineStart + line.trimEnd().length };
    }
    lineStart = lineEnd + 1;
  }
  if (!content) throw fail('is empty');
  if (/[\r\n]/.test(value) || value !== value.trim() || value === '')
    throw fail(`cannot hold ${JSON.stringify(value)}`);
  const oldCore = raw.slice(content.start, content.end);
  const oldValue = String(scalar.value);
  if (!oldValue.startsWith(oldCore)) throw fail('folds its text in a way this editor does not rewrite');
  return {
    splice: { start: start + content.start, end: start + content.end, text: value },
    patch: { doc: at.doc, path: at.path, value: value + oldValue.slice(oldCore.length) },
  };
}
