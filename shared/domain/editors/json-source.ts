/**
 * Byte-preserving edits of one string value in a strict JSON file: parse with offsets, locate the
 * string, splice a new JSON-escaped literal over its exact bytes, then re-parse and check that the
 * new value reads back at the same place.
 */
import {
  findNodeAtLocation,
  getNodePath,
  type Node,
  type ParseError,
  parseTree,
  printParseErrorCode,
} from 'jsonc-parser';
import { EventError, ManifestError } from '../errors.ts';
import {
  formatImageReference,
  formatTagAndDigest,
  isValidDigest,
  isValidTag,
  parseImageReference,
} from '../image-reference.ts';
import type { CurrentImage, DesiredImage, EditOutcome } from './editor.ts';

export type JsonNode = Node;

/** A parsed file: the tree's offsets index into `text`. */
export interface JsonDocument {
  text: string;
  file: string;
  root: JsonNode;
}

const BOM = '\uFEFF';

const PROBLEMS: Record<string, string> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'expected a property name in double quotes',
  ValueExpected: 'expected a value',
  ColonExpected: "expected ':'",
  CommaExpected: "expected ',' or a closing bracket",
  CloseBraceExpected: "expected '}'",
  CloseBracketExpected: "expected ']'",
  EndOfFileExpected: 'unexpected content after the end of the JSON value',
  InvalidCommentToken: 'comments are not allowed in JSON (ECS and CodePipeline reject them); remove it',
  UnexpectedEndOfComment: 'unterminated comment (comments are not allowed in JSON)',
  UnexpectedEndOfString: 'unterminated string',
  UnexpectedEndOfNumber: 'incomplete number',
  InvalidUnicode: 'invalid \\u escape',
  InvalidEscapeCharacter: 'invalid escape sequence',
  InvalidCharacter: 'control character inside a string; escape it',
};

/**
 * Parse `text` as strict JSON (no comments, no trailing commas). Throws a ManifestError naming the
 * line and column of the first syntax error. Offsets of the returned tree index into `text`.
 */
export function parseJson(text: string, file: string): JsonDocument {
  // A leading byte-order mark is left in place; parsing it as a space keeps every offset valid.
  const source = text.startsWith(BOM) ? ` ${text.slice(1)}` : text;
  if (source.trim() === '')
    throw new ManifestError(file, '', 'the file is empty; it must hold a JSON document');
  const errors: ParseError[] = [];
  const root = parseTree(source, errors, {
    disallowComments: true,
    allowTrailingComma: false,
    allowEmptyContent: false,
  });
  const first = errors[0];
  if (first || !root) {
    const offset = first?.offset ?? 0;
    const problem = first ? describeSyntaxError(source, first) : 'no JSON value';
    throw new ManifestError(file, '', `invalid JSON at ${lineAndColumn(text, offset)}: ${problem}`);
  }
  return { text, file, root };
}

/** `line 3, column 7`, both counted from 1; a CRLF counts as one line break. */
export function lineAndColumn(text: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line += 1;
    lineStart = i + 1;
  }
  return `line ${line}, column ${offset - lineStart + 1}`;
}

function describeSyntaxError(source: string, error: ParseError): string {
  const code = printParseErrorCode(error.error);
  const at = source[error.offset];
  if ((at === '}' || at === ']') && (code === 'PropertyNameExpected' || code === 'ValueExpected')) {
    if (source.slice(0, error.offset).trimEnd().endsWith(',')) {
      return `trailing comma before '${at}' (not allowed in JSON; ECS and CodePipeline reject it); remove it`;
    }
  }
  return PROBLEMS[code] ?? code;
}

/** `an object`, `a string`…: for messages that say what was found instead. */
export function describeKind(node: JsonNode | undefined): string {
  if (!node) return 'nothing';
  if (node.type === 'null') return 'null';
  return node.type === 'array' || node.type === 'object' ? `an ${node.type}` : `a ${node.type}`;
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

/** A string node holding an image reference, and how to name its place in messages. */
export interface ImageField {
  node: JsonNode;
  location: string;
}

/** `<IMAGE1_NAME>`: text CodePipeline's ECS deploy actions replace with the built image. */
const PIPELINE_PLACEHOLDER = /<[^<>]*>/;
/** `${IMAGE_URI}` or `$IMAGE_URI`: the whole value is a variable some build step substitutes. */
const WHOLE_VARIABLE = /^\$(?:\{[^{}]*\}|[A-Za-z_][A-Za-z0-9_]*)$/;

/**
 * The image a field currently holds. Rejects values that are not an image but a placeholder the
 * pipeline or a build step fills in: bumping those would break the template.
 */
export function readImageField(doc: JsonDocument, field: ImageField, setName: boolean): CurrentImage {
  const value = fieldValue(doc, field);
  checkBumpable(value, setName, doc.file, field.location);
  if (value.trim() === '') return { location: field.location };
  const { name, tag, digest } = parseImageReference(value);
  const current: CurrentImage = { location: field.location };
  if (name) current.name = name;
  if (tag !== undefined) current.tag = tag;
  if (digest !== undefined) current.digest = digest;
  return current;
}

/**
 * Replace the reference in `field` with `image`: the tag and digest always, the name only when
 * `setName` (otherwise the name keeps its exact source bytes). An old digest is dropped unless
 * `image.digest` is given. Surrounding whitespace inside the string is dropped.
 */
export function writeImageField(
  doc: JsonDocument,
  field: ImageField,
  setName: boolean,
  image: DesiredImage,
): EditOutcome {
  const { text, file } = doc;
  checkDesiredImage(image, setName);
  const current = readImageField(doc, field, setName);
  const value = fieldValue(doc, field);
  const suffix = formatImageReference({ name: '', tag: image.tag, digest: image.digest });
  const outcome = (newText: string): EditOutcome => ({
    text: newText,
    location: field.location,
    from: formatTagAndDigest(current.tag, current.digest),
    to: formatTagAndDigest(image.tag, image.digest),
  });

  let literal: string;
  let expected: string;
  if (setName) {
    expected = `${image.name}${suffix}`;
    literal = escapeJson(expected);
  } else {
    if (!current.name) {
      throw new ManifestError(
        file,
        field.location,
        `there is no image name to keep (value ${JSON.stringify(value)}); put the repository URI in the file or set setName: true on the target`,
      );
    }
    expected = `${current.name}${suffix}`;
    literal = `${rawNameOf(text, field.node, value, current.name)}${escapeJson(suffix)}`;
  }
  if (expected === value) return outcome(text);

  const start = field.node.offset;
  const end = start + field.node.length;
  const newText = `${text.slice(0, start)}"${literal}"${text.slice(end)}`;
  verifyReadBack(newText, field, expected, file);
  return outcome(newText);
}

function fieldValue(doc: JsonDocument, field: ImageField): string {
  const value: unknown = field.node.value;
  if (field.node.type !== 'string' || typeof value !== 'string') {
    throw new ManifestError(doc.file, field.location, `expected a string, found ${describeKind(field.node)}`);
  }
  return value;
}

function checkBumpable(value: string, setName: boolean, file: string, location: string): void {
  const placeholder = PIPELINE_PLACEHOLDER.exec(value)?.[0];
  if (placeholder) {
    throw new ManifestError(
      file,
      location,
      `${placeholder === value ? 'the value is' : `${JSON.stringify(value)} contains`} the placeholder ${placeholder}, ` +
        'which CodePipeline replaces with the image it deploys; it must not be bumped. ' +
        'Target the imagedefinitions.json or imageDetail.json the pipeline reads instead, or remove this target',
    );
  }
  const { tag, digest } = parseImageReference(value);
  if (tag?.includes('$') || digest?.includes('$')) {
    throw new ManifestError(
      file,
      location,
      `the tag or digest in ${JSON.stringify(value)} is a variable a build step substitutes; it must not be bumped. ` +
        'Target a file that holds a literal tag, or remove this target',
    );
  }
  if (!setName && WHOLE_VARIABLE.test(value.trim())) {
    throw new ManifestError(
      file,
      location,
      `${JSON.stringify(value)} is a variable a build step substitutes, with no tag of its own to bump; ` +
        'set setName: true to replace it with a literal reference, or remove this target',
    );
  }
}

function checkDesiredImage(image: DesiredImage, setName: boolean): void {
  if (!isValidTag(image.tag)) throw new EventError(`invalid image tag ${JSON.stringify(image.tag)}`);
  if (image.digest !== undefined && !isValidDigest(image.digest)) {
    throw new EventError(`invalid image digest ${JSON.stringify(image.digest)}`);
  }
  if (setName) {
    const parsed = parseImageReference(image.name);
    if (!image.name || /\s/.test(image.name) || parsed.name !== image.name || parsed.tag !== undefined) {
      throw new EventError(
        `invalid image name ${JSON.stringify(image.name)}: expected a repository URI without tag`,
      );
    }
  }
}

/**
 * The source bytes of `name` inside the string literal at `node`, so a name written with escapes
 * (`\/` is common in generated JSON) keeps them.
 */
function rawNameOf(text: string, node: JsonNode, value: string, name: string): string {
  const raw = text.slice(node.offset + 1, node.offset + node.length - 1);
  const start = value.length - value.trimStart().length;
  return raw.slice(rawIndex(raw, start), rawIndex(raw, start + name.length));
}

/** Index in the raw literal where decoded UTF-16 unit `decoded` begins. */
function rawIndex(raw: string, decoded: number): number {
  let index = 0;
  for (let unit = 0; unit < decoded && index < raw.length; unit += 1) {
    index += raw[index] === '\\' ? (raw[index + 1] === 'u' ? 6 : 2) : 1;
  }
  return index;
}

function escapeJson(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}

function verifyReadBack(newText: string, field: ImageField, expected: string, file: string): void {
  const { root } = parseJson(newText, file);
  const node = findNodeAtLocation(root, getNodePath(field.node));
  if (node?.type !== 'string' || node.offset !== field.node.offset || node.value !== expected) {
    throw new ManifestError(
      file,
      field.location,
      `the edit did not read back as ${JSON.stringify(expected)} (found ${JSON.stringify(node?.value)}); file left unchanged`,
    );
  }
}
