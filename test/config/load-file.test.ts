import { mkdtemp, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfigFile, parseConfigText } from '#config/load-file.ts';
import { parseConfig } from '#config/schema.ts';
import { ConfigError } from '#domain/errors.ts';

vi.mock('#config/schema.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('#config/schema.ts')>();
  return { ...original, parseConfig: vi.fn(original.parseConfig) };
});

const fixtures = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/config');
const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

async function configErrorOf(promise: Promise<unknown>): Promise<ConfigError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof ConfigError)) throw new Error(`expected a ConfigError, got ${String(error)}`);
  return error;
}

describe('loadConfigFile', () => {
  let scratch: string | undefined;
  afterEach(async () => {
    if (scratch) await rm(scratch, { recursive: true, force: true });
    scratch = undefined;
  });

  it('loads YAML with anchors and merge keys, resolving relative paths against its directory', async () => {
    const config = await loadConfigFile(join(fixtures, 'valid.yaml'));
    expect(config.repositories).toStrictEqual({
      manifests: { provider: 'local', path: join(fixtures, 'manifests-repo') },
      prod: { provider: 'codecommit', name: 'app-manifests', region: 'eu-west-1' },
    });
    expect(config.images.map((image) => image.ecr)).toEqual(['my-app-dev', 'my-app']);
    expect(config.images[0]?.tags.ordering).toStrictEqual({
      kind: 'pattern',
      pattern: '^dev-(?<stamp>\\d{14})-[0-9a-f]{7}$',
      order: 'numeric',
      by: 'stamp',
    });
    expect(config.images[1]?.update[1]).toStrictEqual({
      repository: 'manifests',
      branch: 'stg',
      file: 'charts/app/values.yaml',
      kind: 'helm',
      path: 'sidecar.image',
      tagKey: 'tag',
      repositoryKey: 'repository',
      digestKey: 'digest',
      setName: false,
    });
  });

  it('loads tab-indented JSON', async () => {
    const config = await loadConfigFile(join(fixtures, 'valid.json'));
    expect(config.repositories).toStrictEqual({ manifests: { provider: 'local', path: '/srv/manifests' } });
    expect(config.images[0]?.update).toStrictEqual([
      {
        repository: 'manifests',
        branch: 'main',
        file: 'ecs/imageDetail.json',
        kind: 'imagedetail',
        setName: false,
      },
    ]);
  });

  it('resolves a relative path from the directory of the file, not the working directory', async () => {
    const config = await loadConfigFile(join(fixtures, 'nested/flowkeeper.yaml'));
    expect(config.repositories.manifests).toStrictEqual({
      provider: 'local',
      path: join(fixtures, 'repos/manifests.git'),
    });
  });

  it('reads a relative file path from the working directory and reports it absolute', async () => {
    const relativePath = relative(process.cwd(), join(fixtures, 'valid.json'));
    expect((await loadConfigFile(relativePath)).images[0]?.ecr).toBe('my-app');
    const missing = relative(process.cwd(), join(fixtures, 'missing.json'));
    expect((await configErrorOf(loadConfigFile(missing))).source).toBe(join(fixtures, 'missing.json'));
  });

  it('loads the example configuration shipped with the project', async () => {
    const file = join(projectRoot, 'examples/flowkeeper.yaml');
    const config = await loadConfigFile(file);
    expect(config.repositories.manifests).toStrictEqual({
      provider: 'local',
      path: join(projectRoot, 'examples/manifests'),
    });
  });

  it('reports a YAML syntax error as file:line:col', async () => {
    const file = join(fixtures, 'syntax-error.yaml');
    const error = await configErrorOf(loadConfigFile(file));
    expect(error.source).toBe(file);
    expect(error.issues).toEqual([
      `${file}:6:1: Flow map in block collection must be sufficiently indented and end with a }`,
      `${file}:6:1: Flow sequence in block collection must be sufficiently indented and end with a ]`,
    ]);
  });

  it('reports a duplicate JSON key with its position', async () => {
    const file = join(fixtures, 'duplicate-key.json');
    const error = await configErrorOf(loadConfigFile(file));
    expect(error.issues).toEqual([`${file}:4:3: Map keys must be unique`]);
  });

  it('rejects a file holding several YAML documents', async () => {
    const file = join(fixtures, 'multi-document.yaml');
    const error = await configErrorOf(loadConfigFile(file));
    expect(error.issues).toEqual([`${file}:3:1: expected a single document, found 2`]);
  });

  it('reports schema problems with the file as source', async () => {
    const file = join(fixtures, 'invalid.yaml');
    const error = await configErrorOf(loadConfigFile(file));
    expect(error.source).toBe(file);
    expect(error.issues).toEqual([
      'images[0].update[0].file: must be a relative path inside the repository (got "../outside.yaml")',
    ]);
  });

  it('names the path of a missing file', async () => {
    const file = join(fixtures, 'does-not-exist.yaml');
    const error = await configErrorOf(loadConfigFile(file));
    expect(error.message).toBe(`invalid configuration in ${file}: file not found`);
  });

  it('says so when the path is a directory', async () => {
    const error = await configErrorOf(loadConfigFile(fixtures));
    expect(error.message).toBe(`invalid configuration in ${fixtures}: is a directory, not a file`);
  });

  it('answers an unchanged file from what it parsed before, and an edited one anew', async () => {
    scratch = await mkdtemp(join(tmpdir(), 'flowkeeper-config-'));
    const file = join(scratch, 'flowkeeper.yaml');
    const configFor = (ecr: string) =>
      `repositories:\n  manifests: { provider: local, path: ./manifests }\nimages:\n  - ecr: ${ecr}\n    update:\n      - { repository: manifests, branch: main, file: values.yaml, kind: helm, path: image }\n`;
    await writeFile(file, configFor('app-one'));
    const parses = () => vi.mocked(parseConfig).mock.calls.length;

    const first = await loadConfigFile(file);
    const parsed = parses();
    expect(await loadConfigFile(file)).toBe(first);
    expect(parses()).toBe(parsed);

    // Same size, and a modification time moved on explicitly (an edit within the clock's resolution).
    const { mtime } = await stat(file);
    await writeFile(file, configFor('app-two'));
    await utimes(file, mtime, new Date(mtime.getTime() + 2_000));
    const edited = await loadConfigFile(file);
    expect(edited.images[0]?.ecr).toBe('app-two');
    expect(parses()).toBe(parsed + 1);
    expect(await loadConfigFile(file)).toBe(edited);

    // A broken edit is reported on every load, and the fix is picked up.
    await writeFile(file, 'images: [\n');
    await expect(loadConfigFile(file)).rejects.toThrow(ConfigError);
    await expect(loadConfigFile(file)).rejects.toThrow(ConfigError);
    await writeFile(file, configFor('app-three'));
    await utimes(file, mtime, new Date(mtime.getTime() + 4_000));
    expect((await loadConfigFile(file)).images[0]?.ecr).toBe('app-three');
  });

  it('reports an empty file as an empty configuration', async () => {
    scratch = await mkdtemp(join(tmpdir(), 'flowkeeper-config-'));
    const file = join(scratch, 'empty.yaml');
    await writeFile(file, '# nothing yet\n');
    const error = await configErrorOf(loadConfigFile(file));
    expect(error.issues).toEqual([
      '(root): the configuration is empty; expected an object with repositories and images',
    ]);
  });
});

describe('parseConfigText', () => {
  it('reports an alias to an anchor that does not exist', () => {
    expect(() => parseConfigText('a: *missing\n', 'inline')).toThrow(ConfigError);
  });

  it('reports every syntax error with its position', () => {
    try {
      parseConfigText('a: [1, 2\nb: {c: 1\n', 'x.yaml', 'the source');
      expect.unreachable('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).source).toBe('the source');
      expect((error as ConfigError).issues.length).toBeGreaterThan(0);
      for (const issue of (error as ConfigError).issues) expect(issue).toMatch(/^x\.yaml:\d+:\d+: \S/);
    }
  });
});
