/**
 * Imports point one way (docs/architecture.md, "Layout and import directions").
 * A static scan, with the TypeScript parser, of every .ts file under the code folders: each
 * `import … from`, `export … from`, `import x = require(…)`, `import('…')` (string literal) and
 * `import('…')` type is resolved (package.json `imports` aliases and relative paths) to a layer
 * and checked against RULES. Type-only imports (`import type`, `export type`, `import('…')` in a
 * type) are erased before anything runs, so a few layers may take types from a layer they may not
 * run code from. `import { type A }` is not type-only: it still loads the module.
 * The pure layers (domain, events, app) also import no I/O: no Node built-in but PURE_NODE, no
 * AWS SDK, Powertools or Middy. Each violation prints as
 * `file: imports X (layer A → layer B is not allowed)`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Folders scanned; every .ts file under them belongs to one layer. */
const SCANNED = ['shared', 'functions', 'cli', 'tooling', 'bench', 'test'];

/** Layers, most specific folder first. */
const LAYERS = [
  ['domain', 'shared/domain/'],
  ['config', 'shared/config/'],
  ['parsers', 'shared/parsers/'],
  ['app', 'shared/app/'],
  ['adapters', 'shared/adapters/'],
  ['runtime', 'shared/runtime/'],
  ['functions', 'functions/'],
  ['cli', 'cli/'],
  ['tooling', 'tooling/'],
  ['bench', 'bench/'],
  ['test/support', 'test/support/'],
  ['test/emulators', 'test/emulators/'],
  ['test', 'test/'],
] as const;
type Layer = (typeof LAYERS)[number][0];

const SHARED: Layer[] = ['domain', 'config', 'parsers', 'app', 'adapters', 'runtime'];

interface Rule {
  /** Layers this layer may import (values and types). */
  imports: Layer[];
  /** Further layers, or single files, it may import types from (`import type` only). */
  types?: (Layer | `${string}.ts`)[];
  /** No I/O: no Node built-in but PURE_NODE, no AWS SDK, Powertools or Middy. */
  pure?: boolean;
}

const RULES: Record<Layer, Rule> = {
  // Pure logic. The configuration's shape is declared in config/types.ts (types only, which
  // themselves import only domain types); domain may name it, never run config code.
  domain: { imports: ['domain'], types: ['shared/config/types.ts'], pure: true },
  // Parsers of the events that reach the functions: pure, on top of domain.
  parsers: { imports: ['domain', 'parsers'], pure: true },
  // Schema and loaders (file, SSM): the only shared layer besides adapters that does I/O.
  config: { imports: ['domain', 'config'] },
  // Services and the ports they declare; they receive a loaded configuration (types only).
  app: { imports: ['domain', 'parsers', 'app'], types: ['config'], pure: true },
  // One adapter per outside system, implementing the ports of app.
  adapters: { imports: ['domain', 'app', 'config', 'adapters'] },
  // Per-container wiring: the composition root of the Lambdas.
  runtime: { imports: SHARED },
  // Thin handlers: parse, wire through runtime, delegate to app; never adapters or config.
  functions: { imports: ['domain', 'parsers', 'app', 'runtime', 'functions'] },
  // The operator CLI: a composition root of its own; the template reader and router in tooling.
  cli: { imports: [...SHARED, 'tooling', 'cli'] },
  // Template reader, event-pattern matcher, build, docs generator: used by the CLI, bench and tests.
  tooling: { imports: [...SHARED, 'tooling'] },
  bench: { imports: [...SHARED, 'cli', 'tooling', 'test/support', 'bench'] },
  // Harness of the suites; it runs the CLI's commands in process (cli/run.ts).
  'test/support': { imports: [...SHARED, 'cli', 'tooling', 'test/support', 'test/emulators'] },
  // Stand-ins for AWS and GitLab: independent of the code they stand in for.
  'test/emulators': { imports: ['test/emulators'] },
  test: { imports: [...SHARED, 'functions', 'cli', 'tooling', 'test/support', 'test/emulators', 'test'] },
};

/** Node built-ins a pure layer may use: they do no I/O. */
const PURE_NODE = new Set(['node:util']);
const IO_PACKAGE = /^(@aws-sdk\/|@aws-lambda-powertools\/|@middy\/)/;

/** Wrong-way imports that exist today, each with why it stays for now. Keyed `file → target`. */
const KNOWN_EXCEPTIONS: Record<string, string> = {};

/** package.json `imports`: `#domain/*` → `./shared/domain/*`. */
const ALIASES: [string, string][] = Object.entries(
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).imports as Record<string, string>,
).map(([alias, target]) => [alias.replace(/\*$/, ''), target.replace(/^\.\//, '').replace(/\*$/, '')]);

function tsFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules' || entry.name === 'fixtures') continue;
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && /\.[cm]?ts$/.test(entry.name) && !entry.name.endsWith('.d.ts'))
        out.push(path);
    }
  };
  for (const dir of SCANNED) walk(dir);
  return out.sort();
}

const layerOf = (path: string): Layer | undefined =>
  LAYERS.find(([, prefix]) => path.startsWith(prefix))?.[0];

interface Specifier {
  text: string;
  typeOnly: boolean;
}

/** Every module specifier a file names, with whether the reference is erased (type-only). */
function specifiers(file: string, text: string): Specifier[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: Specifier[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push({ text: node.moduleSpecifier.text, typeOnly: node.importClause?.isTypeOnly === true });
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      found.push({ text: node.moduleSpecifier.text, typeOnly: node.isTypeOnly });
    } else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference) &&
      ts.isStringLiteral(node.moduleReference.expression)
    ) {
      found.push({ text: node.moduleReference.expression.text, typeOnly: node.isTypeOnly });
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      found.push({ text: node.arguments[0].text, typeOnly: false });
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      found.push({ text: node.argument.literal.text, typeOnly: true });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** A repository path (`shared/domain/x.ts`), or undefined for a package or built-in. */
function resolveSpecifier(file: string, specifier: string): string | undefined {
  if (specifier.startsWith('#')) {
    const alias = ALIASES.find(([prefix]) => specifier.startsWith(prefix));
    return alias ? alias[1] + specifier.slice(alias[0].length) : `(unknown alias) ${specifier}`;
  }
  if (specifier.startsWith('.') || specifier.startsWith('/')) {
    return relative(ROOT, resolve(ROOT, dirname(file), specifier))
      .split('\\')
      .join('/');
  }
  return undefined;
}

/** Each wrong-way import of one file, as `file: imports X (…)`, keyed for KNOWN_EXCEPTIONS. */
function violations(file: string, text: string): { key: string; message: string }[] {
  const from = layerOf(file);
  if (!from) return [{ key: file, message: `${file}: belongs to no layer (add it to LAYERS)` }];
  const rule = RULES[from];
  const out: { key: string; message: string }[] = [];
  for (const { text: specifier, typeOnly } of specifiers(file, text)) {
    const target = resolveSpecifier(file, specifier);
    const key = `${file} → ${target ?? specifier}`;
    if (target === undefined) {
      if (!rule.pure || typeOnly) continue;
      const builtin =
        isBuiltin(specifier) &&
        !PURE_NODE.has(specifier.startsWith('node:') ? specifier : `node:${specifier}`);
      if (builtin || IO_PACKAGE.test(specifier)) {
        out.push({
          key,
          message: `${file}: imports ${specifier} (layer ${from} → I/O module ${specifier} is not allowed)`,
        });
      }
      continue;
    }
    const to = layerOf(target);
    if (!to) {
      out.push({
        key,
        message: `${file}: imports ${specifier} (layer ${from} → ${target}, which is in no layer)`,
      });
      continue;
    }
    if (rule.imports.includes(to)) continue;
    if (typeOnly && rule.types?.some((allowed) => allowed === to || allowed === target)) continue;
    const kind = typeOnly ? ' (types)' : '';
    out.push({
      key,
      message: `${file}: imports ${specifier} (layer ${from} → layer ${to}${kind} is not allowed)`,
    });
  }
  return out;
}

describe('import direction', () => {
  const files = tsFiles();
  const found = files.flatMap((file) => violations(file, readFileSync(join(ROOT, file), 'utf8')));

  it('scans every code folder, each file in a layer', () => {
    for (const [layer] of LAYERS)
      expect(
        files.some((file) => layerOf(file) === layer),
        layer,
      ).toBe(true);
    expect(files.filter((file) => !layerOf(file))).toEqual([]);
  });

  it('finds no wrong-way import outside KNOWN_EXCEPTIONS', () => {
    expect(found.filter(({ key }) => !(key in KNOWN_EXCEPTIONS)).map(({ message }) => message)).toEqual([]);
  });

  it('lists only exceptions that still exist', () => {
    const keys = new Set(found.map(({ key }) => key));
    expect(Object.keys(KNOWN_EXCEPTIONS).filter((key) => !keys.has(key))).toEqual([]);
  });

  it('has a README saying what each folder holds and may import', () => {
    const folders = [
      ...new Set(LAYERS.map(([, prefix]) => prefix.replace(/\/$/, ''))),
      'shared',
      'shared/domain/editors',
      'events',
      'examples',
      'docs',
    ];
    expect(folders.filter((folder) => !existsSync(join(ROOT, folder, 'README.md')))).toEqual([]);
  });

  it('names every feature and system folder in its parent README', () => {
    const unnamed = ['shared/app', 'shared/adapters', 'shared/domain/editors'].flatMap((parent) => {
      const readme = readFileSync(join(ROOT, parent, 'README.md'), 'utf8');
      return readdirSync(join(ROOT, parent), { withFileTypes: true })
        .filter((entry) => entry.isDirectory() && !readme.includes(`\`${entry.name}/\``))
        .map((entry) => `${parent}/${entry.name}`);
    });
    expect(unnamed).toEqual([]);
  });
});

describe('import direction detector', () => {
  const check = (file: string, text: string) => violations(file, text).map(({ message }) => message);

  it('rejects a wrong-way import, by alias or relative path', () => {
    expect(check('shared/domain/x.ts', "import { a } from '#adapters/git-hosts.ts';")).toEqual([
      'shared/domain/x.ts: imports #adapters/git-hosts.ts (layer domain → layer adapters is not allowed)',
    ]);
    expect(check('shared/parsers/x.ts', "export { a } from '../app/branch-flow.ts';")).toEqual([
      'shared/parsers/x.ts: imports ../app/branch-flow.ts (layer parsers → layer app is not allowed)',
    ]);
    expect(
      check('functions/f/handler.ts', "const m = await import('#adapters/local/git-cli.ts');"),
    ).toHaveLength(1);
    expect(check('shared/app/x.ts', "import '#test/events.ts';")).toHaveLength(1);
    expect(check('test/x.test.ts', "import { run } from '../bench/run.ts';")).toHaveLength(1);
  });

  it('tells type-only imports from imports that load the module', () => {
    expect(check('shared/domain/x.ts', "import type { Config } from '#config/types.ts';")).toEqual([]);
    expect(check('shared/domain/x.ts', "import { type Config } from '#config/types.ts';")).toHaveLength(1);
    expect(check('shared/domain/x.ts', "import type { A } from '#config/schema.ts';")).toHaveLength(1);
    expect(check('shared/app/x.ts', "type C = import('#config/types.ts').Config;")).toEqual([]);
  });

  it('keeps I/O out of the pure layers', () => {
    expect(check('shared/domain/x.ts', "import { readFile } from 'node:fs/promises';")).toHaveLength(1);
    expect(check('shared/app/x.ts', "import { SSMClient } from '@aws-sdk/client-ssm';")).toHaveLength(1);
    expect(check('shared/parsers/x.ts', "import { exec } from 'child_process';")).toHaveLength(1);
    expect(check('shared/domain/x.ts', "import { isDeepStrictEqual } from 'node:util';")).toEqual([]);
    expect(check('shared/adapters/x.ts', "import { SSMClient } from '@aws-sdk/client-ssm';")).toEqual([]);
  });
});
