/**
 * Rendering a preview from its template directory. Placeholders (`{slug}`, `{branch}`,
 * `{pullRequest}`, `{url}`, `{image}`) are replaced only inside scalar values of YAML and JSON
 * files, through the byte-preserving editors: each value is spliced in its own quoting style (or
 * quoted when the new text would read as something else, `true` or `1e3`), and the file is parsed
 * again and must read as the template with only those values changed. Keys, comments and every
 * other file are copied byte for byte; a placeholder is never pasted into raw text. Every rendered
 * path stays inside the preview directory.
 */
import { isDeepStrictEqual } from 'node:util';
import { isAlias, isScalar } from 'yaml';
import { type JsonNode, parseJson } from '../editors/json/document.ts';
import { applyChanges } from '../editors/yaml/apply-changes.ts';
import { parseYamlFile } from '../editors/yaml/file.ts';
import { documentRoot, type Located, mapEntries, seqItems } from '../editors/yaml/navigation.ts';
import type { ScalarChange } from '../editors/yaml/scalar-splice.ts';
import { ManifestError, PermanentError } from '../errors.ts';

export interface PreviewValues {
  slug: string;
  branch: string;
  /** Pull-request id or merge-request iid; empty for a branch preview. */
  pullRequest: string;
  url: string;
  /** The image reference; undefined when none is known (a template using `{image}` then fails). */
  image: string | undefined;
}

export interface RenderedFile {
  path: string;
  content: string;
}

const PLACEHOLDER = /\{(slug|branch|pullRequest|url|image)\}/g;

export const hasPlaceholder = (text: string): boolean => new RegExp(PLACEHOLDER.source).test(text);

/** `text` with each placeholder replaced; throws when `{image}` is used and no image is known. */
export function substitute(text: string, values: PreviewValues, where: () => string): string {
  return text.replace(PLACEHOLDER, (_, name: keyof PreviewValues) => {
    const value = values[name];
    if (value === undefined) {
      throw new PermanentError(
        `${where()}: uses {image}, but the branch has no image in the registry yet; push one, or hold a default image in the template instead of {image}`,
      );
    }
    return value;
  });
}

/** The template files (paths under `templateDir`) rendered into `previewDir`. */
export function renderPreview(
  files: readonly RenderedFile[],
  templateDir: string,
  previewDir: string,
  values: PreviewValues,
): RenderedFile[] {
  return files.map((file) => {
    const relative = file.path.slice(templateDir.length + 1);
    if (!file.path.startsWith(`${templateDir}/`) || !isInsidePath(relative)) {
      throw new PermanentError(`${file.path}: not a file inside the template directory ${templateDir}`);
    }
    const path = `${previewDir}/${relative}`;
    return { path, content: renderFile(file.path, file.content, values) };
  });
}

/** A relative path with no empty, `.` or `..` segment, no backslash or control character. */
export function isInsidePath(relative: string): boolean {
  const control = [...relative].some((c) => c < ' ' || c === '\x7f');
  if (relative === '' || relative.startsWith('/') || relative.includes('\\') || control) return false;
  return relative.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}

export function renderFile(path: string, content: string, values: PreviewValues): string {
  if (!hasPlaceholder(content)) return content;
  if (/\.ya?ml$/i.test(path)) return renderYaml(path, content, values);
  if (/\.json$/i.test(path)) return renderJson(path, content, values);
  return content;
}

function renderYaml(path: string, content: string, values: PreviewValues): string {
  const file = parseYamlFile(content, path);
  const changes: ScalarChange[] = [];
  const visit = (at: Located): void => {
    const { node } = at;
    if (isAlias(node)) return;
    if (isScalar(node)) {
      if (typeof node.value === 'string' && hasPlaceholder(node.value)) {
        const value = substitute(node.value, values, () => `${path} at ${at.display || '(root)'}`);
        changes.push({ kind: 'set', at, value });
      }
      return;
    }
    for (const entry of mapEntries(at)) visit(entry.value);
    for (const item of seqItems(at)) visit(item);
  };
  file.documents.forEach((_, index) => {
    const root = documentRoot(file, index);
    if (root) visit(root);
  });
  return applyChanges(file, changes, 'placeholders');
}

function renderJson(path: string, content: string, values: PreviewValues): string {
  const doc = parseJson(content, path);
  const splices: { start: number; end: number; text: string }[] = [];
  const visit = (node: JsonNode, isKey: boolean): void => {
    if (node.type === 'string' && !isKey && typeof node.value === 'string' && hasPlaceholder(node.value)) {
      const value = substitute(node.value, values, () => `${path} at offset ${node.offset}`);
      splices.push({ start: node.offset, end: node.offset + node.length, text: JSON.stringify(value) });
    }
    if (node.type === 'property') {
      const [key, value] = node.children ?? [];
      if (key) visit(key, true);
      if (value) visit(value, false);
      return;
    }
    for (const child of node.children ?? []) visit(child, false);
  };
  visit(doc.root, false);
  let text = content;
  for (const splice of splices.sort((a, b) => b.start - a.start)) {
    text = text.slice(0, splice.start) + splice.text + text.slice(splice.end);
  }
  const expected = substituteValues(JSON.parse(content) as unknown, values, path);
  const after = parseJson(text, path);
  if (!isDeepStrictEqual(JSON.parse(after.text) as unknown, expected)) {
    throw new ManifestError(
      path,
      '',
      'self-check failed, nothing was written: the rendered JSON reads differently',
    );
  }
  return text;
}

function substituteValues(value: unknown, values: PreviewValues, path: string): unknown {
  if (typeof value === 'string') return substitute(value, values, () => path);
  if (Array.isArray(value)) return value.map((item) => substituteValues(item, values, path));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, substituteValues(item, values, path)]),
    );
  }
  return value;
}
