/**
 * Image references in ECS JSON files: task definitions (`containerDefinitions[].image`, also
 * wrapped in `taskDefinition` as describe-task-definition prints it), CodePipeline's
 * `imagedefinitions.json` (`[{name, imageUri}]`) and `imageDetail.json` (`ImageURI`). Other JSON
 * holds no reference discovery knows of. JSON has no comments, so nothing opts a value out.
 */
import { parseImageReference } from '../../image-reference.ts';
import { type JsonNode, parseJson } from '../json/document.ts';
import type { Candidate, TargetBase } from './discovery.ts';

export function candidatesInJson(text: string, base: TargetBase): Candidate[] {
  const doc = parseJson(text, base.file);
  const root = doc.root;
  const out: Candidate[] = [];
  if (root.type === 'array') {
    (root.children ?? []).forEach((entry, index) => {
      const uri = stringAt(entry, 'imageUri');
      if (!uri) return;
      const name = stringAt(entry, 'name')?.value;
      out.push(
        candidate(uri, `[${name === undefined ? index : `name=${name}`}].imageUri`, {
          ...(typeof name === 'string'
            ? { targets: [{ ...base, kind: 'imagedefinitions', container: name }] }
            : { targets: [], unwritable: 'the entry has no "name"' }),
        }),
      );
    });
    return out;
  }
  if (root.type !== 'object') return out;
  const detail = stringAt(root, 'ImageURI');
  if (detail) out.push(candidate(detail, 'ImageURI', { targets: [{ ...base, kind: 'imagedetail' }] }));
  const wrapped = valueAt(root, 'taskDefinition');
  const definition = valueAt(root, 'containerDefinitions') ? root : wrapped;
  const prefix = definition === wrapped ? 'taskDefinition.' : '';
  const containers = definition && valueAt(definition, 'containerDefinitions');
  if (containers?.type !== 'array') return out;
  (containers.children ?? []).forEach((entry, index) => {
    const image = stringAt(entry, 'image');
    if (!image) return;
    const name = stringAt(entry, 'name')?.value;
    const where = `${prefix}containerDefinitions[${typeof name === 'string' ? `name=${name}` : index}].image`;
    out.push(
      candidate(image, where, {
        ...(typeof name === 'string'
          ? { targets: [{ ...base, kind: 'taskdefinition', container: name }] }
          : { targets: [], unwritable: 'the container definition has no "name"' }),
      }),
    );
  });
  return out;
}

function candidate(
  node: JsonNode,
  where: string,
  rest: Pick<Candidate, 'targets' | 'unwritable'>,
): Candidate {
  const value = String(node.value).trim();
  const out: Candidate = {
    where,
    value,
    name: parseImageReference(value).name || undefined,
    markers: [],
    targets: rest.targets,
  };
  if (rest.unwritable) out.unwritable = rest.unwritable;
  return out;
}

function valueAt(object: JsonNode, key: string): JsonNode | undefined {
  if (object.type !== 'object') return undefined;
  return object.children?.find((property) => property.children?.[0]?.value === key)?.children?.[1];
}

function stringAt(object: JsonNode, key: string): JsonNode | undefined {
  const value = valueAt(object, key);
  return value?.type === 'string' ? value : undefined;
}
