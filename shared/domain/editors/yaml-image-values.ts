/** Image references and tags held in YAML scalars: reading them and rewriting them. */
import { ManifestError } from '#domain/errors.ts';
import { parseImageReference } from '#domain/image-reference.ts';
import type { DesiredImage } from './editor.ts';
import type { YamlFile } from './yaml-file.ts';
import type { Located } from './yaml-navigation.ts';
import type { ScalarChange } from './yaml-scalar-splice.ts';
import { expectScalar, scalarText } from './yaml-scalars.ts';

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

/** Rewrite the reference string at `at` to carry `image`'s tag (and digest, and name with setName). */
export function referenceChange(
  file: YamlFile,
  at: Located,
  image: DesiredImage,
  setName: boolean,
  location: string,
): ScalarChange {
  const current = scalarText(file, expectScalar(file, at, location)).trim();
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
