/**
 * Kubernetes workloads of any kind (Deployments, CronJobs, custom resources…): the container
 * named `container` in any `containers`, `initContainers` or `ephemeralContainers` list, in
 * every document; its `image` is a `repo:tag[@digest]` reference.
 */

import { isMap, isScalar, isSeq } from 'yaml';
import { ManifestError } from '#domain/errors.ts';
import { formatTagAndDigest } from '#domain/image-reference.ts';
import type { EditSpec } from '#domain/targets.ts';
import type { CurrentImage, DesiredImage, EditOutcome, ManifestEditor } from '../editor.ts';
import { applyChanges } from '../yaml/apply-changes.ts';
import { parseYamlFile, type YamlFile } from '../yaml/file.ts';
import { readReference, referenceChange } from '../yaml/image-values.ts';
import { describeLocation, formatResource, type Resource, resourceOf } from '../yaml/location.ts';
import { child, documentRoot, type Located, mapEntries, selectedAs, seqItems } from '../yaml/navigation.ts';
import { scalarText } from '../yaml/scalars.ts';

type Spec = EditSpec<'kubernetes'>;

const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);

interface Container {
  name: string;
  at: Located;
  resource: Resource | undefined;
}

export const kubernetesEditor: ManifestEditor<'kubernetes'> = {
  kind: 'kubernetes',
  read(text: string, spec: Spec, file: string): CurrentImage {
    const yaml = parseYamlFile(text, file);
    const { image, location } = findImage(yaml, spec);
    return { ...readReference(yaml, image, location), location };
  },
  write(text: string, spec: Spec, desired: DesiredImage, file: string): EditOutcome {
    const yaml = parseYamlFile(text, file);
    const { image, location } = findImage(yaml, spec);
    const current = readReference(yaml, image, location);
    const change = referenceChange(yaml, image, desired, spec.setName, location);
    return {
      text: applyChanges(yaml, [change], location),
      location,
      from: formatTagAndDigest(current.tag, current.digest),
      to: formatTagAndDigest(desired.tag, desired.digest),
    };
  },
};

function findImage(file: YamlFile, spec: Spec): { image: Located; location: string } {
  const target = `containers[name=${spec.container}]`;
  const all: Container[] = [];
  file.documents.forEach((_, doc) => {
    const root = documentRoot(file, doc);
    if (root) collectContainers(file, root, undefined, all);
  });
  const named = all.filter((c) => c.name === spec.container);
  const matches = named.filter((c) => matchesResource(c.resource, spec.resource));
  const [match, ...others] = matches;
  if (!match) {
    if (named.length > 0) {
      throw new ManifestError(
        file.file,
        target,
        `container \`${spec.container}\` exists only in ${named.map((c) => describe(file, c)).join(', ')}, none of which matches resource ${describeWanted(spec.resource)}; fix the target's resource`,
      );
    }
    const found = all.map((c) => `${c.name} (${describe(file, c)})`);
    throw new ManifestError(
      file.file,
      target,
      all.length === 0
        ? 'the file has no containers, initContainers or ephemeralContainers list; for an image at another path use a yaml target'
        : `no container named \`${spec.container}\`; containers found: ${found.join(', ')}`,
    );
  }
  if (others.length > 0) {
    throw new ManifestError(
      file.file,
      target,
      `ambiguous: ${matches.length} containers are named \`${spec.container}\`: ${matches.map((c) => `${describe(file, c)} at ${c.at.display}`).join('; ')}; narrow the target with resource: { kind, name }`,
    );
  }
  const image = child(match.at, 'image');
  if (!image) {
    throw new ManifestError(
      file.file,
      describeLocation(file, match.at.display, match.at.doc, match.resource),
      `container \`${spec.container}\` has no \`image\` key (keys: ${mapEntries(match.at)
        .map((e) => e.key)
        .join(', ')})`,
    );
  }
  return { image, location: describeLocation(file, image.display, image.doc, match.resource) };
}

function describe(file: YamlFile, container: Container): string {
  const parts: string[] = [];
  if (file.documents.length > 1) parts.push(`document ${container.at.doc}`);
  const named = formatResource(container.resource);
  if (named) parts.push(named);
  return parts.length > 0 ? parts.join(' ') : 'the document';
}

function describeWanted(wanted: Spec['resource']): string {
  const parts: string[] = [];
  if (wanted?.kind !== undefined) parts.push(`kind: ${wanted.kind}`);
  if (wanted?.name !== undefined) parts.push(`name: ${wanted.name}`);
  return `{ ${parts.join(', ')} }`;
}

function matchesResource(resource: Resource | undefined, wanted: Spec['resource']): boolean {
  if (!wanted) return true;
  if (wanted.kind !== undefined && resource?.kind !== wanted.kind) return false;
  if (wanted.name !== undefined && resource?.name !== wanted.name) return false;
  return true;
}

/** Walk a document; the nearest enclosing mapping with a `kind` names the resource. */
function collectContainers(
  file: YamlFile,
  at: Located,
  resource: Resource | undefined,
  out: Container[],
): void {
  if (isSeq(at.node)) {
    for (const item of seqItems(at)) collectContainers(file, item, resource, out);
    return;
  }
  if (!isMap(at.node)) return;
  const here = child(at, 'kind') ? (resourceOf(at) ?? resource) : resource;
  for (const { key, value } of mapEntries(at)) {
    if (CONTAINER_LISTS.has(key) && isSeq(value.node)) {
      for (const item of seqItems(value)) {
        const name = child(item, 'name');
        if (!isMap(item.node) || !name || !isScalar(name.node)) continue;
        const text = scalarText(file, name.node);
        out.push({ name: text, at: selectedAs(item, value, 'name', text), resource: here });
      }
      continue;
    }
    collectContainers(file, value, here, out);
  }
}
