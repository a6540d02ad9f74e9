import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { configJsonSchema } from '#config/json-schema.ts';
import {
  CONFIG_DOC_FILES,
  END_MARKER,
  renderConfigReference,
  replaceBetweenMarkers,
  START_MARKER,
  staleConfigDocs,
} from '../../tooling/gen-config-docs.ts';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const script = join(projectRoot, 'tooling/gen-config-docs.ts');

interface Node {
  properties?: Record<string, Node>;
  additionalProperties?: boolean | Node;
  items?: Node;
  oneOf?: Node[];
}

function* propertyNames(node: Node): Generator<string> {
  for (const [key, property] of Object.entries(node.properties ?? {})) {
    yield key;
    yield* propertyNames(property);
  }
  if (typeof node.additionalProperties === 'object') yield* propertyNames(node.additionalProperties);
  if (node.items) yield* propertyNames(node.items);
  for (const option of node.oneOf ?? []) yield* propertyNames(option);
}

async function runScript(...args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    const { stderr } = await promisify(execFile)(process.execPath, [script, ...args], { cwd: projectRoot });
    return { code: 0, stderr };
  } catch (error) {
    const failed = error as { code?: number; stderr?: string };
    return { code: failed.code ?? -1, stderr: failed.stderr ?? '' };
  }
}

describe('gen-config-docs', () => {
  let scratch: string | undefined;
  afterEach(async () => {
    if (scratch) await rm(scratch, { recursive: true, force: true });
    scratch = undefined;
  });

  it('has written the current reference into docs/configuration.md and README.md', async () => {
    expect(await staleConfigDocs(projectRoot)).toEqual([]);
  });

  it('documents every key of the schema and shows an example of every target kind', () => {
    const reference = renderConfigReference();
    for (const key of new Set(propertyNames(configJsonSchema())))
      expect(reference).toContain(`| \`${key}\` |`);
    for (const kind of [
      'kustomize',
      'helm',
      'kubernetes',
      'yaml',
      'imagedefinitions',
      'imagedetail',
      'taskdefinition',
    ]) {
      expect(reference).toContain(`\`kind: ${kind}\``);
      expect(reference).toContain(`    kind: ${kind}\n`);
    }
  });

  it('replaces only the text between the markers', () => {
    const text = `# Title\n\nintro\n${START_MARKER}\nold reference\n${END_MARKER}\n\n## After\ntext\n`;
    const updated = replaceBetweenMarkers(text, 'new reference\n');
    expect(updated).toBe(
      `# Title\n\nintro\n${START_MARKER}\nnew reference\n${END_MARKER}\n\n## After\ntext\n`,
    );
    expect(replaceBetweenMarkers(updated, 'new reference\n')).toBe(updated);
  });

  it('refuses a file without markers', () => {
    expect(() => replaceBetweenMarkers('# no markers\n', 'x', 'README.md')).toThrow(
      `README.md: missing ${START_MARKER} … ${END_MARKER} markers`,
    );
  });

  it('exits 1 with --check when a file is out of date, and 0 once regenerated', async () => {
    scratch = await mkdtemp(join(tmpdir(), 'flowkeeper-docs-'));
    await mkdir(join(scratch, 'docs'));
    for (const file of CONFIG_DOC_FILES) {
      await writeFile(join(scratch, file), `# ${file}\n\n${START_MARKER}\nstale\n${END_MARKER}\n\nafter\n`);
    }
    const stale = await runScript('--check', '--root', scratch);
    expect(stale.code).toBe(1);
    for (const file of CONFIG_DOC_FILES)
      expect(stale.stderr).toContain(`${file}: the configuration reference is out of date`);

    expect((await runScript('--root', scratch)).code).toBe(0);
    expect(await runScript('--check', '--root', scratch)).toEqual({ code: 0, stderr: '' });
    const readme = await readFile(join(scratch, 'README.md'), 'utf8');
    expect(readme.startsWith(`# README.md\n\n${START_MARKER}\n`)).toBe(true);
    expect(readme.endsWith(`${END_MARKER}\n\nafter\n`)).toBe(true);
  });
});
