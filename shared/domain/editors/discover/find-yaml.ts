/**
 * Image references in a YAML file: workload containers (any kind, custom resources included: any
 * `containers`, `initContainers` or `ephemeralContainers` list of mappings with `image`), kustomize
 * `images[]` entries, Helm values mappings (`repository` + `tag`, with an optional `registry`) and
 * plain strings that read as an image reference.
 */
import { isMap, isScalar, isSeq } from 'yaml';
import { parseImageReference } from '../../image-reference.ts';
import type { FileTarget } from '../../targets.ts';
import { parseYamlFile, type YamlFile } from '../yaml/file.ts';
import { formatResource, type Resource, resourceOf } from '../yaml/location.ts';
import { child, documentRoot, type JsPath, type Located, mapEntries, seqItems } from '../yaml/navigation.ts';
import { formatPath } from '../yaml/path-syntax.ts';
import { scalarText } from '../yaml/scalars.ts';
import type { Candidate, TargetBase } from './discovery.ts';

const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);
/** Keys of a Helm image mapping that discovery reads (the others are walked like any value). */
const HELM_KEYS = new Set(['registry', 'repository', 'tag', 'digest']);

export function candidatesInYaml(text: string, base: TargetBase): Candidate[] {
  const file = parseYamlFile(text, base.file);
  const out: Candidate[] = [];
  file.documents.forEach((_, doc) => {
    const root = documentRoot(file, doc);
    if (!root) return;
    const walker = new Walker(file, base, doc, out);
    walker.walk(root, undefined);
  });
  return out;
}

/** A path any path target can follow: keys and indexes from the document root. */
export function pathText(path: JsPath): string {
  return formatPath(
    path.map((step) =>
      typeof step === 'number' ? { kind: 'index', index: step } : { kind: 'key', key: step },
    ),
  );
}

const start = (at: Located): number => at.node.range?.[0] ?? 0;

class Walker {
  private readonly file: YamlFile;
  private readonly base: TargetBase;
  private readonly doc: number;
  private readonly out: Candidate[];
  constructor(file: YamlFile, base: TargetBase, doc: number, out: Candidate[]) {
    this.file = file;
    this.base = base;
    this.doc = doc;
    this.out = out;
  }

  private where(at: Located, resource?: Resource): string {
    const context: string[] = [];
    if (this.file.documents.length > 1) context.push(`document ${this.doc}`);
    const named = formatResource(resource);
    if (named) context.push(named);
    return context.length > 0 ? `${at.display} (${context.join(', ')})` : at.display;
  }

  private text(at: Located | undefined): string | undefined {
    if (!at || !isScalar(at.node)) return undefined;
    return scalarText(this.file, at.node).trim();
  }

  walk(at: Located, resource: Resource | undefined): void {
    if (isSeq(at.node)) {
      for (const item of seqItems(at)) this.walk(item, resource);
      return;
    }
    if (isScalar(at.node)) {
      if (typeof at.node.value === 'string') this.plain(at, resource);
      return;
    }
    if (!isMap(at.node)) return;
    const here = child(at, 'kind') ? (resourceOf(at) ?? resource) : resource;
    if (at.path.length === 0 && this.kustomization(at)) {
      const images = child(at, 'images');
      if (images) this.kustomize(images);
      for (const { key, value } of mapEntries(at)) if (key !== 'images') this.walk(value, here);
      return;
    }
    const helm = this.helm(at, here);
    for (const { key, value } of mapEntries(at)) {
      if (helm && HELM_KEYS.has(key)) continue;
      if (CONTAINER_LISTS.has(key) && isSeq(value.node)) {
        for (const item of seqItems(value)) {
          if (!isMap(item.node) || !child(item, 'image')) {
            this.walk(item, here);
            continue;
          }
          this.container(item, here);
          for (const entry of mapEntries(item)) if (entry.key !== 'image') this.walk(entry.value, here);
        }
        continue;
      }
      this.walk(value, here);
    }
  }

  private kustomization(root: Located): boolean {
    const images = child(root, 'images');
    if (!images || !isSeq(images.node)) return false;
    const name = this.base.file.split('/').at(-1) ?? '';
    const apiVersion = this.text(child(root, 'apiVersion')) ?? '';
    return (
      /^(?:kustomization\.ya?ml|Kustomization)$/.test(name) ||
      this.text(child(root, 'kind')) === 'Kustomization' ||
      apiVersion.startsWith('kustomize.config.k8s.io/')
    );
  }

  private kustomize(images: Located): void {
    for (const item of seqItems(images)) {
      const nameAt = child(item, 'name');
      const name = this.text(nameAt);
      if (!isMap(item.node) || !name) continue;
      const newName = this.text(child(item, 'newName'));
      const tag = this.text(child(item, 'newTag'));
      const digest = this.text(child(item, 'digest'));
      const held = newName || name;
      const markers = [
        start(item),
        ...['newName', 'newTag', 'digest'].flatMap((k) => {
          const at = child(item, k);
          return at ? [start(at)] : [];
        }),
      ];
      this.out.push({
        where: this.where({ ...item, display: `images[name=${name}]` }),
        value: `${held}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`,
        name: held,
        markers,
        targets: [{ ...this.base, kind: 'kustomize', image: name }],
      });
    }
  }

  /** A Helm image mapping: `repository` (a string) and `tag` side by side. */
  private helm(at: Located, resource: Resource | undefined): boolean {
    const repositoryAt = child(at, 'repository');
    const tagAt = child(at, 'tag');
    if (!repositoryAt || !tagAt || !isScalar(repositoryAt.node) || !isScalar(tagAt.node)) return false;
    const repository = this.text(repositoryAt) ?? '';
    if (repository === '' || typeof repositoryAt.node.value !== 'string') return false;
    const registry = this.text(child(at, 'registry'));
    const name = registry ? `${registry.replace(/\/+$/, '')}/${repository}` : repository;
    const tag = this.text(tagAt) ?? '';
    const digest = this.text(child(at, 'digest')) ?? '';
    const markers = [start(at), start(repositoryAt), start(tagAt)];
    const candidate: Candidate = {
      where: this.where({ ...at, display: `${at.display || '(root)'}.repository` }, resource),
      value: `${name}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`,
      name,
      markers,
      targets: [],
    };
    if (at.path.length === 0) {
      candidate.unwritable =
        'the repository and tag keys sit at the document root, where a helm path cannot point; name the tag with an explicit `kind: yaml` target';
    } else {
      candidate.targets.push({
        ...this.base,
        // With a separate registry key, the name lives in two keys: only the tag is written.
        setName: this.base.setName && !registry,
        kind: 'helm',
        path: pathText(at.path),
        tagKey: 'tag',
        repositoryKey: 'repository',
        digestKey: 'digest',
      });
    }
    this.out.push(candidate);
    return true;
  }

  private container(item: Located, resource: Resource | undefined): void {
    const image = child(item, 'image')!;
    const name = this.text(child(item, 'name'));
    const value = this.text(image);
    const targets: FileTarget[] = [];
    if (name) {
      const narrowed = resource && (resource.kind !== undefined || resource.name !== undefined);
      targets.push({
        ...this.base,
        kind: 'kubernetes',
        container: name,
        ...(narrowed ? { resource: { ...resource } } : {}),
      });
    }
    targets.push({
      ...this.base,
      kind: 'yaml',
      path: pathText(image.path),
      value: 'reference',
      document: this.doc,
    });
    this.out.push({
      where: this.where(image, resource),
      value: value ?? '',
      name: value === undefined ? undefined : parseImageReference(value).name || undefined,
      markers: [start(item), start(image)],
      targets,
    });
  }

  private plain(at: Located, resource: Resource | undefined): void {
    if (at.path.length === 0) return;
    const value = this.text(at) ?? '';
    if (value === '' || /\s/.test(value)) return;
    const ref = parseImageReference(value);
    if (ref.tag === undefined && ref.digest === undefined) return;
    this.out.push({
      where: this.where(at, resource),
      value,
      name: ref.name || undefined,
      markers: [start(at)],
      plain: true,
      targets: [
        { ...this.base, kind: 'yaml', path: pathText(at.path), value: 'reference', document: this.doc },
      ],
    });
  }
}
