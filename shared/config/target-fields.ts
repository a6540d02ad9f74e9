/** Keys every update target shares (file location, `setName`, scan gate) and the file-target builder. */
import * as z from 'zod';
import { checkedString, closedObject, requiredText } from '#config/schema-building-blocks.ts';
import { branchNameProblem, isRepositoryPath } from '#config/value-rules.ts';

export const location = {
  repository: requiredText.meta({ description: 'Name of a repository defined under `repositories`.' }),
  branch: checkedString(
    (value) => branchNameProblem(value) === undefined,
    (value) => branchNameProblem(value) ?? '',
  ).meta({ description: 'Branch to commit to; a valid git branch name (`git check-ref-format --branch`).' }),
  file: checkedString(isRepositoryPath, (value) => {
    return `must be a relative path inside the repository (got ${JSON.stringify(value)})`;
  }).meta({
    description:
      'Path of the manifest relative to the root of the repository: `/`-separated, no leading `/`, ' +
      'no `.`, `..` or empty segments, no `.git`, no backslashes or control characters.',
  }),
};
const setName = z
  .boolean()
  .meta({ description: 'Also write the image name (the `uri` of the image), not only tag and digest.' })
  .default(false);

export const scan = closedObject({
  severity: z
    .enum(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL', 'UNDEFINED'])
    .meta({ description: 'Lowest severity that blocks: a finding at or above it keeps the image out.' })
    .default('HIGH'),
})
  .meta({
    description:
      'Scan gate: only images whose ECR scan completed without findings at or above `severity`. Gated ' +
      'targets are bumped by the `ECR Image Scan` / `Inspector2 Scan` event instead of the push.',
  })
  .optional();

/** The keys every target has, checked on their own when `kind` is unknown. */
export const targetBase = z.object({ ...location, setName });

/**
 * A file target of `kind`: the location keys, `kind`, its own `shape`, then `setName` and `scan`.
 * `where` replaces the location keys where the place is given otherwise (a preview's target names
 * only a file inside the preview directory).
 */
export const fileTarget = <
  Kind extends string,
  Shape extends z.core.$ZodLooseShape,
  Where extends z.core.$ZodLooseShape = typeof location,
>(
  kind: Kind,
  shape: Shape,
  meta: { title: string; description: string; example: { file: string } & Record<string, unknown> },
  where: Where = location as unknown as Where,
) => {
  const { file, ...options } = meta.example;
  const place = 'repository' in where ? { repository: 'manifests', branch: 'main', file } : { file };
  return closedObject({
    ...where,
    kind: z.literal(kind).meta({ description: 'Manifest kind.' }),
    ...shape,
    setName,
    scan,
  }).meta({
    title: meta.title,
    description: meta.description,
    examples: [{ ...place, kind, ...options }],
  });
};
