/** A manifest editor for a JSON file kind whose target is one string field holding an image. */
import type { EditSpec, TargetKind } from '../../targets.ts';
import type { ManifestEditor } from '../editor.ts';
import { type JsonDocument, parseJson } from './document.ts';
import { type ImageField, readImageField, writeImageField } from './image-field.ts';

/** `locate` finds the field the target names in a parsed file, or throws saying why it cannot. */
export function jsonImageEditor<K extends TargetKind>(
  kind: K,
  locate: (doc: JsonDocument, spec: EditSpec<K>) => ImageField,
): ManifestEditor<K> {
  return {
    kind,
    read(text, spec, file) {
      const doc = parseJson(text, file);
      return readImageField(doc, locate(doc, spec), spec.setName);
    },
    write(text, spec, image, file) {
      const doc = parseJson(text, file);
      return writeImageField(doc, locate(doc, spec), spec.setName, image);
    },
  };
}
