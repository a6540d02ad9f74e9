/** kustomization.yaml `images[]` entries: `newName`, `newTag`, `digest`. */

import { isMap, isSeq } from 'yaml';
import { ManifestError } from '#domain/errors.ts';
import { formatTagAndDigest } from '#domain/image-reference.ts';
import type { EditSpec } from '#domain/targets.ts';
import type { CurrentImage, DesiredImage, EditOutcome, ManifestEditor } from '../editor.ts';
import { applyChanges, type Change } from '../yaml/apply-changes.ts';
import { parseYamlFile, type YamlFile } from '../yaml/file.ts';
import { describeLocation } from '../yaml/location.ts';
import { child, describeNode, documentRoot, type Located, selectedAs, seqItems } from '../yaml/navigation.ts';
import { expectScalar, scalarText } from '../yaml/scalars.ts';

type Spec = EditSpec<'kustomize'>;

interface Entry {
  file: YamlFile;
  entry: Located;
  /** Where the entry is, for errors: `images[name=my-app]`, with the document when there are several. */
  where: string;
  current: CurrentImage;
}

export const kustomizeEditor: ManifestEditor<'kustomize'> = {
  kind: 'kustomize',
  read(text: string, spec: Spec, file: string): CurrentImage {
    return findEntry(parseYamlFile(text, file), spec.image).current;
  },
  write(text: string, spec: Spec, image: DesiredImage, file: string): EditOutcome {
    const { file: yaml, entry, where, current } = findEntry(parseYamlFile(text, file), spec.image);
    const changes: Change[] = [];
    const missing: [string, string][] = [];
    const set = (field: string, value: string) => {
      const at = child(entry, field);
      if (at) changes.push({ kind: 'set', at, value });
      else missing.push([field, value]);
    };
    if (spec.setName) set('newName', image.name);
    set('newTag', image.tag);
    if (image.digest) set('digest', image.digest);
    else if (current.digest) {
      throw new ManifestError(
        file,
        where,
        `the entry pins digest ${current.digest} in its \`digest\` field, and a new tag without a new digest would not deploy; set \`digest: pin\` on this target so the digest is written with each tag, or remove the \`digest\` field`,
      );
    }
    if (missing.length > 0) changes.push({ kind: 'insert', map: entry, entries: missing });
    return {
      text: applyChanges(yaml, changes, current.location),
      location: current.location,
      from: formatTagAndDigest(current.tag, current.digest),
      to: formatTagAndDigest(image.tag, image.digest),
    };
  },
};

function findEntry(file: YamlFile, image: string): Entry {
  const target = `images[name=${image}]`;
  const matches: Located[] = [];
  const names: string[] = [];
  let kustomizations = 0;
  file.documents.forEach((_, doc) => {
    const root = documentRoot(file, doc);
    const images = root && isMap(root.node) ? child(root, 'images') : undefined;
    if (!images) return;
    if (!isSeq(images.node)) {
      throw new ManifestError(
        file.file,
        target,
        `\`images\` in document ${doc} is ${describeNode(images.node)}; kustomize expects a list of entries like \`- name: ${image}\``,
      );
    }
    kustomizations += 1;
    for (const item of seqItems(images)) {
      const name = child(item, 'name');
      if (!isMap(item.node) || !name) continue;
      const text = scalarText(file, expectScalar(file, name, target));
      names.push(text);
      if (text === image) matches.push(selectedAs(item, images, 'name', image));
    }
  });
  if (kustomizations === 0) {
    throw new ManifestError(
      file.file,
      target,
      'the file has no `images:` list; a kustomize target needs a kustomization with an entry `- name: <image>` under `images:`',
    );
  }
  const [entry, ...others] = matches;
  if (!entry) {
    throw new ManifestError(
      file.file,
      target,
      `no \`images\` entry has name \`${image}\` (names found: ${names.length > 0 ? names.join(', ') : 'none'}); add the entry or fix the target's image`,
    );
  }
  if (others.length > 0) {
    const places = matches.map((m) => `document ${m.doc} images[${m.path.at(-1)}]`).join(', ');
    throw new ManifestError(
      file.file,
      target,
      `${matches.length} \`images\` entries have name \`${image}\` (${places}); keep one entry per image`,
    );
  }
  const where = describeLocation(file, entry.display, entry.doc);
  const field = (key: string) => {
    const at = child(entry, key);
    return at ? scalarText(file, expectScalar(file, at, where)).trim() : '';
  };
  const current: CurrentImage = {
    location: describeLocation(file, `${entry.display}.newTag`, entry.doc),
  };
  const name = field('newName') || field('name');
  const tag = field('newTag');
  const digest = field('digest');
  if (name) current.name = name;
  if (tag) current.tag = tag;
  if (digest) current.digest = digest;
  return { file, entry, where, current };
}
