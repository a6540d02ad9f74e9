/** CodePipeline ECS standard deploy file: `[{ "name": <container>, "imageUri": <reference> }, …]`. */
import { ManifestError } from '../errors.ts';
import type { EditSpec } from '../targets.ts';
import type { ManifestEditor } from './editor.ts';
import {
  describeKind,
  findNamedEntry,
  type ImageField,
  type JsonDocument,
  parseJson,
  readImageField,
  stringProperty,
  writeImageField,
} from './json-source.ts';

function locate(doc: JsonDocument, spec: EditSpec<'imagedefinitions'>): ImageField {
  const location = `[name=${spec.container}].imageUri`;
  if (doc.root.type !== 'array') {
    throw new ManifestError(
      doc.file,
      '',
      `expected a JSON array of {"name", "imageUri"} entries (the CodePipeline ECS image definitions file), found ${describeKind(doc.root)}`,
    );
  }
  const entry = findNamedEntry(doc, doc.root, spec.container, location, 'entry');
  return { node: stringProperty(doc, entry, 'imageUri', location), location };
}

export const imageDefinitionsEditor: ManifestEditor<'imagedefinitions'> = {
  kind: 'imagedefinitions',
  read(text, spec, file) {
    const doc = parseJson(text, file);
    return readImageField(doc, locate(doc, spec), spec.setName);
  },
  write(text, spec, image, file) {
    const doc = parseJson(text, file);
    return writeImageField(doc, locate(doc, spec), spec.setName, image);
  },
};
