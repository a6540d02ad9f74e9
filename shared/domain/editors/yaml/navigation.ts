/** Walking a parsed YAML document: nodes found with their path, and why a path leads nowhere. */
import { isAlias, isMap, isScalar, isSeq, type ParsedNode } from 'yaml';
import type { YamlFile } from './file.ts';
import { appendSegment, type PathSegment } from './path-syntax.ts';

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

export type Resolution = { readonly found: Located } | { readonly missing: string };

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
