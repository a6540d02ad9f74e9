/** CodePipeline ECS standard deploy file: `[{ "name": <container>, "imageUri": <reference> }, …]`. */
import type { EditSpec } from '../../targets.ts';
import type { ManifestEditor } from '../editor.ts';
import type { JsonDocument } from '../json/document.ts';
import { jsonImageEditor } from '../json/image-editor.ts';
import type { ImageField } from '../json/image-field.ts';
import { expectRoot, findNamedEntry, stringProperty } from '../json/lookup.ts';

function locate(doc: JsonDocument, spec: EditSpec<'imagedefinitions'>): ImageField {
  const location = `[name=${spec.container}].imageUri`;
  const entries = expectRoot(
    doc,
    'array',
    'a JSON array of {"name", "imageUri"} entries (the CodePipeline ECS image definitions file)',
  );
  const entry = findNamedEntry(doc, entries, spec.container, location, 'entry');
  return { node: stringProperty(doc, entry, 'imageUri', location), location };
}

export const imageDefinitionsEditor: ManifestEditor<'imagedefinitions'> = jsonImageEditor(
  'imagedefinitions',
  locate,
);
