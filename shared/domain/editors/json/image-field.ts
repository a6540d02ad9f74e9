/**
 * Byte-preserving edits of the image reference in one JSON string: splice a new JSON-escaped
 * literal over its exact bytes, then re-parse and check that the new value reads back at the
 * same place.
 */
import { findNodeAtLocation, getNodePath } from 'jsonc-parser';
import { ManifestError } from '../../errors.ts';
import { formatImageReference, formatTagAndDigest, parseImageReference } from '../../image-reference.ts';
import type { CurrentImage, DesiredImage, EditOutcome } from '../editor.ts';
import { bareTagProblem } from '../yaml/image-values.ts';
import { type JsonDocument, type JsonNode, parseJson } from './document.ts';
import { checkBumpable, checkDesiredImage } from './image-checks.ts';
import { describeKind } from './lookup.ts';

/** A string node holding an image reference, and how to name its place in messages. */
export interface ImageField {
  node: JsonNode;
  location: string;
}

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
    const bareTag = bareTagProblem(current.name);
    if (bareTag) {
      throw new ManifestError(
        file,
        field.location,
        `the field ${bareTag}; put the image reference (repository URI and tag) in the file, or set setName: true on the target`,
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
