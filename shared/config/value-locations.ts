/**
 * Which value of a file a target writes, as far as the configuration alone can tell, so that two
 * targets writing one value are refused even when they reach it through different kinds (a Helm
 * `path: image` and a yaml `path: image.tag`, a kustomize `image: app` and a yaml
 * `images[name=app].newTag`). What depends on the file's content (which list index a selector
 * lands on, which resource holds a container) is left to run time.
 */
import { isRecord } from '#config/issue-list.ts';
import { formatPath, type PathSegment, parsePath } from '#domain/editors/yaml/path-syntax.ts';

type Path = readonly PathSegment[];

export interface ValueWrites {
  /** Paths from a document root the target may write; empty when none can be told. */
  paths: Path[];
  /** The only document the paths are in; any document when undefined. */
  document?: number;
  /** A Kubernetes container whose `image` is written, wherever it is in the file. */
  container?: { name: string; resource?: { kind?: unknown; name?: unknown } };
}

const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);

const key = (k: string): PathSegment => ({ kind: 'key', key: k });
const select = (k: string, value: string): PathSegment => ({ kind: 'select', key: k, value });

function pathOf(value: unknown): Path | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    return parsePath(value, '');
  } catch {
    return undefined; // the schema reports the path
  }
}

const text = (value: unknown, fallback: string): string =>
  typeof value === 'string' && value !== '' ? value : fallback;

/** The values a raw (not yet validated) target writes. */
export function valueWrites(target: Record<string, unknown>): ValueWrites {
  switch (target.kind) {
    case 'kustomize': {
      if (typeof target.image !== 'string') return { paths: [] };
      const entry = [key('images'), select('name', target.image)];
      return {
        paths: [entry, ...['newTag', 'newName', 'digest'].map((field) => [...entry, key(field)])],
      };
    }
    case 'helm': {
      const path = pathOf(target.path);
      if (!path) return { paths: [] };
      const keys = [
        text(target.tagKey, 'tag'),
        text(target.repositoryKey, 'repository'),
        text(target.digestKey, 'digest'),
      ];
      return { paths: [path, ...keys.map((k) => [...path, key(k)])] };
    }
    case 'yaml': {
      const path = pathOf(target.path);
      return {
        paths: path ? [path] : [],
        ...(typeof target.document === 'number' && { document: target.document }),
      };
    }
    case 'kubernetes':
      if (typeof target.container !== 'string') return { paths: [] };
      return {
        paths: [],
        container: {
          name: target.container,
          ...(isRecord(target.resource) && { resource: target.resource }),
        },
      };
    case 'imagedefinitions':
      if (typeof target.container !== 'string') return { paths: [] };
      return { paths: [[select('name', target.container), key('imageUri')]] };
    case 'imagedetail':
      return { paths: [[key('ImageURI')]] };
    case 'taskdefinition': {
      if (typeof target.container !== 'string') return { paths: [] };
      const image = [key('containerDefinitions'), select('name', target.container), key('image')];
      return { paths: [image, [key('taskDefinition'), ...image]] };
    }
    default:
      return { paths: [] };
  }
}

const samePath = (a: Path, b: Path): boolean =>
  a.length === b.length && a.every((segment, i) => JSON.stringify(segment) === JSON.stringify(b[i]));

/** Two resource filters that some resource could both pass. */
function resourcesMeet(a: ValueWrites['container'], b: ValueWrites['container']): boolean {
  const ra = a?.resource;
  const rb = b?.resource;
  if (ra?.kind !== undefined && rb?.kind !== undefined && ra.kind !== rb.kind) return false;
  if (ra?.name !== undefined && rb?.name !== undefined && ra.name !== rb.name) return false;
  return true;
}

/** A path that ends at the image of container `name`: `…containers[name=web].image`. */
function isContainerImage(path: Path, name: string): boolean {
  const [list, entry, field] = path.slice(-3);
  return (
    list?.kind === 'key' &&
    CONTAINER_LISTS.has(list.key) &&
    entry?.kind === 'select' &&
    entry.key === 'name' &&
    entry.value === name &&
    field?.kind === 'key' &&
    field.key === 'image'
  );
}

/**
 * The value two targets in one file both write, described for a message, or undefined when the
 * configuration does not show one.
 */
export function writesOverlap(a: ValueWrites, b: ValueWrites): string | undefined {
  if (a.container && b.container) {
    if (a.container.name === b.container.name && resourcesMeet(a.container, b.container)) {
      return `the image of container ${a.container.name}`;
    }
    return undefined;
  }
  // A kubernetes target without a resource owns the one container of that name in the file.
  for (const [owner, other] of [
    [a, b],
    [b, a],
  ] as const) {
    if (owner.container && owner.container.resource === undefined) {
      const name = owner.container.name;
      const path = other.paths.find((p) => isContainerImage(p, name));
      if (path) return formatPath(path);
    }
  }
  if (a.document !== undefined && b.document !== undefined && a.document !== b.document) return undefined;
  for (const path of a.paths) {
    if (b.paths.some((other) => samePath(path, other))) return formatPath(path);
  }
  return undefined;
}
