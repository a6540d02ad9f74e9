import type { EditSpec, TargetKind } from '../targets.ts';

/** What a manifest currently holds at a target. Any part may be absent (`image: nginx`). */
export interface CurrentImage {
  name?: string;
  tag?: string;
  digest?: string;
  /** Human-readable location inside the file, e.g. `images[name=my-app].newTag`. */
  location: string;
}

/** The image to write. `name` is the full repository URI (written only when the target has `setName`). */
export interface DesiredImage {
  name: string;
  tag: string;
  /** Written only when present (digest policy `pin`). */
  digest?: string;
}

export interface EditOutcome {
  /** The whole file after the edit; identical bytes everywhere but the target value(s). */
  text: string;
  location: string;
  /** Compact before/after, e.g. `1.4.1` → `1.4.2` or `1.4.2@sha256:…` when pinned. */
  from: string;
  to: string;
}

/**
 * One manifest kind. Pure: text in, text out. `read` and `write` throw `ManifestError` when the
 * file does not parse, or the target is missing or ambiguous; they never return partial results.
 */
export interface ManifestEditor<K extends TargetKind = TargetKind> {
  readonly kind: K;
  read(text: string, spec: EditSpec<K>, file: string): CurrentImage;
  write(text: string, spec: EditSpec<K>, image: DesiredImage, file: string): EditOutcome;
}
