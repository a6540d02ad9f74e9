/**
 * Checks before an image field is bumped: the value in the file must be an image, not a
 * placeholder a pipeline or build step fills in, and the image to write must be well formed.
 */
import { EventError, ManifestError } from '../../errors.ts';
import { isValidDigest, isValidTag, parseImageReference } from '../../image-reference.ts';
import type { DesiredImage } from '../editor.ts';

/** `<IMAGE1_NAME>`: text CodePipeline's ECS deploy actions replace with the built image. */
const PIPELINE_PLACEHOLDER = /<[^<>]*>/;
/** `${IMAGE_URI}` or `$IMAGE_URI`: the whole value is a variable some build step substitutes. */
const WHOLE_VARIABLE = /^\$(?:\{[^{}]*\}|[A-Za-z_][A-Za-z0-9_]*)$/;

/** Throws when `value` is a placeholder or variable rather than an image to bump. */
export function checkBumpable(value: string, setName: boolean, file: string, location: string): void {
  const placeholder = PIPELINE_PLACEHOLDER.exec(value)?.[0];
  if (placeholder) {
    throw new ManifestError(
      file,
      location,
      `${placeholder === value ? 'the value is' : `${JSON.stringify(value)} contains`} the placeholder ${placeholder}, ` +
        'which CodePipeline replaces with the image it deploys; it must not be bumped. ' +
        'Target the imagedefinitions.json or imageDetail.json the pipeline reads instead, or remove this target',
    );
  }
  const { tag, digest } = parseImageReference(value);
  if (tag?.includes('$') || digest?.includes('$')) {
    throw new ManifestError(
      file,
      location,
      `the tag or digest in ${JSON.stringify(value)} is a variable a build step substitutes; it must not be bumped. ` +
        'Target a file that holds a literal tag, or remove this target',
    );
  }
  if (!setName && WHOLE_VARIABLE.test(value.trim())) {
    throw new ManifestError(
      file,
      location,
      `${JSON.stringify(value)} is a variable a build step substitutes, with no tag of its own to bump; ` +
        'set setName: true to replace it with a literal reference, or remove this target',
    );
  }
}

/** Throws an EventError when the image to write has an invalid tag, digest or name. */
export function checkDesiredImage(image: DesiredImage, setName: boolean): void {
  if (!isValidTag(image.tag)) throw new EventError(`invalid image tag ${JSON.stringify(image.tag)}`);
  if (image.digest !== undefined && !isValidDigest(image.digest)) {
    throw new EventError(`invalid image digest ${JSON.stringify(image.digest)}`);
  }
  if (setName) {
    const parsed = parseImageReference(image.name);
    if (!image.name || /\s/.test(image.name) || parsed.name !== image.name || parsed.tag !== undefined) {
      throw new EventError(
        `invalid image name ${JSON.stringify(image.name)}: expected a repository URI without tag`,
      );
    }
  }
}
