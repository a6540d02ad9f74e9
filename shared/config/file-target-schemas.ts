/** The file targets, one schema per manifest kind. */
import * as z from 'zod';
import { checkedString, closedObject, requiredText } from '#config/schema-building-blocks.ts';
import { fileTarget, location } from '#config/target-fields.ts';
import { parsePath } from '#domain/editors/yaml/path-syntax.ts';

const container = requiredText.meta({ description: 'Container name.', examples: ['web'] });
const dottedPath = checkedString(
  (value) =>
    /^[^.[\]]+(?:\[(?:\d+|[^\]=]+=[^\]]*)\])*(?:\.[^.[\]]+(?:\[(?:\d+|[^\]=]+=[^\]]*)\])*)*$/.test(value),
  (value) =>
    `must be a dotted path such as spec.image, a.b[0].c or spec.containers[name=web].image (got ${JSON.stringify(value)})`,
);

/** The last segment of a valid dotted path when it is a plain key (`image.tag` → `tag`). */
function lastKey(path: string): string | undefined {
  try {
    const last = parsePath(path, '').at(-1);
    return last?.kind === 'key' && path.endsWith(last.key) ? last.key : undefined;
  } catch {
    return undefined;
  }
}

/** The file targets with their place given by `where` (repository, branch and file by default). */
export const fileTargetsAt = <Where extends z.core.$ZodLooseShape>(where: Where) =>
  [
    fileTarget(
      'kustomize',
      {
        image: requiredText.meta({
          description: '`name` of the entry in `images:` to update.',
          examples: ['my-app'],
        }),
      },
      {
        title: 'Kustomize target',
        description: 'kustomization.yaml `images:` entry: writes newTag (and newName, digest).',
        example: { file: 'overlays/dev/kustomization.yaml', image: 'my-app' },
      },
      where,
    ),
    fileTarget(
      'helm',
      {
        path: dottedPath.meta({
          description: 'Dotted path to a mapping holding the image keys, or to a scalar `repository:tag`.',
          examples: ['image', 'frontend.image'],
        }),
        tagKey: requiredText.meta({ description: 'Key of the tag in that mapping.' }).default('tag'),
        repositoryKey: requiredText
          .meta({ description: 'Key of the image name in that mapping.' })
          .default('repository'),
        digestKey: requiredText.meta({ description: 'Key of the digest in that mapping.' }).default('digest'),
      },
      {
        title: 'Helm values target',
        description: 'An image in a Helm values file.',
        example: { file: 'charts/app/values.yaml', path: 'image' },
      },
      where,
    ).superRefine((input, ctx) => {
      const value = input as { path: string; tagKey: string };
      const last = lastKey(value.path);
      if (last !== undefined && last === value.tagKey) {
        const parent = value.path.slice(0, value.path.length - last.length - 1);
        ctx.addIssue({
          code: 'custom',
          path: ['path'],
          message:
            `${JSON.stringify(value.path)} ends at the tag key ${JSON.stringify(last)}: a helm path names the mapping ` +
            `that holds the tag${parent ? ` (path: ${parent})` : ''} or a whole repo:tag string, and a tag written ` +
            `here as an image reference would read "1.4.1:1.4.2"; to write a bare tag at this path use ` +
            '`kind: yaml` with `value: tag`',
        });
      }
    }),
    fileTarget(
      'kubernetes',
      {
        container,
        resource: closedObject({
          kind: requiredText.meta({ description: 'Resource kind, e.g. Deployment.' }).optional(),
          name: requiredText.meta({ description: '`metadata.name` of the resource.' }).optional(),
        })
          .refine((value) => value.kind !== undefined || value.name !== undefined, {
            error: 'must set kind or name',
          })
          .meta({ description: 'Narrows the match when several resources have a container of that name.' })
          .optional(),
      },
      {
        title: 'Kubernetes workload target',
        description: 'Containers and initContainers named `container` in Kubernetes workload manifests.',
        example: { file: 'k8s/deploy.yaml', container: 'web', resource: { kind: 'Deployment', name: 'web' } },
      },
      where,
    ),
    fileTarget(
      'yaml',
      {
        path: dottedPath.meta({
          description: 'Path of the scalar to write.',
          examples: ['spec.image', 'a.b[0].c'],
        }),
        value: z
          .enum(['reference', 'tag'])
          .meta({ description: 'Write the whole image reference, or the tag only.' })
          .default('reference'),
        document: z
          .int()
          .min(0)
          .meta({ description: 'Zero-based index of the document in a multi-document file.' })
          .optional(),
      },
      {
        title: 'YAML path target',
        description: 'A scalar at a path in any YAML file.',
        example: { file: 'app/config.yaml', path: 'spec.image', value: 'reference' },
      },
      where,
    ),
    fileTarget(
      'imagedefinitions',
      { container },
      {
        title: 'ECS image definitions target',
        description: 'ECS `imagedefinitions.json`: `imageUri` of the entry named `container`.',
        example: { file: 'ecs/imagedefinitions.json', container: 'web' },
      },
      where,
    ),
    fileTarget(
      'imagedetail',
      {},
      {
        title: 'ECS image detail target',
        description: 'ECS blue/green `imageDetail.json`: `ImageURI`.',
        example: { file: 'ecs/imageDetail.json' },
      },
      where,
    ),
    fileTarget(
      'taskdefinition',
      { container },
      {
        title: 'ECS task definition target',
        description:
          'ECS task definition JSON: `image` of the `containerDefinitions` entry named `container`.',
        example: { file: 'ecs/taskdef.json', container: 'web' },
      },
      where,
    ),
  ] as const;

export const fileTargets = fileTargetsAt(location);
