/** Finding fields and named entries in a parsed JSON document, with messages that say what is wrong. */
import { ManifestError } from '../../errors.ts';
import { type JsonDocument, type JsonNode, lineAndColumn } from './document.ts';

/** `an object`, `a string`…: for messages that say what was found instead. */
export function describeKind(node: JsonNode | undefined): string {
  if (!node) return 'nothing';
  if (node.type === 'null') return 'null';
  return node.type === 'array' || node.type === 'object' ? `an ${node.type}` : `a ${node.type}`;
}

/** The root of `doc` when it is of `type`; otherwise a ManifestError saying what was `expected`. */
export function expectRoot(doc: JsonDocument, type: 'object' | 'array', expected: string): JsonNode {
  if (doc.root.type !== type) {
    throw new ManifestError(doc.file, '', `expected ${expected}, found ${describeKind(doc.root)}`);
  }
  return doc.root;
}

/**
 * The value of `key` in an object node, or undefined when the key is absent. A key given twice is
 * an error: JSON readers disagree on which one wins.
 */
export function propertyValue(
  doc: JsonDocument,
  object: JsonNode,
  key: string,
  location: string,
): JsonNode | undefined {
  const values = (object.children ?? [])
    .filter((property) => property.children?.[0]?.value === key)
    .map((property) => property.children?.[1]);
  if (values.length > 1) {
    throw new ManifestError(
      doc.file,
      location,
      `the key "${key}" appears ${values.length} times in the same object (at ${values
        .map((value) => lineAndColumn(doc.text, value?.offset ?? 0))
        .join('; ')}); keep only one`,
    );
  }
  return values[0];
}

/** The string node of `key`, with a message naming what is missing or wrong otherwise. */
export function stringProperty(doc: JsonDocument, object: JsonNode, key: string, location: string): JsonNode {
  const { file } = doc;
  const value = propertyValue(doc, object, key, location);
  if (!value) {
    const lookalike = (object.children ?? [])
      .map((property) => property.children?.[0]?.value)
      .find((name): name is string => typeof name === 'string' && name.toLowerCase() === key.toLowerCase());
    const hint = lookalike ? ` (found "${lookalike}"; keys are case-sensitive)` : '';
    throw new ManifestError(
      file,
      location,
      `the field "${key}" is missing${hint}; add it with the image reference`,
    );
  }
  if (value.type !== 'string') {
    throw new ManifestError(
      file,
      location,
      `"${key}" is ${describeKind(value)}; it must be a string holding the image reference`,
    );
  }
  return value;
}

/**
 * The one object in `array` whose `name` is `name`. Entries that are not objects are an error;
 * entries without a string `name` never match.
 */
export function findNamedEntry(
  doc: JsonDocument,
  array: JsonNode,
  name: string,
  location: string,
  what: string,
): JsonNode {
  const { file } = doc;
  const entries = array.children ?? [];
  const names: string[] = [];
  const matches: number[] = [];
  entries.forEach((entry, index) => {
    if (entry.type !== 'object') {
      throw new ManifestError(
        file,
        location,
        `${what}[${index}] is ${describeKind(entry)}; expected an object`,
      );
    }
    const value = propertyValue(doc, entry, 'name', location)?.value;
    if (typeof value !== 'string') return;
    names.push(value);
    if (value === name) matches.push(index);
  });
  const [only, ...others] = matches;
  if (only !== undefined && others.length === 0) return entries[only]!;
  if (only !== undefined) {
    throw new ManifestError(
      file,
      location,
      `${matches.length} containers are named "${name}" (${matches.map((i) => `${what}[${i}]`).join(', ')}); ` +
        'the target is ambiguous: container names must be unique',
    );
  }
  const present =
    names.length > 0 ? `containers present: ${names.map((n) => `"${n}"`).join(', ')}` : 'no entry has a name';
  const sameButCase = names.find((n) => n.toLowerCase() === name.toLowerCase());
  const hint = sameButCase ? `; names are case-sensitive ("${sameButCase}" differs only in case)` : '';
  throw new ManifestError(
    file,
    location,
    `no container named "${name}" (${present}${hint}); fix the target's container or the file`,
  );
}
