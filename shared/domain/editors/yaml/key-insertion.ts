/** Adding `key: value` lines to a mapping, in its own indentation and line endings. */
import { isMap, isScalar, type ParsedNode, type YAMLMap } from 'yaml';
import { ManifestError } from '#domain/errors.ts';
import type { YamlFile } from './file.ts';
import { describeNode, type Located } from './navigation.ts';
import type { Splice } from './scalar-splice.ts';
import { plainOrQuoted } from './scalars.ts';
import type { Patch } from './self-check.ts';

/** Add `key: value` lines (in this order) to the mapping at `map`, after its last entry. */
export interface KeyInsertion {
  readonly kind: 'insert';
  readonly map: Located;
  readonly entries: readonly (readonly [key: string, value: string])[];
}

export function insertionSplice(
  file: YamlFile,
  change: KeyInsertion,
  location: string,
): { splice: Splice; patches: Patch[] } {
  const { map: at, entries } = change;
  const fail = (why: string) =>
    new ManifestError(
      file.file,
      location,
      `cannot add ${entries.map(([k]) => `\`${k}\``).join(', ')} to \`${at.display}\`: ${why}; add the key by hand once`,
    );
  if (!isMap(at.node)) throw fail(`it is ${describeNode(at.node)}, not a mapping`);
  const map: YAMLMap = at.node;
  const first = map.items[0];
  const last = map.items.at(-1);
  const lastValue = last?.value as ParsedNode | null | undefined;
  const firstKey = first?.key as ParsedNode | null | undefined;
  if (!firstKey?.range || !lastValue?.range) throw fail('the mapping is empty');
  const patches = entries.map(([key, value]) => ({ doc: at.doc, path: [...at.path, key], value }));
  const text = file.text;

  if (map.flow) {
    const valueEnd = lastValue.range[1];
    const close = text.lastIndexOf('}', (map.range?.[1] ?? valueEnd) - 1);
    if (close < valueEnd || text.slice(valueEnd, close).trim() !== '')
      throw fail('its closing brace was not found');
    const added = entries.map(([key, value]) => `, ${key}: ${plainOrQuoted(value, true)}`).join('');
    return { splice: { start: valueEnd, end: valueEnd, text: added }, patches };
  }

  if (!isScalar(lastValue)) throw fail('its last entry holds a nested block');
  const valueEnd = lastValue.range[1];
  if (text.slice(lastValue.range[0], valueEnd).includes('\n'))
    throw fail('its last value spans several lines');
  const newline = text.indexOf('\n', valueEnd);
  const lineEnd = newline < 0 ? text.length : text[newline - 1] === '\r' ? newline - 1 : newline;
  const rest = text.slice(valueEnd, lineEnd);
  if (rest.includes('\n') || !/^\s*(#.*)?$/.test(rest)) throw fail('its last value does not end its line');
  const keyStart = firstKey.range[0];
  const indent = keyStart - (text.lastIndexOf('\n', keyStart - 1) + 1);
  const eol = lineEndingOf(text, newline);
  const added = entries
    .map(([key, value]) => `${eol}${' '.repeat(indent)}${key}: ${plainOrQuoted(value, false)}`)
    .join('');
  return { splice: { start: lineEnd, end: lineEnd, text: added }, patches };
}

/** The line ending at `newline` (an index of `\n`, or -1 at the end of the file): the file's own. */
function lineEndingOf(text: string, newline: number): string {
  if (newline >= 0) return text[newline - 1] === '\r' ? '\r\n' : '\n';
  const any = text.indexOf('\n');
  return any > 0 && text[any - 1] === '\r' ? '\r\n' : '\n';
}
