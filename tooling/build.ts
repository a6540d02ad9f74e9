import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build, type Format, type Loader, type Metafile } from 'esbuild';
import {
  DEFAULT_TEMPLATE_PATH,
  handlerModule,
  isObject,
  listFunctions,
  loadTemplate,
  PROJECT_ROOT,
  type SamFunction,
} from './sam-template.ts';

/**
 * Bundles every function of the template the way `sam build` does with `BuildMethod: esbuild`: the same
 * esbuild settings (taken from the function's Metadata.BuildProperties, with SAM's defaults where one is
 * absent), run from the function's CodeUri, written flat into `dist/<LogicalId>/` so that `Handler`
 * resolves there exactly as it does in `.aws-sam/build/<LogicalId>/`.
 */

export interface BuildFunctionOptions {
  /** Template the function comes from; its directory anchors `CodeUri`. */
  templatePath?: string;
  /** Parent of the per-function output directories. Default: `<project>/dist`. */
  distDir?: string;
}

export interface OutputFile {
  path: string;
  bytes: number;
}

export interface FunctionBuild {
  logicalId: string;
  outDir: string;
  /** The file the function's `Handler` names. */
  handlerFile: string;
  files: OutputFile[];
  /** What esbuild put in each output file (paths relative to the function's CodeUri). */
  metafile?: Metafile;
}

/** Defaults SAM applies when a property is absent (aws-lambda-builders' esbuild workflow). */
const SAM_DEFAULTS = { format: 'cjs', target: 'es2020', minify: true } as const;
/** Dependency-install settings of `sam build`; they do not change the bundle. */
const INSTALL_ONLY = new Set(['UseNpmCi']);

/** The esbuild options `sam build` would use for `fn`, run from `codeDir` and written to `outDir`. */
export function esbuildOptions(fn: SamFunction, codeDir: string, outDir: string): BuildOptions {
  const props = fn.buildProperties;
  const where = `${fn.logicalId}.Metadata.BuildProperties`;
  const options: BuildOptions = {
    absWorkingDir: codeDir,
    entryPoints: fn.entryPoints,
    outdir: outDir,
    bundle: true,
    platform: 'node',
    format: SAM_DEFAULTS.format,
    target: SAM_DEFAULTS.target,
    minify: SAM_DEFAULTS.minify,
    metafile: true,
    logLevel: 'warning',
  };
  for (const [key, value] of Object.entries(props)) {
    switch (key) {
      case 'EntryPoints':
        break;
      case 'Format':
        options.format = oneOf(value, ['esm', 'cjs', 'iife'] as const, `${where}.Format`) satisfies Format;
        break;
      case 'Target':
        options.target = text(value, `${where}.Target`);
        break;
      case 'Platform':
        // sam build always bundles for node; anything else would build differently there.
        oneOf(value, ['node'] as const, `${where}.Platform`);
        break;
      case 'Minify':
        options.minify = flag(value, `${where}.Minify`);
        break;
      case 'Sourcemap':
        options.sourcemap = sourcemap(value, `${where}.Sourcemap`);
        break;
      case 'SourcesContent':
        options.sourcesContent = sourcesContent(value, `${where}.SourcesContent`);
        break;
      case 'Splitting':
        options.splitting = flag(value, `${where}.Splitting`);
        break;
      case 'MainFields':
        options.mainFields = text(value, `${where}.MainFields`).split(',');
        break;
      case 'External':
        options.external = externals(list(value, `${where}.External`), codeDir);
        break;
      case 'Loader':
        options.loader = pairs(list(value, `${where}.Loader`), `${where}.Loader`) as Record<string, Loader>;
        break;
      case 'OutExtension':
        options.outExtension = pairs(list(value, `${where}.OutExtension`), `${where}.OutExtension`);
        break;
      case 'Banner':
        options.banner = pairs(list(value, `${where}.Banner`), `${where}.Banner`);
        break;
      default:
        if (!INSTALL_ONLY.has(key))
          throw new Error(`${where}.${key}: not a build property this build mirrors (add it here first)`);
    }
  }
  return options;
}

/** The path of the file `Handler` points at inside `outDir`. */
export function handlerFilePath(fn: SamFunction, outDir: string): string {
  const outExtension = pairs(
    Array.isArray(fn.buildProperties.OutExtension) ? fn.buildProperties.OutExtension : [],
    `${fn.logicalId}.Metadata.BuildProperties.OutExtension`,
  );
  return join(outDir, `${handlerModule(fn.handler)}${outExtension['.js'] ?? '.js'}`);
}

/** Builds one function (given as a template function or its logical id) into `<distDir>/<LogicalId>/`. */
export async function buildFunction(
  fn: SamFunction | string,
  options: BuildFunctionOptions = {},
): Promise<FunctionBuild> {
  const templatePath = options.templatePath ?? DEFAULT_TEMPLATE_PATH;
  const definition = typeof fn === 'string' ? findFunction(templatePath, fn) : fn;
  const outDir = resolve(options.distDir ?? join(PROJECT_ROOT, 'dist'), definition.logicalId);
  const codeDir = resolve(dirname(templatePath), definition.codeUri);
  rmSync(outDir, { recursive: true, force: true });
  const result = await build(esbuildOptions(definition, codeDir, outDir));
  const files = Object.entries(result.metafile?.outputs ?? {}).map(([path, output]) => ({
    path: resolve(codeDir, path),
    bytes: output.bytes,
  }));
  const handlerFile = handlerFilePath(definition, outDir);
  if (!existsSync(handlerFile)) {
    const produced = files.map((file) => relative(outDir, file.path)).join(', ');
    throw new Error(
      `${definition.logicalId}: Handler ${definition.handler} names ${handlerFile}, but the build wrote ${produced}`,
    );
  }
  return { logicalId: definition.logicalId, outDir, handlerFile, files, metafile: result.metafile };
}

/** Builds every function of the template (or only those named in `only`). */
export async function buildAll(
  options: BuildFunctionOptions & { only?: string[] } = {},
): Promise<FunctionBuild[]> {
  const functions = listFunctions(loadTemplate(options.templatePath ?? DEFAULT_TEMPLATE_PATH));
  const unknown = (options.only ?? []).filter((id) => !functions.some((fn) => fn.logicalId === id));
  if (unknown.length > 0) throw new Error(`no such function in the template: ${unknown.join(', ')}`);
  const selected = options.only?.length
    ? functions.filter((fn) => options.only?.includes(fn.logicalId))
    : functions;
  const builds: FunctionBuild[] = [];
  for (const fn of selected) builds.push(await buildFunction(fn, options));
  return builds;
}

/** The handler file, then its chunks and the source maps, each as a total. */
export function formatBuild(result: FunctionBuild, root: string = PROJECT_ROOT): string {
  const line = (label: string, bytes: number) => `  ${label.padEnd(48)} ${formatBytes(bytes)}`;
  const total = (files: OutputFile[]) => files.reduce((sum, file) => sum + file.bytes, 0);
  const handler = result.files.filter((file) => file.path === result.handlerFile);
  const maps = result.files.filter((file) => file.path.endsWith('.map'));
  const chunks = result.files.filter((file) => !handler.includes(file) && !maps.includes(file));
  return [
    result.logicalId,
    line(relative(root, result.handlerFile), total(handler)),
    ...(chunks.length > 0
      ? [line(`${chunks.length} chunks it imports, at load or on demand`, total(chunks))]
      : []),
    ...(maps.length > 0 ? [line(`${maps.length} source maps`, total(maps))] : []),
  ].join('\n');
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
}

function findFunction(templatePath: string, logicalId: string): SamFunction {
  const fn = listFunctions(loadTemplate(templatePath)).find((candidate) => candidate.logicalId === logicalId);
  if (!fn) throw new Error(`no function ${logicalId} in ${templatePath}`);
  return fn;
}

/** `./node_modules/*` is SAM's shorthand for "every dependency in package.json". */
function externals(values: string[], codeDir: string): string[] {
  if (!values.includes('./node_modules/*')) return values;
  const manifest: unknown = JSON.parse(readFileSync(join(codeDir, 'package.json'), 'utf8'));
  const dependencies =
    isObject(manifest) && isObject(manifest.dependencies) ? Object.keys(manifest.dependencies) : [];
  return [...values.filter((value) => value !== './node_modules/*'), ...dependencies];
}

/** `[".js=.mjs"]` → `{ ".js": ".mjs" }`: the `key=value` items sam build passes as `--flag:key=value`. */
function pairs(values: unknown[], where: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const item of values) {
    const entry = text(item, where);
    const equals = entry.indexOf('=');
    if (equals <= 0) throw new Error(`${where}: expected "key=value", got ${JSON.stringify(entry)}`);
    result[entry.slice(0, equals)] = entry.slice(equals + 1);
  }
  return result;
}

function list(value: unknown, where: string): string[] {
  if (!Array.isArray(value)) throw new Error(`${where}: expected a list`);
  return value.map((item) => text(item, where));
}

function text(value: unknown, where: string): string {
  if (typeof value !== 'string' || value === '') throw new Error(`${where}: expected a non-empty string`);
  return value;
}

/**
 * sam build turns `true` into `--sourcemap` (a linked map) and a string into `--sourcemap=<string>`;
 * `false` passes nothing.
 */
function sourcemap(value: unknown, where: string): BuildOptions['sourcemap'] {
  if (value === true) return true;
  if (value === false || value === 'false') return undefined;
  return oneOf(value, ['linked', 'external', 'inline', 'both'] as const, where);
}

/**
 * esbuild's default is `true`, and sam build passes nothing for a boolean `false` (only a string
 * reaches esbuild as `--sources-content=false`), so a YAML `false` would silently keep the sources.
 */
function sourcesContent(value: unknown, where: string): boolean {
  if (value === false) {
    throw new Error(
      `${where}: write "false" as a string; sam build passes nothing for a boolean false, which keeps esbuild's default (true)`,
    );
  }
  return flag(value, where);
}

function flag(value: unknown, where: string): boolean {
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  throw new Error(`${where}: expected true or false`);
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], where: string): T {
  const match = allowed.find((candidate) => candidate === value);
  if (match === undefined)
    throw new Error(`${where}: expected one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  return match;
}

async function main(ids: string[]): Promise<void> {
  const builds = await buildAll({ only: ids });
  for (const result of builds) console.log(formatBuild(result));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    // esbuild has already printed its own errors, with source excerpts.
    const reported = isObject(error) && Array.isArray(error.errors) && error.errors.length > 0;
    console.error(reported ? 'build failed' : error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
