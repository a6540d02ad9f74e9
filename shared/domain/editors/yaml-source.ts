/**
 * Shared machinery of the YAML manifest editors. A file is parsed with source ranges kept; a
 * target is found by path; one scalar is replaced at its exact offsets in its own quoting style
 * (or one key line is inserted into a mapping); the result is parsed again and rejected unless
 * the only change in meaning is the intended one. Every other byte stays as it was.
 */
import { isDeepStrictEqual } from 'node:util';
import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type ParsedNode,
  parseAllDocuments,
  parseDocument,
  type Scalar,
  visit,
  type YAMLMap,
} from 'yaml';
import { ManifestError } from '#domain/errors.ts';
import { parseImageReference } from '#domain/image-reference.ts';
import type { DesiredImage } from './editor.ts';

export interface YamlFile {
  readonly file: string;
  readonly text: string;
  readonly documents: readonly Document.Parsed[];
}

/** Keys and indexes from the document root, as the parsed JavaScript value sees them. */
export type JsPath = readonly (string | number)[];

/** A node found in a document, with what is needed to describe it, edit it and check the edit. */
export interface Located {
  readonly doc: number;
  readonly node: ParsedNode;
  readonly path: JsPath;
  /** Human-readable path, e.g. `spec.containers[name=web].image`. */
  readonly display: string;
  /** Inside a flow collection (`{…}`, `[…]`), where plain scalars follow stricter rules. */
  readonly inFlow: boolean;
  /** Collections from the document root down to the parent. */
  readonly ancestors: readonly ParsedNode[];
}

export type PathSegment =
  | { readonly kind: 'key'; readonly key: string }
  | { readonly kind: 'index'; readonly index: number }
  | { readonly kind: 'select'; readonly key: string; readonly value: string };

export type Resolution = { readonly found: Located } | { readonly missing: string };

/** Replace the scalar at `at` with the string `value`. */
export interface ScalarChange {
  readonly kind: 'set';
  readonly at: Located;
  readonly value: string;
}

/** Add `key: value` lines (in this order) to the mapping at `map`, after its last entry. */
export interface KeyInsertion {
  readonly kind: 'insert';
  readonly map: Located;
  readonly entries: readonly (readonly [key: string, value: string])[];
}

export type Change = ScalarChange | KeyInsertion;

// ---------------------------------------------------------------------------------------------
// Parsing

export function parseYamlFile(text: string, file: string): YamlFile {
  const documents = Array.from(parseAllDocuments(text));
  for (const doc of documents) {
    const error = doc.errors[0];
    if (error) {
      const at = lineAndColumn(text, error.pos[0]);
      const near = at.lineText.trim() === '' ? '' : ` near ${JSON.stringify(at.lineText.trim())}`;
      throw new ManifestError(
        file,
        at.label,
        `invalid YAML: ${firstSentence(error.message)}${near}; fix the file so it parses`,
      );
    }
  }
  return { file, text, documents };
}

function firstSentence(message: string): string {
  return message.replace(/ at line \d+, column \d+:[\s\S]*$/, '');
}

export function lineAndColumn(text: string, offset: number) {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const lineStart = before.lastIndexOf('\n') + 1;
  const lineEnd = text.indexOf('\n', offset);
  const lineText = text.slice(lineStart, lineEnd < 0 ? text.length : lineEnd).replace(/\r$/, '');
  const column = offset - lineStart + 1;
  return { line, column, lineText, label: `line ${line}, column ${column}` };
}

// ---------------------------------------------------------------------------------------------
// Paths

const PATH_HELP =
  'write keys separated by dots (a dot inside a key is written \\.), [n] for a list index and [key=value] to pick the list entry whose key has that value';

/** `a.b[0].c`, `spec.containers[name=web].image`, `annotations.example\.com/x`. */
export function parsePath(path: string, file: string): PathSegment[] {
  const fail = (why: string) => new ManifestError(file, path, `invalid path: ${why}; ${PATH_HELP}`);
  if (path === '') throw fail('the path is empty');
  const segments: PathSegment[] = [];
  let i = 0;
  for (;;) {
    let key = '';
    let hasKey = false;
    while (i < path.length && path[i] !== '.' && path[i] !== '[') {
      if (path[i] === '\\') {
        const next = path[i + 1];
        if (next === undefined) throw fail('it ends with a lone backslash');
        key += next;
        i += 2;
      } else {
        key += path[i];
        i += 1;
      }
      hasKey = true;
    }
    if (hasKey) segments.push({ kind: 'key', key });
    else if (!(i === 0 && path[i] === '[')) throw fail(`empty key at character ${i + 1}`);
    while (path[i] === '[') {
      const close = path.indexOf(']', i);
      if (close < 0) throw fail(`unclosed [ at character ${i + 1}`);
      segments.push(parseBracket(path.slice(i + 1, close), fail));
      i = close + 1;
    }
    if (i >= path.length) return segments;
    if (path[i] !== '.') throw fail(`expected . or [ at character ${i + 1}`);
    i += 1;
    if (i >= path.length) throw fail('it ends with a dot');
  }
}

function parseBracket(inner: string, fail: (why: string) => ManifestError): PathSegment {
  if (/^\d+$/.test(inner)) return { kind: 'index', index: Number(inner) };
  const eq = inner.indexOf('=');
  if (eq > 0) {
    const key = inner.slice(0, eq).trim();
    const value = inner
      .slice(eq + 1)
      .trim()
      .replace(/^(["'])(.*)\1$/, '$2');
    if (key !== '') return { kind: 'select', key, value };
  }
  throw fail(`[${inner}] is neither an index nor a key=value selector`);
}

export function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const segment of segments) out = appendSegment(out, segment);
  return out;
}

function appendSegment(display: string, segment: PathSegment): string {
  switch (segment.kind) {
    case 'key': {
      const key = segment.key.replace(/[\\.[]/g, (c) => `\\${c}`);
      return display === '' ? key : `${display}.${key}`;
    }
    case 'index':
      return `${display}[${segment.index}]`;
    case 'select':
      return `${display}[${segment.key}=${segment.value}]`;
  }
}

// ---------------------------------------------------------------------------------------------
// Navigation

export function documentRoot(file: YamlFile, doc: number): Located | undefined {
  const node = file.documents[doc]?.contents;
  if (!node) return undefined;
  return { doc, node, path: [], display: '', inFlow: isFlow(node), ancestors: [] };
}

function isFlow(node: ParsedNode): boolean {
  return (isMap(node) || isSeq(node)) && node.flow === true;
}

function descend(parent: Located, node: ParsedNode, key: string | number, display: string): Located {
  return {
    doc: parent.doc,
    node,
    path: [...parent.path, key],
    display,
    inFlow: parent.inFlow || isFlow(node),
    ancestors: [...parent.ancestors, parent.node],
  };
}

/** The string a mapping key or a scalar reads as (what the parsed JavaScript object uses). */
function keyString(node: unknown): string | undefined {
  if (!isScalar(node)) return undefined;
  return node.value === null ? '' : String(node.value);
}

/** Entries of a mapping, in file order. Keys that are not scalars are skipped. */
export function mapEntries(at: Located): { key: string; value: Located }[] {
  if (!isMap(at.node)) return [];
  const out: { key: string; value: Located }[] = [];
  for (const pair of at.node.items) {
    const key = keyString(pair.key);
    if (key === undefined || !pair.value) continue;
    const display = appendSegment(at.display, { kind: 'key', key });
    out.push({ key, value: descend(at, pair.value as ParsedNode, key, display) });
  }
  return out;
}

export function child(at: Located, key: string): Located | undefined {
  return mapEntries(at).find((entry) => entry.key === key)?.value;
}

export function seqItems(at: Located): Located[] {
  if (!isSeq(at.node)) return [];
  return at.node.items.map((item, index) =>
    descend(at, item as ParsedNode, index, appendSegment(at.display, { kind: 'index', index })),
  );
}

/** The same node, described by a `[key=value]` selector instead of its index. */
export function selectedAs(item: Located, parent: Located, key: string, value: string): Located {
  return { ...item, display: appendSegment(parent.display, { kind: 'select', key, value }) };
}

export function describeNode(node: ParsedNode): string {
  if (isAlias(node)) return `an alias (*${node.source})`;
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (node.value === null) return 'empty';
  return `a ${typeof node.value === 'string' ? 'string' : typeof node.value} scalar`;
}

function listed(values: readonly string[]): string {
  if (values.length === 0) return 'none';
  const shown = values.slice(0, 25).join(', ');
  return values.length > 25 ? `${shown}, … (${values.length} in all)` : shown;
}

function where(at: Located): string {
  return at.display === '' ? 'the document root' : `\`${at.display}\``;
}

/** Follow `segments` from the document root. Never throws: a dead end says why. */
export function resolvePath(file: YamlFile, doc: number, segments: readonly PathSegment[]): Resolution {
  let at = documentRoot(file, doc);
  if (!at) return { missing: 'the document is empty' };
  for (const segment of segments) {
    if (isAlias(at.node)) {
      return {
        missing: `${where(at)} is an alias (*${at.node.source}); point the path at the anchored value &${at.node.source} instead`,
      };
    }
    const step = resolveSegment(at, segment);
    if ('missing' in step) return step;
    at = step.found;
  }
  return { found: at };
}

function resolveSegment(at: Located, segment: PathSegment): Resolution {
  if (segment.kind === 'key') {
    if (!isMap(at.node)) return { missing: `${where(at)} is ${describeNode(at.node)}, not a mapping` };
    const entries = mapEntries(at);
    const found = entries.find((entry) => entry.key === segment.key);
    if (found) return { found: found.value };
    return {
      missing: `${where(at)} has no key \`${segment.key}\` (keys: ${listed(entries.map((e) => e.key))})`,
    };
  }
  if (!isSeq(at.node)) return { missing: `${where(at)} is ${describeNode(at.node)}, not a list` };
  const items = seqItems(at);
  if (segment.kind === 'index') {
    const found = items[segment.index];
    if (found) return { found };
    return { missing: `${where(at)} has ${items.length} entries, so no index ${segment.index}` };
  }
  const matches: Located[] = [];
  const seen: string[] = [];
  for (const item of items) {
    const value = child(item, segment.key);
    const text = value && isScalar(value.node) ? keyString(value.node) : undefined;
    if (text === undefined) continue;
    seen.push(text);
    if (text === segment.value) matches.push(item);
  }
  const [first, ...others] = matches;
  if (!first) {
    return {
      missing: `${where(at)} has no entry with ${segment.key}=${segment.value} (${segment.key} values: ${listed(seen)})`,
    };
  }
  if (others.length > 0) {
    return {
      missing: `${where(at)} has ${matches.length} entries with ${segment.key}=${segment.value} (indexes ${matches.map((m) => m.path.at(-1)).join(', ')}); use an index instead`,
    };
  }
  return { found: selectedAs(first, at, segment.key, segment.value) };
}

// ---------------------------------------------------------------------------------------------
// Scalars

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

interface Splice {
  start: number;
  end: number;
  text: string;
}

interface Patch {
  doc: number;
  path: JsPath;
  value: string;
}

function scalarSplice(
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

// ---------------------------------------------------------------------------------------------
// Insertion

function insertionSplice(
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

function plainOrQuoted(value: string, inFlow: boolean): string {
  return readsBackPlain(value, inFlow) ? value : JSON.stringify(value);
}

/** The line ending at `newline` (an index of `\n`, or -1 at the end of the file): the file's own. */
function lineEndingOf(text: string, newline: number): string {
  if (newline >= 0) return text[newline - 1] === '\r' ? '\r\n' : '\n';
  const any = text.indexOf('\n');
  return any > 0 && text[any - 1] === '\r' ? '\r\n' : '\n';
}

// ---------------------------------------------------------------------------------------------
// Applying and checking

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
  verify(file, text, patches, location);
  return text;
}

function selfCheck(file: YamlFile, location: string, why: string): ManifestError {
  return new ManifestError(file.file, location, `self-check failed, nothing was written: ${why}`);
}

/** Editing a value inside an anchored node would also change every alias of it. */
function assertNotShared(file: YamlFile, at: Located, location: string): void {
  const anchored = [...at.ancestors, at.node].filter((node) => !isAlias(node) && node.anchor);
  if (anchored.length === 0) return;
  const aliases = new Set<string>();
  visit(file.documents[at.doc]!, {
    Alias(_, alias) {
      aliases.add(alias.source);
    },
  });
  for (const node of anchored) {
    const anchor = node.anchor!;
    if (!aliases.has(anchor)) continue;
    const what = node === at.node ? 'is anchored' : 'sits inside the value anchored';
    throw new ManifestError(
      file.file,
      location,
      `\`${at.display}\` ${what} as &${anchor}, which *${anchor} reuses elsewhere in the document; editing it would change every use. Point the target at a value that is not shared, or replace the alias with a copy`,
    );
  }
}

function toJs(doc: Document.Parsed, file: YamlFile, location: string): unknown {
  try {
    return doc.toJS();
  } catch (error) {
    throw new ManifestError(file.file, location, `the document cannot be read: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

function verify(file: YamlFile, text: string, patches: readonly Patch[], location: string): void {
  const after = Array.from(parseAllDocuments(text));
  const broken = after.find((doc) => doc.errors.length > 0);
  if (broken)
    throw selfCheck(
      file,
      location,
      `the edited file does not parse (${firstSentence(broken.errors[0]!.message)})`,
    );
  if (after.length !== file.documents.length) {
    throw selfCheck(
      file,
      location,
      `the edited file has ${after.length} documents instead of ${file.documents.length}`,
    );
  }
  file.documents.forEach((doc, index) => {
    const expected = toJs(doc, file, location);
    for (const patch of patches) {
      if (patch.doc === index) setIn(expected, patch.path, patch.value);
    }
    if (!isDeepStrictEqual(toJs(after[index]!, file, location), expected)) {
      const changed = patches.map((p) => JSON.stringify(p.value)).join(', ');
      throw selfCheck(
        file,
        location,
        `document ${index} does not read back as before with only ${changed} changed`,
      );
    }
  });
}

function setIn(root: unknown, path: JsPath, value: string): void {
  let node = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path.at(-1)!] = value;
}

// ---------------------------------------------------------------------------------------------
// Describing where things are

export interface Resource {
  kind?: string;
  name?: string;
}

/** `kind` and `metadata.name` of a Kubernetes-style object (a mapping), when it has them. */
export function resourceOf(at: Located): Resource | undefined {
  const kind = child(at, 'kind');
  const name = child(at, 'metadata') && child(child(at, 'metadata')!, 'name');
  const out: Resource = {};
  if (kind && isScalar(kind.node) && typeof kind.node.value === 'string') out.kind = kind.node.value;
  if (name && isScalar(name.node) && name.node.value !== null) out.name = String(name.node.value);
  return out.kind === undefined && out.name === undefined ? undefined : out;
}

export function formatResource(resource: Resource | undefined): string | undefined {
  if (!resource) return undefined;
  return [resource.kind, resource.name].filter((part) => part !== undefined).join('/');
}

/** `spec.image (document 2, Deployment/frontend)`; the document only when the file has several. */
export function describeLocation(file: YamlFile, display: string, doc: number, resource?: Resource): string {
  const context: string[] = [];
  if (file.documents.length > 1) context.push(`document ${doc}`);
  const named = formatResource(resource);
  if (named) context.push(named);
  return context.length > 0 ? `${display} (${context.join(', ')})` : display;
}

/**
 * The one node at `path`: in document `document` when given, otherwise in whichever document has
 * it. Throws when no document or several documents have it.
 */
export function locateUnique(file: YamlFile, path: string, document?: number): Located {
  const segments = parsePath(path, file.file);
  const count = file.documents.length;
  if (document !== undefined && (document < 0 || document >= count || !Number.isInteger(document))) {
    const range =
      count === 0
        ? 'no documents'
        : count === 1
          ? 'one document (0)'
          : `${count} documents (0 to ${count - 1})`;
    throw new ManifestError(file.file, path, `document ${document} does not exist: the file has ${range}`);
  }
  const candidates = document === undefined ? file.documents.map((_, index) => index) : [document];
  const found: Located[] = [];
  const missing: string[] = [];
  for (const doc of candidates) {
    const resolution = resolvePath(file, doc, segments);
    if ('found' in resolution) found.push(resolution.found);
    else missing.push(candidates.length > 1 ? `document ${doc}: ${resolution.missing}` : resolution.missing);
  }
  const [first, ...others] = found;
  if (!first) {
    if (count === 0) throw new ManifestError(file.file, path, 'not found: the file holds no YAML document');
    const shown = missing.length > 6 ? [...missing.slice(0, 6), `… (${missing.length - 6} more)`] : missing;
    throw new ManifestError(file.file, path, `not found: ${shown.join('; ')}`);
  }
  if (others.length > 0) {
    const places = found.map((at) => {
      const root = documentRoot(file, at.doc);
      const named = root ? formatResource(resourceOf(root)) : undefined;
      return `document ${at.doc}${named ? ` (${named})` : ''}`;
    });
    throw new ManifestError(
      file.file,
      path,
      `ambiguous: ${found.length} documents have this path: ${places.join(', ')}; set \`document\` on the target to the index of the one to change`,
    );
  }
  return first;
}

// ---------------------------------------------------------------------------------------------
// Image values held in scalars

/** `2026.8.3@sha256:…` → tag and digest; empty parts are absent. */
export function splitTagAndDigest(value: string): { tag?: string; digest?: string } {
  const at = value.indexOf('@');
  const tag = (at < 0 ? value : value.slice(0, at)).trim();
  const digest = at < 0 ? '' : value.slice(at + 1).trim();
  const out: { tag?: string; digest?: string } = {};
  if (tag !== '') out.tag = tag;
  if (digest !== '') out.digest = digest;
  return out;
}

/**
 * The reference `current` with a new tag (and digest when given; an inline digest is dropped
 * otherwise). The name part is kept byte for byte unless `name` is given.
 */
export function withTagAndDigest(
  current: string,
  tag: string,
  digest: string | undefined,
  name?: string,
): string {
  const at = current.indexOf('@');
  const base = at < 0 ? current : current.slice(0, at);
  const colon = base.lastIndexOf(':');
  const namePart = colon > base.lastIndexOf('/') ? base.slice(0, colon) : base;
  return `${name ?? namePart}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`;
}

export interface HeldImage {
  name?: string;
  tag?: string;
  digest?: string;
}

/** The image reference string (`repo:tag[@digest]`) held by the scalar at `at`. */
export function readReference(file: YamlFile, at: Located, location: string): HeldImage {
  const text = scalarText(file, expectScalar(file, at, location)).trim();
  if (text === '') return {};
  const ref = parseImageReference(text);
  const out: HeldImage = {};
  if (ref.name !== '') out.name = ref.name;
  if (ref.tag) out.tag = ref.tag;
  if (ref.digest) out.digest = ref.digest;
  return out;
}

/** Rewrite the reference string at `at` to carry `image`'s tag (and digest, and name with setName). */
export function referenceChange(
  file: YamlFile,
  at: Located,
  image: DesiredImage,
  setName: boolean,
  location: string,
): ScalarChange {
  const current = scalarText(file, expectScalar(file, at, location)).trim();
  if (!setName && parseImageReference(current).name === '') {
    throw new ManifestError(
      file.file,
      location,
      `\`${at.display}\` holds no image name to keep; enable setName on the target so the full reference is written`,
    );
  }
  return {
    kind: 'set',
    at,
    value: withTagAndDigest(current, image.tag, image.digest, setName ? image.name : undefined),
  };
}
