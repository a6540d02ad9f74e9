/** Reading scalars as text, and whether a value can be written without quotes. */
import { isAlias, isScalar, parseDocument, type Scalar } from 'yaml';
import { ManifestError } from '#domain/errors.ts';
import { lineAndColumn, type YamlFile } from './file.ts';
import { describeNode, type Located } from './navigation.ts';

/** The scalar at `at`, or a ManifestError that says what is there instead. */
export function expectScalar(file: YamlFile, at: Located, location: string): Scalar {
  const node = at.node;
  if (isAlias(node)) {
    const anchored = node.resolve(file.documents[at.doc]!);
    const anchorAt = anchored?.range ? ` at ${lineAndColumn(file.text, anchored.range[0]).label}` : '';
    throw new ManifestError(
      file.file,
      location,
      `\`${at.display}\` is an alias (*${node.source}) of another value; edit the value anchored as &${node.source}${anchorAt} instead`,
    );
  }
  if (!isScalar(node)) {
    throw new ManifestError(
      file.file,
      location,
      `\`${at.display}\` is ${describeNode(node)} where a single value was expected`,
    );
  }
  return node;
}

/**
 * What a scalar holds as text. A plain scalar is read from its source, so `tag: 0.10` reads as
 * `0.10` even though YAML would make it the number 0.1; a null reads as the empty string.
 */
export function scalarText(file: YamlFile, scalar: Scalar): string {
  const [start, end] = scalar.range ?? [0, 0];
  if (scalar.type === 'PLAIN') {
    // `tag:`, `tag: ~` and `tag: null` all mean "no value" to every YAML reader.
    if (scalar.value === null) return '';
    const raw = file.text.slice(start, end);
    return raw.includes('\n') ? String(scalar.source ?? scalar.value) : raw;
  }
  const value = String(scalar.value ?? '');
  return scalar.type === 'BLOCK_FOLDED' || scalar.type === 'BLOCK_LITERAL'
    ? value.replace(/\n+$/, '')
    : value;
}

/** Would `value`, written without quotes, read back as exactly this string in YAML 1.2 and 1.1? */
export function readsBackPlain(value: string, inFlow: boolean): boolean {
  if (value === '' || value !== value.trim() || /[\r\n\t]/.test(value)) return false;
  const source = inFlow ? `[${value}]\n` : `k: ${value}\n`;
  for (const version of ['1.2', '1.1'] as const) {
    const doc = parseDocument(source, { version });
    if (doc.errors.length > 0) return false;
    const js: unknown = doc.toJS();
    const read = inFlow
      ? Array.isArray(js) && js.length === 1
        ? js[0]
        : undefined
      : js !== null && typeof js === 'object' && Object.keys(js).length === 1
        ? (js as Record<string, unknown>).k
        : undefined;
    if (read !== value) return false;
  }
  return true;
}

export function plainOrQuoted(value: string, inFlow: boolean): string {
  return readsBackPlain(value, inFlow) ? value : JSON.stringify(value);
}
