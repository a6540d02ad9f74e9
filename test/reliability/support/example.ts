import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const EXAMPLE_MANIFESTS = fileURLToPath(new URL('../../../examples/manifests/', import.meta.url));
const EVENTS = fileURLToPath(new URL('../../../events/', import.meta.url));

/** Every file of examples/manifests by its repository path (README.md left out). */
export async function exampleManifests(): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const entry of await readdir(EXAMPLE_MANIFESTS, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || entry.name === 'README.md') continue;
    const path = join(entry.parentPath, entry.name);
    files[relative(EXAMPLE_MANIFESTS, path).split(sep).join('/')] = await readFile(path, 'utf8');
  }
  return files;
}

/** The four `my-app` release targets of examples/flowkeeper.yaml, on `branch` of repository `manifests`. */
export function releaseTargets(branch: string) {
  return [
    { repository: 'manifests', branch, file: 'base/kustomization.yaml', kind: 'kustomize', image: 'my-app' },
    { repository: 'manifests', branch, file: 'charts/my-app/values.yaml', kind: 'helm', path: 'image' },
    {
      repository: 'manifests',
      branch,
      file: 'ecs/imagedefinitions.json',
      kind: 'imagedefinitions',
      container: 'web',
    },
    { repository: 'manifests', branch, file: 'k8s/deployment.yaml', kind: 'kubernetes', container: 'web' },
  ];
}

/** The tag each release target holds on `ref`, read from the files themselves. */
export async function releaseTags(show: (path: string) => Promise<string>): Promise<string[]> {
  const kustomization = parse(await show('base/kustomization.yaml')) as {
    images: { name: string; newTag: string }[];
  };
  const values = parse(await show('charts/my-app/values.yaml')) as { image: { tag: string } };
  const definitions = JSON.parse(await show('ecs/imagedefinitions.json')) as {
    name: string;
    imageUri: string;
  }[];
  const deployment = parse(await show('k8s/deployment.yaml')) as {
    spec: { template: { spec: { containers: { name: string; image: string }[] } } };
  };
  const tagOf = (reference: string | undefined) => reference?.split(':').at(-1) ?? '(none)';
  return [
    kustomization.images.find((image) => image.name === 'my-app')?.newTag ?? '(none)',
    values.image.tag,
    tagOf(definitions.find((definition) => definition.name === 'web')?.imageUri),
    tagOf(deployment.spec.template.spec.containers.find((container) => container.name === 'web')?.image),
  ];
}

/** A sample event of events/ by file name. */
export async function sampleEvent(name: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(join(EVENTS, name), 'utf8')) as Record<string, unknown>;
}
