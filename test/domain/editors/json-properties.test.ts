/**
 * Property tests: whatever the layout of an imagedefinitions file and whichever entry is targeted,
 * a write changes only that entry's string, reads back, and is idempotent.
 */

import fc from 'fast-check';
import { findNodeAtLocation, parseTree } from 'jsonc-parser';
import { describe, expect, it } from 'vitest';
import { imageDefinitionsEditor } from '#domain/editors/kinds/imagedefinitions.ts';
import { formatImageReference, parseImageReference } from '#domain/image-reference.ts';

const segment = fc.stringMatching(/^[a-z0-9]{1,8}$/);
const tag = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9._-]{0,20}$/);
const digest = fc.option(
  fc.stringMatching(/^[0-9a-f]{64}$/).map((hex) => `sha256:${hex}`),
  { nil: undefined },
);
const reference = fc
  .record({
    name: fc.array(segment, { minLength: 1, maxLength: 3 }).map((parts) => `r.io:5000/${parts.join('/')}`),
    tag: fc.option(tag, { nil: undefined }),
    digest,
  })
  .map(formatImageReference);
const entries = fc.uniqueArray(fc.record({ name: segment, imageUri: reference, note: fc.string() }), {
  minLength: 1,
  maxLength: 5,
  selector: (entry) => entry.name,
});
const layout = fc.record({
  indent: fc.constantFrom<string | number | undefined>(undefined, 2, 4, '\t'),
  eol: fc.constantFrom('\n', '\r\n'),
  leading: fc.constantFrom('', '\n', ' '),
  trailing: fc.constantFrom('', '\n', '\r\n', ' '),
});

describe('imagedefinitions edits under any layout', () => {
  it('change only the target string, read back and are idempotent', () => {
    fc.assert(
      fc.property(entries, layout, fc.nat(), tag, digest, (list, style, pick, newTag, newDigest) => {
        const text = `${style.leading}${JSON.stringify(list, null, style.indent).replaceAll('\n', style.eol)}${style.trailing}`;
        const index = pick % list.length;
        const target = list[index]!;
        const spec = { kind: 'imagedefinitions', container: target.name, setName: false } as const;
        const image = { name: 'unused.io/x', tag: newTag, digest: newDigest };
        const expected = formatImageReference({ ...image, name: parseImageReference(target.imageUri).name });

        const outcome = imageDefinitionsEditor.write(text, spec, image, 'imagedefinitions.json');

        const node = findNodeAtLocation(parseTree(text)!, [index, 'imageUri'])!;
        const end = node.offset + node.length;
        expect(outcome.text).toBe(
          `${text.slice(0, node.offset)}${JSON.stringify(expected)}${text.slice(end)}`,
        );
        const read = imageDefinitionsEditor.read(outcome.text, spec, 'imagedefinitions.json');
        expect([read.tag, read.digest]).toEqual([newTag, newDigest]);
        expect(imageDefinitionsEditor.write(outcome.text, spec, image, 'imagedefinitions.json').text).toBe(
          outcome.text,
        );
        const edited = list.map((entry, i) => (i === index ? { ...entry, imageUri: expected } : entry));
        expect(JSON.parse(outcome.text)).toEqual(edited);
      }),
    );
  });
});
