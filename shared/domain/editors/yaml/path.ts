/**
 * Any YAML file: the scalar at `path` (`spec.image`, `a.b[0].c`, `spec.containers[name=web].image`)
 * holds either a whole `repo:tag[@digest]` reference or only the tag (`tag` or `tag@digest`).
 */
import { formatTagAndDigest } from '#domain/image-reference.ts';
import type { EditSpec } from '#domain/targets.ts';
import type { CurrentImage, DesiredImage, EditOutcome, ManifestEditor } from '../editor.ts';
import { applyChanges, type Change } from './apply-changes.ts';
import { parseYamlFile, type YamlFile } from './file.ts';
import { type HeldImage, readReference, referenceChange, splitTagAndDigest } from './image-values.ts';
import { describeLocation, locateUnique, resourceOf } from './location.ts';
import { documentRoot, type Located } from './navigation.ts';
import { expectScalar, scalarText } from './scalars.ts';

type Spec = EditSpec<'yaml'>;

export const yamlPathEditor: ManifestEditor<'yaml'> = {
  kind: 'yaml',
  read(text: string, spec: Spec, file: string): CurrentImage {
    const yaml = parseYamlFile(text, file);
    const { at, location } = locate(yaml, spec);
    return { ...held(yaml, spec, at, location), location };
  },
  write(text: string, spec: Spec, image: DesiredImage, file: string): EditOutcome {
    const yaml = parseYamlFile(text, file);
    const { at, location } = locate(yaml, spec);
    const current = held(yaml, spec, at, location);
    const change: Change =
      spec.value === 'reference'
        ? referenceChange(yaml, at, image, spec.setName, location)
        : { kind: 'set', at, value: image.digest ? `${image.tag}@${image.digest}` : image.tag };
    return {
      text: applyChanges(yaml, [change], location),
      location,
      from: formatTagAndDigest(current.tag, current.digest),
      to: formatTagAndDigest(image.tag, image.digest),
    };
  },
};

function locate(file: YamlFile, spec: Spec): { at: Located; location: string } {
  const at = locateUnique(file, spec.path, spec.document);
  const root = documentRoot(file, at.doc);
  const resource = file.documents.length > 1 && root ? resourceOf(root) : undefined;
  return { at, location: describeLocation(file, at.display, at.doc, resource) };
}

function held(file: YamlFile, spec: Spec, at: Located, location: string): HeldImage {
  if (spec.value === 'reference') return readReference(file, at, location);
  return splitTagAndDigest(scalarText(file, expectScalar(file, at, location)));
}
