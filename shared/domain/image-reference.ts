/** Parsing and formatting of container image references (`name[:tag][@digest]`). */

/** OCI distribution spec tag grammar. */
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
/** The digests registered by the OCI image spec; ECR always sends sha256. */
const DIGEST = /^(?:sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

export interface ImageReference {
  name: string;
  tag?: string;
  digest?: string;
}

export function isValidTag(tag: string): boolean {
  return TAG.test(tag);
}

export function isValidDigest(digest: string): boolean {
  return DIGEST.test(digest);
}

/**
 * Split a reference into name, tag and digest. A `:` only starts a tag when it comes after the
 * last `/`, so registry ports (`10.0.0.1:5000/app`) stay in the name.
 */
export function parseImageReference(reference: string): ImageReference {
  let rest = reference.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const colon = rest.lastIndexOf(':');
  const slash = rest.lastIndexOf('/');
  if (colon > slash) {
    return withOptional({ name: rest.slice(0, colon), tag: rest.slice(colon + 1), digest });
  }
  return withOptional({ name: rest, digest });
}

export function formatImageReference(ref: ImageReference): string {
  return `${ref.name}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

/** `1.4.2` or `1.4.2@sha256:…`: the compact form used in change records and commit messages. */
export function formatTagAndDigest(tag: string | undefined, digest: string | undefined): string {
  return `${tag ?? '(none)'}${digest ? `@${digest}` : ''}`;
}

function withOptional(ref: { name: string; tag?: string | undefined; digest?: string | undefined }) {
  const out: ImageReference = { name: ref.name };
  if (ref.tag !== undefined) out.tag = ref.tag;
  if (ref.digest !== undefined) out.digest = ref.digest;
  return out;
}
