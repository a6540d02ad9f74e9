/**
 * Golden tests over the real-world ECS files of the corpus: every image field of every file is
 * bumped in turn, and the output must differ from the input only in that string's bytes. The corpus
 * (../shared/corpus) is beside CI's checkout only: without it, one skipped test says so and nothing
 * is read.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findNodeAtLocation, type JSONPath, parseTree } from 'jsonc-parser';
import { describe, expect, it } from 'vitest';
import type { DesiredImage, ManifestEditor } from '#domain/editors/editor.ts';
import { imageDefinitionsEditor } from '#domain/editors/kinds/imagedefinitions.ts';
import { imageDetailEditor } from '#domain/editors/kinds/imagedetail.ts';
import { taskDefinitionEditor } from '#domain/editors/kinds/taskdefinition.ts';
import { ManifestError } from '#domain/errors.ts';
import { formatImageReference, parseImageReference } from '#domain/image-reference.ts';
import type { EditSpec } from '#domain/targets.ts';

const CORPUS = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/corpus');
const CORPUS_PRESENT = existsSync(CORPUS);
/** `describe` when the corpus is present; otherwise nothing, so nothing is collected or read. */
const corpusSuite = (name: string, body: () => void) => (CORPUS_PRESENT ? describe(name, body) : undefined);
const NEW_NAME = '210987654321.dkr.ecr.eu-central-1.amazonaws.com/platform/shop-web';
const DIGEST = `sha256:${'9f86d081884c7d65'.repeat(4)}`;
const IMAGES: { label: string; setName: boolean; image: DesiredImage }[] = [
  { label: 'tag', setName: false, image: { name: NEW_NAME, tag: '9.9.9-rc.1' } },
  { label: 'tag and digest', setName: false, image: { name: NEW_NAME, tag: '2026.03.01', digest: DIGEST } },
  { label: 'name, tag and digest', setName: true, image: { name: NEW_NAME, tag: 'v10', digest: DIGEST } },
];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface Case {
  file: string;
  container: string;
  path: JSONPath;
  editor: ManifestEditor;
  spec: (setName: boolean) => EditSpec;
}

function corpusCases(): Case[] {
  const files = readdirSync(CORPUS, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.json') && !file.startsWith('_licenses'))
    .sort();
  return files.flatMap((file): Case[] => {
    const parsed = JSON.parse(readFileSync(join(CORPUS, file), 'utf8')) as Json;
    const name = basename(file);
    if (name === 'imagedefinitions.json') {
      return (parsed as { name: string }[]).map((entry, index) => ({
        file,
        container: entry.name,
        path: [index, 'imageUri'],
        editor: imageDefinitionsEditor as ManifestEditor,
        spec: (setName) => ({ kind: 'imagedefinitions', container: entry.name, setName }),
      }));
    }
    if (name === 'imageDetail.json') {
      return [
        {
          file,
          container: '',
          path: ['ImageURI'],
          editor: imageDetailEditor as ManifestEditor,
          spec: (setName) => ({ kind: 'imagedetail', setName }),
        },
      ];
    }
    const containers = (parsed as { containerDefinitions?: { name: string }[] }).containerDefinitions;
    if (!containers) throw new Error(`${file}: a corpus JSON file this test does not know how to target`);
    return containers.map((container, index) => ({
      file,
      container: container.name,
      path: ['containerDefinitions', index, 'image'],
      editor: taskDefinitionEditor as ManifestEditor,
      spec: (setName) => ({ kind: 'taskdefinition', container: container.name, setName }),
    }));
  });
}

function valueAt(value: Json, path: JSONPath): Json {
  return path.reduce<Json>((node, key) => (node as Record<string | number, Json>)[key] as Json, value);
}

function withValueAt(value: Json, path: JSONPath, replacement: string): Json {
  const copy = structuredClone(value);
  const parent = valueAt(copy, path.slice(0, -1)) as Record<string | number, Json>;
  parent[path.at(-1)!] = replacement;
  return copy;
}

if (!CORPUS_PRESENT) {
  const reason =
    'external corpus: skipped — ../shared/corpus is not beside the repository (present only in CI)';
  // The default reporter counts skips without titles: the reason is printed as well.
  console.info(`${import.meta.url.split('/').pop()}: ${reason}`);
  it.skip(reason, () => {});
}

corpusSuite('ECS corpus', () => {
  // Read while collecting, which happens only when the corpus is present.
  const cases = corpusCases();

  it('covers every kind, including multi-container task definitions', () => {
    const files = new Set(cases.map((c) => c.file));
    expect(files.size).toBeGreaterThanOrEqual(15);
    expect(cases.filter((c) => c.editor === imageDefinitionsEditor).length).toBeGreaterThanOrEqual(3);
    expect(cases.filter((c) => c.editor === imageDetailEditor).length).toBeGreaterThanOrEqual(3);
    const firelens = cases.filter((c) => c.file.includes('firelens'));
    expect(firelens.length).toBeGreaterThan(new Set(firelens.map((c) => c.file)).size);
  });

  for (const target of cases) {
    const title = `${target.file}${target.container ? ` [${target.container}]` : ''}`;
    const input = readFileSync(join(CORPUS, target.file), 'utf8');
    const current = valueAt(JSON.parse(input) as Json, target.path) as string;

    if (/^<.*>$/.test(current)) {
      it(`refuses the CodePipeline placeholder in ${title}`, () => {
        for (const { setName, image } of IMAGES) {
          expect(() => target.editor.write(input, target.spec(setName), image, target.file)).toThrow(
            ManifestError,
          );
          expect(() => target.editor.write(input, target.spec(setName), image, target.file)).toThrow(
            /placeholder .* CodePipeline/,
          );
        }
        expect(() => target.editor.read(input, target.spec(false), target.file)).toThrow(/placeholder/);
      });
      continue;
    }

    for (const { label, setName, image } of IMAGES) {
      it(`writes the ${label} into ${title} and nothing else`, () => {
        const spec = target.spec(setName);
        const name = setName ? image.name : parseImageReference(current).name;
        const expected = formatImageReference({ name, tag: image.tag, digest: image.digest });
        const node = findNodeAtLocation(parseTree(input)!, target.path)!;

        const outcome = target.editor.write(input, spec, image, target.file);

        expect(outcome.text).toBe(
          `${input.slice(0, node.offset)}${JSON.stringify(expected)}${input.slice(node.offset + node.length)}`,
        );
        expect(target.editor.read(outcome.text, spec, target.file)).toEqual({
          name,
          tag: image.tag,
          ...(image.digest ? { digest: image.digest } : {}),
          location: outcome.location,
        });
        expect(target.editor.write(outcome.text, spec, image, target.file).text).toBe(outcome.text);
        expect(JSON.parse(outcome.text)).toEqual(
          withValueAt(JSON.parse(input) as Json, target.path, expected),
        );
      });
    }
  }
});
