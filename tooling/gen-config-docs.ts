/**
 * Renders the configuration reference from the configuration's JSON Schema into the marked block
 * of docs/configuration.md and README.md. `--check` changes nothing and exits 1 when a file is out
 * of date.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { configJsonSchema } from '#config/json-schema.ts';

export const START_MARKER = '<!-- config-reference:start -->';
export const END_MARKER = '<!-- config-reference:end -->';
export const CONFIG_DOC_FILES = ['docs/configuration.md', 'README.md'];

interface JsonSchema {
  type?: string;
  title?: string;
  description?: string;
  default?: unknown;
  const?: unknown;
  enum?: unknown[];
  examples?: unknown[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  oneOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  minItems?: number;
  minLength?: number;
  maxLength?: number;
  minProperties?: number;
  pattern?: string;
}

const inline = (value: unknown): string =>
  `\`${stringify(value, { collectionStyle: 'flow', lineWidth: 0 }).trim()}\``;

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');

const isObjectSchema = (schema: JsonSchema): boolean =>
  schema.properties !== undefined || schema.oneOf !== undefined;

function typeOf(schema: JsonSchema): string {
  if (schema.oneOf) return schema.oneOf.map((option) => option.title ?? typeOf(option)).join(' or ');
  if (schema.type === 'array') {
    const items = schema.items ?? {};
    return isObjectSchema(items) ? 'list of objects' : `list of ${typeOf(items)}s`;
  }
  if (schema.type === 'object' && typeof schema.additionalProperties === 'object')
    return 'map of name → object';
  return schema.type ?? 'any';
}

function allowedValues(schema: JsonSchema): string {
  const rules: string[] = [];
  if (schema.const !== undefined) rules.push(inline(schema.const));
  if (schema.enum) rules.push(schema.enum.map(inline).join(', '));
  if (schema.minimum !== undefined && schema.maximum !== undefined)
    rules.push(`${schema.minimum}–${schema.maximum}`);
  else if (schema.minimum !== undefined) rules.push(`≥ ${schema.minimum}`);
  if (schema.minLength !== undefined && schema.maxLength !== undefined) {
    rules.push(`${schema.minLength}–${schema.maxLength} characters`);
  } else if (schema.minLength) rules.push('non-empty');
  if (schema.pattern) rules.push(`matches \`${schema.pattern}\``);
  if (schema.minItems) rules.push(`at least ${schema.minItems} item${schema.minItems > 1 ? 's' : ''}`);
  if (schema.propertyNames?.pattern) rules.push(`names match \`${schema.propertyNames.pattern}\``);
  if (schema.minProperties)
    rules.push(`at least ${schema.minProperties} entr${schema.minProperties > 1 ? 'ies' : 'y'}`);
  return rules.join('; ');
}

function propertyTable(schema: JsonSchema): string[] {
  const rows = ['| Key | Type | Default | Allowed values | Description |', '| --- | --- | --- | --- | --- |'];
  const required = new Set(schema.required ?? []);
  for (const [key, property] of Object.entries(schema.properties ?? {})) {
    const fallback = required.has(key)
      ? '*required*'
      : property.default !== undefined
        ? inline(property.default)
        : '—';
    const cells = [
      `\`${key}\``,
      typeOf(property),
      fallback,
      allowedValues(property),
      property.description ?? '',
    ];
    rows.push(`| ${cells.map(cell).join(' | ')} |`);
  }
  return rows;
}

/** The key and value that tell the options of a `oneOf` apart (`kind: helm`). */
function discriminatorOf(option: JsonSchema): string | undefined {
  const entry = Object.entries(option.properties ?? {}).find(([, property]) => property.const !== undefined);
  return entry ? `${entry[0]}: ${String(entry[1].const)}` : undefined;
}

/** The example of a list item or map entry, shown as the user would write it under its parent. */
function exampleBlock(path: string, example: unknown): string[] {
  const parentKey =
    path
      .replace(/(\[\]|\.<name>)$/, '')
      .split(/\.|\[\]/)
      .filter(Boolean)
      .at(-1) ?? '';
  const value = path.endsWith('[]') ? { [parentKey]: [example] } : { [parentKey]: { manifests: example } };
  return ['```yaml', stringify(value, { lineWidth: 0 }).trimEnd(), '```'];
}

function renderSections(schema: JsonSchema, path: string, out: string[]): void {
  if (schema.oneOf) {
    for (const option of schema.oneOf) renderSections(option, path, out);
    return;
  }
  if (!schema.properties) return;
  const discriminator = discriminatorOf(schema);
  const suffix = [schema.title, discriminator && `\`${discriminator}\``].filter(Boolean).join(', ');
  const heading = `### ${path ? `\`${path}\`` : 'Top level'}${suffix ? ` — ${suffix}` : ''}`;
  // A block every target kind shares (such as `scan`) is described once.
  if (out.includes(heading)) return;
  out.push(heading, '');
  if (schema.description) out.push(schema.description, '');
  out.push(...propertyTable(schema), '');
  const example = path && discriminator ? schema.examples?.[0] : undefined;
  if (example !== undefined) out.push(...exampleBlock(path, example), '');

  for (const [key, property] of Object.entries(schema.properties)) {
    const childPath = path ? `${path}.${key}` : key;
    if (property.type === 'array' && property.items && isObjectSchema(property.items)) {
      renderSections(property.items, `${childPath}[]`, out);
    } else if (typeof property.additionalProperties === 'object') {
      renderSections(property.additionalProperties, `${childPath}.<name>`, out);
    } else if (isObjectSchema(property)) {
      renderSections(property, childPath, out);
    }
  }
}

/** The Markdown that goes between the markers. */
export function renderConfigReference(schema: JsonSchema = configJsonSchema()): string {
  const out = [
    '<!-- Generated from the configuration schema by tooling/gen-config-docs.ts: edit the schema, not this block. -->',
    '',
  ];
  out.push(
    'The configuration is a YAML or JSON document. Unknown keys are errors, and every problem is',
    'reported at once as a `path: message` line (`images[1].update[0].file: …`). Beyond the rules',
    'below, each target must name a repository defined under `repositories`, no two targets may',
    'write the same value, and each ECR repository appears in `images` at most once. Each `flow`',
    'key names a defined repository; each mirror pairs a `gitlab` repository with a `codecommit`',
    'one, no pair appears twice, and a CodeCommit repository is the mirror of one GitLab project only.',
    '',
  );
  const example = schema.examples?.[0];
  if (example !== undefined) {
    out.push('### Example', '', '```yaml', stringify(example, { lineWidth: 0 }).trimEnd(), '```', '');
  }
  renderSections(schema, '', out);
  return `${out.join('\n').trimEnd()}\n`;
}

/** `text` with the block between the markers replaced; everything outside them is kept byte for byte. */
export function replaceBetweenMarkers(text: string, block: string, file = 'file'): string {
  const start = text.indexOf(START_MARKER);
  const end = text.indexOf(END_MARKER, start);
  if (start < 0 || end < 0) throw new Error(`${file}: missing ${START_MARKER} … ${END_MARKER} markers`);
  return `${text.slice(0, start + START_MARKER.length)}\n${block}${text.slice(end)}`;
}

/** Files among CONFIG_DOC_FILES whose block differs from the rendered reference (paths relative to root). */
export async function staleConfigDocs(root: string, block = renderConfigReference()): Promise<string[]> {
  const stale: string[] = [];
  for (const file of CONFIG_DOC_FILES) {
    const text = await readFile(join(root, file), 'utf8');
    if (replaceBetweenMarkers(text, block, file) !== text) stale.push(file);
  }
  return stale;
}

export async function writeConfigDocs(root: string, block = renderConfigReference()): Promise<string[]> {
  const written: string[] = [];
  for (const file of CONFIG_DOC_FILES) {
    const path = join(root, file);
    const text = await readFile(path, 'utf8');
    const updated = replaceBetweenMarkers(text, block, file);
    if (updated !== text) {
      await writeFile(path, updated);
      written.push(file);
    }
  }
  return written;
}

/** `node tooling/gen-config-docs.ts [--check] [--root <dir>]`; the root defaults to the project's. */
if (import.meta.main) {
  const args = process.argv.slice(2);
  const rootIndex = args.indexOf('--root');
  const root = rootIndex >= 0 ? (args[rootIndex + 1] ?? '.') : fileURLToPath(new URL('..', import.meta.url));
  if (args.includes('--check')) {
    const stale = await staleConfigDocs(root);
    for (const file of stale) {
      console.error(
        `${file}: the configuration reference is out of date; run node tooling/gen-config-docs.ts`,
      );
    }
    process.exitCode = stale.length > 0 ? 1 : 0;
  } else {
    const written = await writeConfigDocs(root);
    console.log(
      written.length > 0 ? `updated ${written.join(', ')}` : 'the configuration reference is up to date',
    );
  }
}
