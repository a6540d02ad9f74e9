/** Finding the one node a path names across the documents of a file, and describing where it is. */
import { isScalar } from 'yaml';
import { ManifestError } from '#domain/errors.ts';
import type { YamlFile } from './file.ts';
import { child, documentRoot, type Located, resolvePath } from './navigation.ts';
import { parsePath } from './path-syntax.ts';

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
