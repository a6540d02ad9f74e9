import type { EditSpec, FileTarget, TargetKind } from '../targets.ts';
import type { CurrentImage, DesiredImage, EditOutcome, ManifestEditor } from './editor.ts';
import { helmEditor } from './kinds/helm.ts';
import { imageDefinitionsEditor } from './kinds/imagedefinitions.ts';
import { imageDetailEditor } from './kinds/imagedetail.ts';
import { kubernetesEditor } from './kinds/kubernetes.ts';
import { kustomizeEditor } from './kinds/kustomize.ts';
import { taskDefinitionEditor } from './kinds/taskdefinition.ts';
import { yamlPathEditor } from './yaml/path.ts';

type Registry = { [K in TargetKind]: ManifestEditor<K> };

/** One editor per manifest kind; adding a kind is adding a module and a line here. */
const editors: Registry = {
  kustomize: kustomizeEditor,
  helm: helmEditor,
  kubernetes: kubernetesEditor,
  yaml: yamlPathEditor,
  imagedefinitions: imageDefinitionsEditor,
  imagedetail: imageDetailEditor,
  taskdefinition: taskDefinitionEditor,
};

export const manifestKinds = Object.keys(editors) as TargetKind[];

export function readTarget(text: string, target: FileTarget): CurrentImage {
  return editorFor(target.kind).read(text, target as EditSpec, target.file);
}

export function writeTarget(text: string, target: FileTarget, image: DesiredImage): EditOutcome {
  return editorFor(target.kind).write(text, target as EditSpec, image, target.file);
}

function editorFor(kind: TargetKind): ManifestEditor {
  return editors[kind] as unknown as ManifestEditor;
}
