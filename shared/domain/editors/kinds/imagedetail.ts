/** ECS blue/green (CodeDeploy) `imageDetail.json`: `{ "ImageURI": <reference> }`. */
import type { ManifestEditor } from '../editor.ts';
import type { JsonDocument } from '../json/document.ts';
import { jsonImageEditor } from '../json/image-editor.ts';
import type { ImageField } from '../json/image-field.ts';
import { expectRoot, stringProperty } from '../json/lookup.ts';

const LOCATION = 'ImageURI';

function locate(doc: JsonDocument): ImageField {
  const root = expectRoot(
    doc,
    'object',
    'a JSON object with an "ImageURI" field (the ECS blue/green image detail file)',
  );
  return { node: stringProperty(doc, root, 'ImageURI', LOCATION), location: LOCATION };
}

export const imageDetailEditor: ManifestEditor<'imagedetail'> = jsonImageEditor('imagedetail', locate);
