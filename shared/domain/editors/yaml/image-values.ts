/** Image references and tags held in YAML scalars: reading them and rewriting them. */
import { ManifestError } from '#domain/errors.ts';
import { parseImageReference } from '#domain/image-reference.ts';
import type { DesiredImage } from '../editor.ts';
import type { YamlFile } from './file.ts';
import type { Located } from './navigation.ts';
import type { ScalarChange } from './scalar-splice.ts';
import { expectScalar, scalarText } from './scalars.ts';

/** `2026.8.3@sha256:…` → tag and digest; empty parts are absent. */
export function splitTagAndDigest(value: string): { tag?: string; digest?: string } {
  const at = value.indexOf('@');
  const tag = (at < 0 ? value : value.slice(0, at)).trim();
  const digest = at < 0 ? '' : value.slice(at + 1).trim();
  const out: { tag?: string; digest?: string } = {};
  if (tag !== '') out.tag = tag;
  if (digest !== '') out.digest = digest;
  return out;
}

/**
 * The reference `current` with a new tag (and digest when given; an inline digest is dropped
 * otherwise). The name part is kept byte for byte unless `name` is given.
 */
export function withTagAndDigest(
  current: string,
  tag: string,
  digest: string | undefined,
  name?: string,
): string {
  const at = current.indexOf('@');
  const base = at < 0 ? current : current.slice(0, at);
  const colon = base.lastIndexOf(':');
  const namePart = colon > base.lastIndexOf('/') ? base.slice(0, colon) : base;
  return `${name ?? namePart}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`;
}

export interface HeldImage {
  name?: string;
  tag?: string;
  digest?: string;
}

/** The image reference string (`repo:tag[@digest]`) held by the scalar at `at`. */
export function readReference(file: YamlFile, at: Located, location: string): HeldImage {
  const text = scalarText(file, expectScalar(file, at, location)).trim();
  if (text === '') return {};
  const ref = parseImageReference(text);
  const out: HeldImage = {};
  if (ref.name !== '') out.name = ref.name;
  if (ref.tag) out.tag = ref.tag;
  if (ref.digest) out.digest = ref.digest;
  return out;
}

/**
 * A name with no registry or path that reads as a version (`1.4.1`, `v2`, `2024.05.01-3`): the
 * value is a bare tag, and a reference written over it would be `1.4.1:1.4.2`.
 */
const VERSION_LIKE = /^v?\d+(?:[._-]\d+)*(?:[-+._][0-9A-Za-z._+-]*)?$/;

/** Why a reference with `name` is no image reference (the name is a tag), or undefined. */
export function bareTagProblem(name: string): string | undefined {
  if (name.includes('/') || !VERSION_LIKE.test(name)) return undefined;
  return `holds ${JSON.stringify(name)}, which reads as a bare tag, not an image reference (name:tag); writing the image there would give ${JSON.stringify(`${name}:<tag>`)}`;
}

/** Rewrite the reference string at `at` to carry `image`'s tag (and digest, and name with setName). */
export function referenceChange(
  file: YamlFile,
  at: Located,
  image: DesiredImage,
  setName: boolean,
  location: string,
): ScalarChange {
  const current = scalarText(file, expectScalar(file, at, location)).trim();
  const bareTag = bareTagProblem(parseImageReference(current).name);
  if (bareTag) {
    throw new ManifestError(
      file.file,
      location,
      `\`${at.display}\` ${bareTag}. Point the target at the whole image reference (a Helm path names the mapping that holds the tag), or write the tag alone with \`kind: yaml\` and \`value: tag\``,
    );
  }
  if (!setName && parseImageReference(current).name === '') {
    throw new ManifestError(
      file.file,
      location,
      `\`${at.display}\` holds no image name to keep; enable setName on the target so the full reference is written`,
    );
  }
  return {
    kind: 'set',
    at,
    value: withTagAndDigest(current, image.tag, image.digest, setName ? image.name : undefined),
  };
}
