import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildFunction, esbuildOptions, handlerFilePath } from '../../scripts/build.ts';
import { listFunctions, loadTemplate, type SamFunction } from '../../scripts/sam-template.ts';

const imageBump = listFunctions(loadTemplate()).find((fn) => fn.logicalId === 'ImageBumpFunction');
if (!imageBump) throw new Error('template.yaml has no ImageBumpFunction');

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'flowkeeper-build-'));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function writeFiles(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

/**
 * A project shaped like this one: package.json `imports` aliases, a handler under functions/<name>/,
 * shared ESM code, and a CommonJS module that calls require() (as some bundled dependencies do).
 */
function sampleProject(): { root: string; fn: SamFunction } {
  const root = tempDir();
  writeFiles(root, {
    'package.json': JSON.stringify({ name: 'sample', type: 'module', imports: { '#lib/*': './lib/*' } }),
    'lib/greeting.ts': "export const greet = (name: string): string => 'hello ' + name;\n",
    'lib/legacy.cjs':
      "const os = require('node:os');\nmodule.exports = { eol: () => JSON.stringify(os.EOL) };\n",
    'functions/demo/handler.ts': [
      "import { greet } from '#lib/greeting.ts';",
      "import legacy from '../../lib/legacy.cjs';",
      'export const handler = async (event: { name: string }) => ({ message: greet(event.name), eol: legacy.eol() });',
      '',
    ].join('\n'),
  });
  const fn: SamFunction = {
    ...(imageBump as SamFunction),
    logicalId: 'DemoFunction',
    codeUri: root,
    entryPoints: ['functions/demo/handler.ts'],
    buildProperties: { ...imageBump?.buildProperties, EntryPoints: ['functions/demo/handler.ts'] },
  };
  return { root, fn };
}

describe('esbuildOptions', () => {
  it('passes the template BuildProperties to esbuild', () => {
    const options = esbuildOptions(imageBump, '/code', '/out');
    expect(options).toMatchObject({
      absWorkingDir: '/code',
      outdir: '/out',
      entryPoints: ['functions/image-bump/handler.ts'],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node24',
      minify: true,
      sourcemap: true,
      outExtension: { '.js': '.mjs' },
      banner: { js: expect.stringContaining('CreateRequire(import.meta.url)') },
    });
    expect(options.external).toBeUndefined();
    expect(options.mainFields).toEqual(['module', 'main']);
  });

  it("applies sam build's defaults when a property is absent", () => {
    const options = esbuildOptions({ ...imageBump, buildProperties: {} }, '/code', '/out');
    expect(options).toMatchObject({ format: 'cjs', target: 'es2020', minify: true });
    expect(options.sourcemap).toBeUndefined();
  });

  it('maps list and pair properties', () => {
    const options = esbuildOptions(
      {
        ...imageBump,
        buildProperties: {
          External: ['@aws-sdk/*'],
          Loader: ['.sql=text'],
          MainFields: 'module,main',
          Minify: false,
        },
      },
      '/code',
      '/out',
    );
    expect(options).toMatchObject({
      external: ['@aws-sdk/*'],
      loader: { '.sql': 'text' },
      mainFields: ['module', 'main'],
      minify: false,
    });
  });

  it('rejects a property sam build would not pass to esbuild', () => {
    expect(() => esbuildOptions({ ...imageBump, buildProperties: { Splitting: true } }, '/c', '/o')).toThrow(
      /ImageBumpFunction\.Metadata\.BuildProperties\.Splitting/,
    );
    expect(() =>
      esbuildOptions({ ...imageBump, buildProperties: { Platform: 'browser' } }, '/c', '/o'),
    ).toThrow(/Platform/);
  });
});

describe('buildFunction', () => {
  it('bundles a function where its Handler points, as minified ESM that loads and runs', async () => {
    const { root, fn } = sampleProject();
    const distDir = join(root, 'dist');
    const result = await buildFunction(fn, { distDir });

    expect(result.handlerFile).toBe(join(distDir, 'DemoFunction', 'handler.mjs'));
    expect(result.handlerFile).toBe(handlerFilePath(fn, result.outDir));
    expect(existsSync(`${result.handlerFile}.map`)).toBe(true);
    const code = readFileSync(result.handlerFile, 'utf8');
    expect(code.startsWith("import { createRequire as flowkeeperCreateRequire } from 'node:module';")).toBe(
      true,
    );
    expect(code).toMatch(/export\s*\{[^}]*\bhandler\b[^}]*\}/);
    expect(code).not.toMatch(/module\.exports\s*=\s*__toCommonJS/);
    expect(code.trim().split('\n').length).toBeLessThanOrEqual(4);
    expect(result.files.map((file) => file.bytes).every((bytes) => bytes > 0)).toBe(true);

    const loaded = (await import(pathToFileURL(result.handlerFile).href)) as {
      handler: (event: { name: string }) => Promise<unknown>;
    };
    await expect(loaded.handler({ name: 'flowkeeper' })).resolves.toEqual({
      message: 'hello flowkeeper',
      eol: JSON.stringify('\n'),
    });
  });

  it('replaces the previous output of the function', async () => {
    const { root, fn } = sampleProject();
    const distDir = join(root, 'dist');
    writeFiles(distDir, { 'DemoFunction/stale.js': 'old' });
    await buildFunction(fn, { distDir });
    expect(existsSync(join(distDir, 'DemoFunction', 'stale.js'))).toBe(false);
  });

  it('throws when the Handler names a file the build does not write', async () => {
    const { root, fn } = sampleProject();
    await expect(
      buildFunction({ ...fn, handler: 'index.handler' }, { distDir: join(root, 'dist') }),
    ).rejects.toThrow(/Handler index\.handler names .*index\.mjs, but the build wrote/);
  });

  it('builds ImageBumpFunction from template.yaml into a self-contained bundle that loads', async () => {
    const distDir = tempDir();
    const result = await buildFunction('ImageBumpFunction', { distDir });
    expect(result.handlerFile).toBe(join(distDir, 'ImageBumpFunction', 'handler.mjs'));
    const code = readFileSync(result.handlerFile, 'utf8');
    expect(code).not.toMatch(/from\s*["']@aws-sdk\//);
    // Loading runs every module's top-level code: a require() the bundle cannot satisfy fails here.
    const loaded = (await import(pathToFileURL(result.handlerFile).href)) as Record<string, unknown>;
    expect(typeof loaded.handler).toBe('function');
  }, 120_000);
});
