import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildBundle } from '#test/function-process/index.ts';
import { buildFunction, esbuildOptions, handlerFilePath } from '../../tooling/build.ts';
import { listFunctions, loadTemplate, type SamFunction } from '../../tooling/sam-template.ts';

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
      splitting: true,
      sourcemap: 'external',
      sourcesContent: false,
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

  it('maps source map settings the way sam build passes them', () => {
    const sourcemapOf = (value: unknown) =>
      esbuildOptions({ ...imageBump, buildProperties: { Sourcemap: value } }, '/c', '/o').sourcemap;
    expect(sourcemapOf(true)).toBe(true);
    expect(sourcemapOf('external')).toBe('external');
    expect(sourcemapOf(false)).toBeUndefined();
    // sam build would pass --sourcemap=true, which esbuild refuses.
    expect(() => sourcemapOf('true')).toThrow(/Sourcemap/);
    expect(
      esbuildOptions({ ...imageBump, buildProperties: { SourcesContent: 'false' } }, '/c', '/o')
        .sourcesContent,
    ).toBe(false);
    // sam build passes nothing for a boolean false, so esbuild would keep its default (true).
    expect(() =>
      esbuildOptions({ ...imageBump, buildProperties: { SourcesContent: false } }, '/c', '/o'),
    ).toThrow(/SourcesContent: write "false" as a string/);
  });

  it('rejects a property this build does not mirror', () => {
    expect(() => esbuildOptions({ ...imageBump, buildProperties: { Define: ['x=1'] } }, '/c', '/o')).toThrow(
      /ImageBumpFunction\.Metadata\.BuildProperties\.Define/,
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

  it('builds ImageBumpFunction from template.yaml into self-contained chunks that load', async () => {
    const distDir = tempDir();
    const result = await buildFunction('ImageBumpFunction', { distDir });
    expect(result.handlerFile).toBe(join(distDir, 'ImageBumpFunction', 'handler.mjs'));
    const code = result.files.map((file) => file.path).filter((path) => path.endsWith('.mjs'));
    expect(code.length).toBeGreaterThan(1);
    for (const file of code) {
      const text = readFileSync(file, 'utf8');
      expect(text).not.toMatch(/from\s*["']@aws-sdk\//);
      // External maps: beside the code for offline symbolication, never parsed by Node at load.
      expect(text).not.toMatch(/sourceMappingURL/);
      expect(existsSync(`${file}.map`)).toBe(true);
    }
    // Loading runs every module's top-level code: a require() the bundle cannot satisfy fails here,
    // in the handler or in any chunk it may load later. A fresh Node loads them, as a cold Lambda
    // container does, with nothing of this process's modules to lean on.
    const loader = [
      `const handler = await import(${JSON.stringify(pathToFileURL(result.handlerFile).href)});`,
      "if (typeof handler.handler !== 'function') throw new Error('the bundle exports no handler function');",
      `for (const file of ${JSON.stringify(code.map((file) => pathToFileURL(file).href))}) await import(file);`,
    ].join('\n');
    const loaded = spawnSync(process.execPath, ['--input-type=module', '--eval', loader], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' },
    });
    expect(loaded.stderr).toBe('');
    expect(loaded.status).toBe(0);
  }, 120_000);

  /** The adapters each function's container names, each loaded as a chunk of its own on first use. */
  const ADAPTERS: Record<string, string[]> = {
    ImageBumpFunction: [
      'aws/amazon-q-notifier',
      'aws/assumed-role',
      'aws/ecr-registry',
      'aws/powertools-metrics',
      'aws/sns-alert-sink',
      'aws/ssm-config-loader',
      'aws/ssm-parameter-store',
      'git-hosts',
      'slack/webhook-notifier',
    ],
    ReconcileFunction: [
      'aws/amazon-q-notifier',
      'aws/assumed-role',
      'aws/ecr-registry',
      'aws/powertools-metrics',
      'aws/sns-alert-sink',
      'aws/ssm-config-loader',
      'aws/ssm-parameter-store',
      'git-hosts',
      'slack/webhook-notifier',
    ],
    BranchFlowFunction: [
      'aws/amazon-q-notifier',
      'aws/codebuild-build-starter',
      'aws/powertools-metrics',
      'aws/sns-alert-sink',
      'aws/ssm-config-loader',
      'git-hosts',
      'pull-request-hosts',
      'slack/webhook-notifier',
    ],
    BuildReportFunction: [
      'aws/amazon-q-notifier',
      'aws/codebuild-build-starter',
      'aws/powertools-metrics',
      'aws/sns-alert-sink',
      'aws/ssm-config-loader',
      'git-hosts',
      'pull-request-hosts',
      'slack/webhook-notifier',
    ],
    MirrorSyncFunction: [
      'aws/amazon-q-notifier',
      'aws/powertools-metrics',
      'aws/sns-alert-sink',
      'aws/ssm-config-loader',
      'git-hosts',
      'slack/webhook-notifier',
    ],
    GitLabWebhookFunction: ['aws/eventbridge-bus', 'gitlab/webhook-token'],
    PreviewFunction: [
      'aws/amazon-q-notifier',
      'aws/ecr-registry',
      'aws/powertools-metrics',
      'aws/sns-alert-sink',
      'aws/ssm-config-loader',
      'git-hosts',
      'preview-sources',
      'slack/webhook-notifier',
    ],
  };

  it.each(listFunctions(loadTemplate()).map((fn) => [fn.logicalId, fn.entryPoints[0]] as const))(
    '%s loads no AWS SDK client and no configuration schema at import, and holds only its own adapters',
    async (id, entry) => {
      // The run's one build of each function, the one the reliability files run (same options).
      const { build } = await buildBundle(id, tempDir());
      const outputs = build.metafile?.outputs ?? {};
      const handlerOutput = Object.keys(outputs).find((path) => path.endsWith(`${id}/handler.mjs`));
      // What importing the handler loads: the handler and the chunks it imports statically.
      const loaded = new Set<string>();
      const queue = handlerOutput ? [handlerOutput] : [];
      for (let path = queue.shift(); path !== undefined; path = queue.shift()) {
        if (loaded.has(path)) continue;
        loaded.add(path);
        for (const imported of outputs[path]?.imports ?? []) {
          if (imported.kind === 'import-statement' && !imported.external) queue.push(imported.path);
        }
      }
      const inputs = [...loaded].flatMap((path) => Object.keys(outputs[path]?.inputs ?? {}));
      expect(inputs).toContain(entry);
      // The event parsers' zod/mini (with zod's core) loads at import; zod's classic API, which the
      // configuration schema uses, loads with the configuration on the first event.
      expect(
        inputs.filter((input) => /node_modules\/(@aws-sdk\/|@smithy\/|zod\/v4\/classic\/)/.test(input)),
      ).toEqual([]);
      expect(inputs.some((input) => input.includes('node_modules/zod/v4/mini/'))).toBe(true);
      expect(inputs).not.toContain('shared/adapters/aws/ssm-config-loader.ts');
      const adapters = Object.values(outputs)
        .map((output) => output.entryPoint)
        .filter((module): module is string => module?.startsWith('shared/adapters/') === true)
        .map((module) => module.replace(/^shared\/adapters\/|\.ts$/g, ''))
        .sort();
      expect(adapters).toEqual(ADAPTERS[id]);
    },
    120_000,
  );
});
