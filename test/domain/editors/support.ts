/** Scaffolding the YAML editor tests share: target specs with defaults, a writer, error capture. */
import type { DesiredImage, EditOutcome, ManifestEditor } from '#domain/editors/editor.ts';
import { ManifestError } from '#domain/errors.ts';
import type { EditSpec, TargetKind } from '#domain/targets.ts';

/** A well-formed sha256 digest to pin. */
export const DIGEST = 'sha256:0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9';

/** The ManifestError `fn` throws; anything else thrown is rethrown, and not throwing fails. */
export function manifestError(fn: () => unknown): ManifestError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ManifestError) return e;
    throw e;
  }
  throw new Error('expected a ManifestError');
}

export const kustomizeSpec = (image: string, setName = false): EditSpec<'kustomize'> => ({
  kind: 'kustomize',
  image,
  setName,
});

export const helmSpec = (path: string, more: Partial<EditSpec<'helm'>> = {}): EditSpec<'helm'> => ({
  kind: 'helm',
  path,
  tagKey: 'tag',
  repositoryKey: 'repository',
  digestKey: 'digest',
  setName: false,
  ...more,
});

export const kubernetesSpec = (
  container: string,
  more: Partial<EditSpec<'kubernetes'>> = {},
): EditSpec<'kubernetes'> => ({
  kind: 'kubernetes',
  container,
  setName: false,
  ...more,
});

export const yamlSpec = (path: string, more: Partial<EditSpec<'yaml'>> = {}): EditSpec<'yaml'> => ({
  kind: 'yaml',
  path,
  value: 'reference',
  setName: false,
  ...more,
});

type Writer<K extends TargetKind> = (text: string, spec: EditSpec<K>, image?: DesiredImage) => EditOutcome;
type WriterWithSpec<K extends TargetKind> = (
  text: string,
  spec?: EditSpec<K>,
  image?: DesiredImage,
) => EditOutcome;

/** `editor.write` on `file`, with `defaults.image` (and `defaults.spec`, when given) for what is left out. */
export function writerFor<K extends TargetKind>(
  editor: ManifestEditor<K>,
  file: string,
  defaults: { image: DesiredImage; spec: EditSpec<K> },
): WriterWithSpec<K>;
export function writerFor<K extends TargetKind>(
  editor: ManifestEditor<K>,
  file: string,
  defaults: { image: DesiredImage },
): Writer<K>;
export function writerFor<K extends TargetKind>(
  editor: ManifestEditor<K>,
  file: string,
  defaults: { image: DesiredImage; spec?: EditSpec<K> },
): WriterWithSpec<K> {
  return (text, spec = defaults.spec, image = defaults.image) => {
    if (!spec) throw new Error('writerFor: no spec given and no default spec');
    return editor.write(text, spec, image, file);
  };
}
