import type { PreviewSetConfig } from '#config/types.ts';
import { readTarget, writeTarget } from '#domain/editors/index.ts';
import { PermanentError } from '#domain/errors.ts';
import { renderPreview } from '#domain/previews/render.ts';
import { previewSlug } from '#domain/previews/slug.ts';
import { patternCaptures } from '#domain/tag-policy.ts';
import type { FileTarget } from '#domain/targets.ts';
import type { FileChange } from '../ports/git-host.ts';
import { RegistryError } from '../ports/image-registry.ts';
import type { PreviewSourceRef } from '../ports/preview-source.ts';
import { type PreviewDeps, previewDir, previewUrl, type RegistryPlace, templateDir } from './deps.ts';
import { type PreviewRecord, RECORD_FILE, recordText } from './state.ts';

/** The image name previews of `set` are written with. */
export const imageName = (set: PreviewSetConfig, place: RegistryPlace): string | undefined =>
  set.image === undefined
    ? undefined
    : (set.image.uri ?? `${place.account}.dkr.ecr.${place.region}.amazonaws.com/${set.image.ecr}`);

/** The set's target in the preview directory of `slug`, as a target of the manifests repository. */
export function targetIn(set: PreviewSetConfig, slug: string): FileTarget | undefined {
  if (set.image === undefined) return undefined;
  return {
    ...set.image.target,
    repository: set.repository,
    branch: set.branch,
    file: `${previewDir(set, slug)}/${set.image.target.file}`,
  } as FileTarget;
}

/** Whether a tag's capture names this preview (its slug, its branch, or its pull request). */
export function tagNamesPreview(
  set: PreviewSetConfig,
  tag: string,
  preview: { slug: string; branch: string; pullRequest?: string },
): boolean {
  if (set.image === undefined) return false;
  const groups = patternCaptures(set.image.tag, tag)?.groups;
  if (groups === undefined) return false;
  if (groups.slug !== undefined) return groups.slug === preview.slug;
  if (groups.branch !== undefined)
    return groups.branch === preview.branch || previewSlug(groups.branch, set.slugPrefix) === preview.slug;
  return groups.pr !== undefined && groups.pr === preview.pullRequest;
}

/** The newest image (by push time) whose tag names this preview, if the registry holds one. */
async function newestImageTag(
  deps: PreviewDeps,
  set: PreviewSetConfig,
  preview: { slug: string; branch: string; pullRequest?: string },
): Promise<string | undefined> {
  if (set.image === undefined) return undefined;
  let images: Awaited<ReturnType<PreviewDeps['registry']['listImages']>>;
  try {
    images = await deps.registry.listImages(set.image.ecr);
  } catch (error) {
    if (error instanceof RegistryError && error.code === 'RepositoryNotFound') return undefined;
    throw error;
  }
  let best: { tag: string; at: number } | undefined;
  for (const image of images) {
    for (const tag of image.tags) {
      if (!tagNamesPreview(set, tag, preview)) continue;
      const at = image.pushedAt.getTime();
      if (best === undefined || at > best.at) best = { tag, at };
    }
  }
  return best?.tag;
}

/**
 * The files of a new preview, read from the template at `commitId`: rendered, its target set to the
 * newest image of the branch when there is one, and its record.
 */
export async function renderNewPreview(
  deps: PreviewDeps,
  set: PreviewSetConfig,
  commitId: string,
  ref: PreviewSourceRef,
  place: RegistryPlace,
): Promise<{ changes: FileChange[]; record: PreviewRecord }> {
  const host = deps.hostFor(set.repository);
  const slug = previewSlug(ref.branch, set.slugPrefix);
  const template = templateDir(set);
  const listing = await host.listFiles(set.branch, template, commitId);
  const files = listing.files.filter((file) => !file.endsWith(`/${RECORD_FILE}`));
  if (files.length === 0) {
    throw new PermanentError(
      `preview set ${set.name}: the template directory ${template} holds no files on branch ${set.branch} of ${host.description}`,
    );
  }
  const templateFiles = await Promise.all(
    files.map(async (path) => ({ path, content: (await host.readFile(set.branch, path, commitId)).content })),
  );
  const url = previewUrl(set, slug);
  const tag = await newestImageTag(deps, set, { slug, ...ref });
  const name = imageName(set, place);
  const image = tag !== undefined && name !== undefined ? `${name}:${tag}` : undefined;
  const dir = previewDir(set, slug);
  const rendered = renderPreview(templateFiles, template, dir, {
    slug,
    branch: ref.branch,
    pullRequest: ref.pullRequest ?? '',
    url,
    image,
  });
  const target = targetIn(set, slug);
  if (tag !== undefined && name !== undefined && target !== undefined) {
    const file = rendered.find((candidate) => candidate.path === target.file);
    if (file === undefined) {
      throw new PermanentError(
        `preview set ${set.name}: the target file ${set.image?.target.file} is not in the template directory ${template}`,
      );
    }
    if (readTarget(file.content, target).tag !== tag) {
      file.content = writeTarget(file.content, target, { name, tag }).text;
    }
  }
  const record: PreviewRecord = {
    slug,
    branch: ref.branch,
    ...(ref.pullRequest === undefined ? {} : { pullRequest: ref.pullRequest }),
    url,
    openedAt: deps.now().toISOString(),
    ...(image === undefined ? {} : { image }),
  };
  return {
    changes: [...rendered, { path: `${dir}/${RECORD_FILE}`, content: recordText(record) }],
    record,
  };
}
