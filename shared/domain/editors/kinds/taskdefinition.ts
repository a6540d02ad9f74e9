/**
 * ECS task definition JSON: the `containerDefinitions[]` entry named after the target's container,
 * field `image`. Also reads `describe-task-definition` output, which wraps the definition in
 * `{ "taskDefinition": { … } }`.
 */
import { ManifestError } from '../../errors.ts';
import type { EditSpec } from '../../targets.ts';
import type { ManifestEditor } from '../editor.ts';
import type { JsonDocument, JsonNode } from '../json/document.ts';
import { jsonImageEditor } from '../json/image-editor.ts';
import type { ImageField } from '../json/image-field.ts';
import { describeKind, expectRoot, findNamedEntry, propertyValue, stringProperty } from '../json/lookup.ts';

function locate(doc: JsonDocument, spec: EditSpec<'taskdefinition'>): ImageField {
  const { file } = doc;
  const root = expectRoot(doc, 'object', 'a JSON object (an ECS task definition)');
  const { definition, prefix } = unwrap(doc, root);
  const location = `${prefix}containerDefinitions[name=${spec.container}].image`;
  const containers = propertyValue(doc, definition, 'containerDefinitions', location);
  if (!containers) {
    throw new ManifestError(
      file,
      location,
      `no "containerDefinitions" array; expected an ECS task definition, or describe-task-definition output with a "taskDefinition" object`,
    );
  }
  if (containers.type !== 'array') {
    throw new ManifestError(
      file,
      location,
      `"containerDefinitions" is ${describeKind(containers)}; it must be an array of container definitions`,
    );
  }
  const entry = findNamedEntry(doc, containers, spec.container, location, `${prefix}containerDefinitions`);
  return { node: stringProperty(doc, entry, 'image', location), location };
}

function unwrap(doc: JsonDocument, root: JsonNode): { definition: JsonNode; prefix: string } {
  const wrapped = propertyValue(doc, root, 'taskDefinition', 'taskDefinition');
  if (wrapped?.type === 'object' && !propertyValue(doc, root, 'containerDefinitions', '')) {
    return { definition: wrapped, prefix: 'taskDefinition.' };
  }
  return { definition: root, prefix: '' };
}

export const taskDefinitionEditor: ManifestEditor<'taskdefinition'> = jsonImageEditor(
  'taskdefinition',
  locate,
);
