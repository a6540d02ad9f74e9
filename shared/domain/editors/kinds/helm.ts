/**
 * Helm values: `path` names either a mapping holding the tag, repository and digest keys, or a
 * scalar holding a whole `repo:tag[@digest]` reference.
 */

import { isMap, isSeq } from 'yaml';
import { ManifestError } from '#domain/errors.ts';
import { formatTagAndDigest } from '#domain/image-reference.ts';
import type { EditSpec } from '#domain/targets.ts';
import type { CurrentImage, DesiredImage, EditOutcome, ManifestEditor } from '../editor.ts';
import { applyChanges, type Change } from '../yaml/apply-changes.ts';
import { parseYamlFile, type YamlFile } from '../yaml/file.ts';
import { readReference, referenceChange, splitTagAndDigest } from '../yaml/image-values.ts';
import { describeLocation, locateUnique } from '../yaml/location.ts';
import { child, type Located, mapEntries } from '../yaml/navigation.ts';
import { expectScalar, scalarText } from '../yaml/scalars.ts';

type Spec = EditSpec<'helm'>;

interface Plan {
  current: CurrentImage;
  changes(image: DesiredImage): Change[];
}

export const helmEditor: ManifestEditor<'helm'> = {
  kind: 'helm',
  read(text: string, spec: Spec, file: string): CurrentImage {
    return plan(parseYamlFile(text, file), spec).current;
  },
  write(text: string, spec: Spec, image: DesiredImage, file: string): EditOutcome {
    const yaml = parseYamlFile(text, file);
    const { current, changes } = plan(yaml, spec);
    return {
      text: applyChanges(yaml, changes(image), current.location),
      location: current.location,
      from: formatTagAndDigest(current.tag, current.digest),
      to: formatTagAndDigest(image.tag, image.digest),
    };
  },
};

function plan(file: YamlFile, spec: Spec): Plan {
  const at = locateUnique(file, spec.path);
  if (isMap(at.node)) return planMapping(file, spec, at);
  if (isSeq(at.node)) {
    throw new ManifestError(
      file.file,
      spec.path,
      `\`${at.display}\` is a list; point the path at the mapping that holds \`${spec.tagKey}\` or at a \`repo:tag\` string`,
    );
  }
  const location = describeLocation(file, at.display, at.doc);
  const held = readReference(file, at, location);
  return {
    current: { ...held, location },
    changes: (image) => [referenceChange(file, at, image, spec.setName, location)],
  };
}

function planMapping(file: YamlFile, spec: Spec, image: Located): Plan {
  const keys = () => mapEntries(image).map((entry) => entry.key);
  const tagAt = child(image, spec.tagKey);
  if (!tagAt) {
    throw new ManifestError(
      file.file,
      spec.path,
      `\`${image.display}\` has no \`${spec.tagKey}\` key (keys: ${keys().join(', ') || 'none'}); add it to the values, or set tagKey on the target to the key that holds the tag`,
    );
  }
  const location = describeLocation(file, tagAt.display, tagAt.doc);
  const text = (at: Located | undefined) =>
    at ? scalarText(file, expectScalar(file, at, location)).trim() : '';
  const repositoryAt = child(image, spec.repositoryKey);
  const digestAt = child(image, spec.digestKey);
  const inTag = splitTagAndDigest(text(tagAt));
  const digestField = text(digestAt);
  const current: CurrentImage = { location };
  const name = text(repositoryAt);
  if (name) current.name = name;
  if (inTag.tag) current.tag = inTag.tag;
  const digest = digestField || inTag.digest;
  if (digest) current.digest = digest;

  return {
    current,
    changes(desired) {
      const changes: Change[] = [];
      if (spec.setName) {
        if (!repositoryAt) {
          throw new ManifestError(
            file.file,
            location,
            `setName needs a \`${spec.repositoryKey}\` key next to \`${spec.tagKey}\` in \`${image.display}\` (keys: ${keys().join(', ')}); add it, or set repositoryKey on the target`,
          );
        }
        changes.push({ kind: 'set', at: repositoryAt, value: desired.name });
      }
      let tag = desired.tag;
      if (desired.digest) {
        if (digestAt) changes.push({ kind: 'set', at: digestAt, value: desired.digest });
        // The digest rides in the tag when the file already does so, or has nowhere else to go.
        if (!digestAt || inTag.digest) tag = `${desired.tag}@${desired.digest}`;
      } else if (digestField) {
        throw new ManifestError(
          file.file,
          location,
          `\`${image.display}.${spec.digestKey}\` pins digest ${digestField}, and a new tag without a new digest would not deploy; set \`digest: pin\` on this target so the digest is written with each tag, or empty the \`${spec.digestKey}\` value`,
        );
      }
      changes.push({ kind: 'set', at: tagAt, value: tag });
      return changes;
    },
  };
}
