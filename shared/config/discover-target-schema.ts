/** The `discover` update target: every reference to the image's repository in the files globs match. */
import * as z from 'zod';
import { checkedString, closedObject, requiredText } from '#config/schema-building-blocks.ts';
import { scan, targetBase } from '#config/target-fields.ts';
import { fileGlobProblem } from '#domain/editors/discover/globs.ts';

const { repository, branch, setName } = targetBase.shape;

export const discoverTarget = closedObject({
  kind: z
    .literal('discover')
    .meta({ description: 'Find the image in the files instead of naming each value.' }),
  repository,
  branch,
  files: z
    .array(
      checkedString(
        (value) => fileGlobProblem(value) === undefined,
        (value) => fileGlobProblem(value) ?? '',
      ),
    )
    .min(1, { error: 'must list at least one glob' })
    .meta({
      description:
        'Globs of repository paths to search (`*` within one path segment, `**` across segments): ' +
        'YAML (`.yaml`, `.yml`) and ECS JSON (`.json`) files.',
      examples: [['k8s/**/*.yaml', 'apps/*/values.yaml']],
    }),
  names: z
    .array(requiredText)
    .meta({
      description:
        'Image names written without the registry host (`my-app`) that also mean this repository; ' +
        'without them only references to the full repository URI match.',
    })
    .default([]),
  setName,
  scan,
}).meta({
  title: 'Discovery target',
  description:
    'Every reference to the pushed ECR repository in the files the globs match on a branch: workload ' +
    'containers of any kind, kustomize `images[]` entries, Helm values (`repository` + `tag`, or one ' +
    'image string), plain image strings and ECS JSON files. A line marked `# flowkeeper: ignore` (or ' +
    'the line below the marker) is left alone.',
  examples: [{ kind: 'discover', repository: 'manifests', branch: 'main', files: ['k8s/**/*.yaml'] }],
});
