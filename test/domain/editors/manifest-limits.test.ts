/**
 * Work bounded by the size of a manifest: linear duplicate-key checks, one parse per text, deep
 * JSON refused as a manifest error, and a clear permanent error for files too large to edit.
 */
import { describe, expect, it, vi } from 'vitest';
import * as yaml from 'yaml';
import { helmEditor } from '#domain/editors/kinds/helm.ts';
import { imageDetailEditor } from '#domain/editors/kinds/imagedetail.ts';
import { JSON_DEPTH_LIMIT, JSON_SIZE_LIMIT, YAML_SIZE_LIMIT } from '#domain/editors/manifest-limits.ts';
import { parseYamlFile } from '#domain/editors/yaml/file.ts';
import { ManifestError } from '#domain/errors.ts';
import { currentTags, planBranch } from '#domain/plan-branch.ts';
import type { FileTarget } from '#domain/targets.ts';
import { helmSpec, manifestError } from './support.ts';

vi.mock('yaml', async (importOriginal) => {
  const actual = await importOriginal<typeof import('yaml')>();
  return { ...actual, parseAllDocuments: vi.fn(actual.parseAllDocuments) };
});

const image = { name: 'registry.example.com/app', tag: '1.4.2' };

/** A values file of `keys` keys in one mapping, the image last. */
function flatValues(keys: number): string {
  const lines: string[] = [];
  for (let i = 0; i < keys; i++) lines.push(`key${i}: value${i}\n`);
  return `${lines.join('')}image:\n  repository: registry.example.com/app\n  tag: "1.4.1"\n`;
}

describe('YAML duplicate keys', () => {
  it('are found in one pass: a values file of 30,000 keys parses in a second, not in minutes', () => {
    // The parser's own check compares each key with every key before it: quadratic, 11 s on a
    // full core for 15,000 keys. With a set per mapping the parse is linear.
    const text = flatValues(30_000);
    const started = performance.now();
    const file = parseYamlFile(text, 'values.yaml');
    expect(performance.now() - started).toBeLessThan(6_000);
    expect(file.documents).toHaveLength(1);
  }, 120_000);

  it('are still refused, at the second occurrence, in block and flow mappings and in any document', () => {
    const duplicate = (text: string) => manifestError(() => parseYamlFile(text, 'v.yaml')).message;
    expect(duplicate('a: 1\nb:\n  c: 1\n  c: 2\n')).toBe(
      'v.yaml at line 4, column 3: invalid YAML: Map keys must be unique near "c: 2"; fix the file so it parses',
    );
    expect(duplicate('x: 1\n---\nitems: [{ k: 1, k: 2 }]\n')).toMatch(
      /^v\.yaml at line 3, column 17: invalid YAML: Map keys must be unique/,
    );
    expect(duplicate(`${flatValues(3)}key1: again\n`)).toMatch(/^v\.yaml at line 7, column 1: /);
    // Equal text of another type is another key, as the YAML parser sees it.
    expect(() => parseYamlFile('1: a\n"1": b\n', 'v.yaml')).not.toThrow();
  });
});

describe('one parse per text', () => {
  it('reads, writes and self-checks a bump on two parses: the file, and the edited file', () => {
    const parseAll = vi.mocked(yaml.parseAllDocuments);
    const text = flatValues(10).replace('image:', 'sidecar:\n  repository: r/s\n  tag: "1.0.0"\nimage:');
    const target = (path: string): FileTarget => ({
      repository: 'r',
      branch: 'main',
      file: 'values.yaml',
      ...helmSpec(path),
    });
    const targets = [target('image'), target('sidecar')];
    const files = new Map([['values.yaml', text]]);
    parseAll.mockClear();
    expect(currentTags(targets, files)).toEqual(['1.4.1', '1.0.0']);
    const plan = planBranch({
      policy: { ordering: { kind: 'semver', range: '*', prerelease: false }, include: [], exclude: [] },
      digest: 'ignore',
      targets,
      files,
      image: { ecr: 'app', ...image },
    });
    expect(plan.changes.map((c) => `${c.target}: ${c.from} → ${c.to}`)).toEqual([
      'image.tag: 1.4.1 → 1.4.2',
      'sidecar.tag: 1.0.0 → 1.4.2',
    ]);
    // Before: 4 parses per target (current tags, read, write, self-check), 8 in all.
    expect(parseAll).toHaveBeenCalledTimes(3);
  });
});

describe('manifests too large to edit', () => {
  it('are refused at once with a permanent error naming the file and the limit', () => {
    const big = `${'# padding\n'.repeat(YAML_SIZE_LIMIT / 10)}image:\n  tag: "1.4.1"\n`;
    const e = manifestError(() => helmEditor.read(big, helmSpec('image'), 'charts/big/values.yaml'));
    expect(e).toBeInstanceOf(ManifestError);
    expect(e.message).toMatch(
      /^charts\/big\/values\.yaml: the file is 0\.75 MB, larger than the 0\.75 MB Flowkeeper edits in a YAML manifest \(a limit sized so one bump fits the memory and time of its Lambda function\)/,
    );
    expect(() => helmEditor.read(big.slice(50), helmSpec('image'), 'v.yaml')).not.toThrow();
  });

  it('count bytes, not characters', () => {
    const text = `image:\n  tag: "1.4.1"\nnote: "${'é'.repeat(YAML_SIZE_LIMIT / 2)}"\n`;
    expect(() => parseYamlFile(text, 'v.yaml')).toThrow(/the file is 0\.75 MB, larger than the 0\.75 MB/);
  });

  it('apply to JSON with its own limit', () => {
    const json = `{"ImageURI": "r/app:1", "pad": "${'x'.repeat(JSON_SIZE_LIMIT)}"}`;
    const e = manifestError(() =>
      imageDetailEditor.read(json, { kind: 'imagedetail', setName: false }, 'd.json'),
    );
    expect(e.message).toMatch(
      /^d\.json: the file is 3\.0 MB, larger than the 3\.0 MB Flowkeeper edits in a JSON manifest/,
    );
  });
});

describe('deeply nested JSON', () => {
  it('is a manifest error naming the file, not a stack overflow', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const e = manifestError(() =>
      imageDetailEditor.read(deep, { kind: 'imagedetail', setName: false }, 'ecs/imageDetail.json'),
    );
    expect(e.message).toBe(
      `ecs/imageDetail.json: invalid JSON at line 1, column ${JSON_DEPTH_LIMIT + 1}: arrays and objects nest deeper than ${JSON_DEPTH_LIMIT} levels, more than any ECS or CodePipeline file does; fix the file`,
    );
  });

  it('counts only brackets outside strings', () => {
    const text = `{"ImageURI": "r/app:1", "x": "${'['.repeat(2_000)}"}`;
    expect(imageDetailEditor.read(text, { kind: 'imagedetail', setName: false }, 'd.json').tag).toBe('1');
  });
});
