/** ECS blue/green (CodeDeploy) `imageDetail.json`: `{ "ImageURI": <reference> }`. */
import { ManifestError } from '../errors.ts';
import type { ManifestEditor } from './editor.ts';
import {
  describeKind,
  type ImageField,
  type JsonDocument,
  parseJson,
  readImageField,
  stringProperty,
  writeImageField,
} from './json-source.ts';

const LOCATION = 'ImageURI';

function locate(doc: JsonDocument): ImageField {
  if (doc.root.type !== 'object') {
    throw new ManifestError(
      doc.file,
      '',
      `expected a JSON object with an "ImageURI" field (the ECS blue/green image detail file), found ${describeKind(doc.root)}`,
    );
  }
  return { node: stringProperty(doc, doc.root, 'ImageURI', LOCATION), location: LOCATION };
}

export const imageDetailEditor: ManifestEditor<'imagedetail'> = {
  kind: 'imagedetail',
  read(text, spec, file) {
    const doc = parseJson(text, file);
    return readImageField(doc, locate(doc), spec.setName);
  },
  write(text, spec, image, file) {
    const doc = parseJson(text, file);
    return writeImageField(doc, locate(doc), spec.setName, image);
  },
};
