/**
 * The image-automation fixture pairs of ../shared/corpus/fluxcd__image-automation-controller,
 * expressed as Flowkeeper targets. Where the expected file is byte-preserving, the output must
 * equal it byte for byte; where it is not (re-indented by a YAML round trip), the output must be
 * the input with only the value changed. The corpus is beside CI's checkout only: without it, one
 * skipped test says so and nothing is read.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { kubernetesEditor } from '#domain/editors/kinds/kubernetes.ts';
import { kustomizeEditor } from '#domain/editors/kinds/kustomize.ts';
import { yamlPathEditor } from '#domain/editors/yaml/path.ts';
import { ManifestError } from '#domain/errors.ts';

const CORPUS = fileURLToPath(new URL('../../../../shared/corpus/', import.meta.url));
const CORPUS_PRESENT = existsSync(CORPUS);
/** `describe` when the corpus is present; otherwise nothing, so nothing is collected or read. */
const corpusSuite = (name: string, body: () => void) => (CORPUS_PRESENT ? describe(name, body) : undefined);
if (!CORPUS_PRESENT) {
  const reason =
    'external corpus: skipped — ../shared/corpus is not beside the repository (present only in CI)';
  // The default reporter counts skips without titles: the reason is printed as well.
  console.info(`${import.meta.url.split('/').pop()}: ${reason}`);
  it.skip(reason, () => {});
}
const ROOT = join(CORPUS, 'fluxcd__image-automation-controller/');
const SETTERS = 'internal/update/testdata/setters/';
const POLICY = 'internal/policy/testdata/';
const REPLACE = 'internal/update/testdata/replace/';
const LEAVE = 'internal/update/testdata/leave/';

/** Every fixture file, each used by a test below. */
const FIXTURES = new Set([
  ...['Kustomization', 'kustomization.yml', 'marked.yaml'].flatMap((f) => [
    `${SETTERS}original/${f}`,
    `${SETTERS}expected/${f}`,
  ]),
  ...['otherns.yaml', 'unmarked.yaml', 'test.yaml'].map((f) => `${SETTERS}original/${f}`),
  `${POLICY}appconfig/deploy.yaml`,
  `${POLICY}appconfig-setters-expected/deploy.yaml`,
  ...['yes', 'no'].flatMap((d) => [
    `${POLICY}pathconfig/${d}/deploy.yaml`,
    `${POLICY}pathconfig-expected/${d}/deploy.yaml`,
  ]),
  ...['deployment.yaml', 'cronjob.yaml'].flatMap((f) => [
    `${REPLACE}original/${f}`,
    `${REPLACE}expected/${f}`,
    `${LEAVE}original/${f}`,
    `${LEAVE}expected/${f}`,
  ]),
  `${REPLACE}commented/deployment.yaml`,
  `${REPLACE}commented-expected/deployment.yaml`,
]);

function fixture(path: string): string {
  if (!FIXTURES.has(path)) throw new Error(`${path} is not a listed fixture`);
  return readFileSync(join(ROOT, path), 'utf8');
}

/** The three image policies the setters test supplies. */
const POLICY_IMAGE = { name: 'index.repo.fake/updated', tag: 'v1.0.1' };
const UNCHANGED_IMAGE = { name: 'image', tag: 'v1.0.0' };
const WITH_DIGEST = {
  name: 'image',
  tag: 'v1.0.0',
  digest: 'sha256:6745aaad46d795c9836632e1fb62f24b7e7f4c843144da8e47a5465c411a14be',
};

const policyKustomize = (text: string, file: string) =>
  kustomizeEditor.write(text, { kind: 'kustomize', image: 'container', setName: true }, POLICY_IMAGE, file)
    .text;

const container = (name: string, setName = false) => ({
  kind: 'kubernetes' as const,
  container: name,
  setName,
});

corpusSuite('setters pair', () => {
  it('updates newName and newTag of Kustomization exactly as expected, markers included', () => {
    const out = policyKustomize(fixture(`${SETTERS}original/Kustomization`), 'Kustomization');
    expect(out).toBe(fixture(`${SETTERS}expected/Kustomization`));
  });

  it('updates kustomization.yml as expected except the newDigest field, which is not a kustomize field', () => {
    const original = fixture(`${SETTERS}original/kustomization.yml`);
    const expected = fixture(`${SETTERS}expected/kustomization.yml`);
    let out = policyKustomize(original, 'kustomization.yml');
    out = yamlPathEditor.write(
      out,
      { kind: 'yaml', path: 'patches[0].target.image', value: 'reference', setName: false },
      WITH_DIGEST,
      'kustomization.yml',
    ).text;
    const outLines = out.split('\n');
    const expectedLines = expected.split('\n');
    const originalLines = original.split('\n');
    expect(outLines).toHaveLength(expectedLines.length);
    expectedLines.forEach((line, i) => {
      // kustomize reads `digest`, so a kustomize target never writes `newDigest`: it stays as it was.
      if (line.trimStart().startsWith('newDigest:')) expect(outLines[i]).toBe(originalLines[i]);
      else expect(outLines[i]).toBe(line);
    });
  });

  it('updates the marked CronJob containers exactly as expected, leaving the one already current', () => {
    const original = fixture(`${SETTERS}original/marked.yaml`);
    const first = kubernetesEditor.write(original, container('c', true), POLICY_IMAGE, 'marked.yaml').text;
    const second = kubernetesEditor.write(first, container('d'), UNCHANGED_IMAGE, 'marked.yaml');
    expect(second.text).toBe(first);
    expect(second.from).toBe(second.to);
    expect(first).toBe(fixture(`${SETTERS}expected/marked.yaml`));
  });

  it('leaves files without a target alone: they have no expected counterpart', () => {
    for (const name of ['otherns.yaml', 'unmarked.yaml', 'test.yaml']) {
      fixture(`${SETTERS}original/${name}`);
      expect(existsSync(join(ROOT, SETTERS, 'expected', name))).toBe(false);
    }
    const unmarked = fixture(`${SETTERS}original/unmarked.yaml`);
    expect(kubernetesEditor.write(unmarked, container('c'), UNCHANGED_IMAGE, 'unmarked.yaml').text).toBe(
      unmarked,
    );
  });

  it('throws a ManifestError, not a crash, on a file that is a bare string', () => {
    const text = fixture(`${SETTERS}original/test.yaml`);
    expect(() => kubernetesEditor.read(text, container('c'), 'test.yaml')).toThrow(ManifestError);
    expect(() =>
      yamlPathEditor.read(
        text,
        { kind: 'yaml', path: 'spec.image', value: 'reference', setName: false },
        'test.yaml',
      ),
    ).toThrow(/the document root is a string scalar, not a mapping/);
  });
});

corpusSuite('policy pairs', () => {
  const hello = { name: 'helloworld', tag: '1.0.1' };
  const marker = '{"$imagepolicy": "automation-ns:policy"}';

  it('updates appconfig exactly as expected, with or without the setter marker filled in', () => {
    const original = fixture(`${POLICY}appconfig/deploy.yaml`);
    const expected = fixture(`${POLICY}appconfig-setters-expected/deploy.yaml`);
    expect(kubernetesEditor.write(original, container('hello'), hello, 'deploy.yaml').text).toBe(expected);
    const marked = original.replace('SETTER_SITE', marker);
    expect(kubernetesEditor.write(marked, container('hello'), hello, 'deploy.yaml').text).toBe(
      expected.replace('SETTER_SITE', marker),
    );
  });

  it('updates pathconfig only where a target points', () => {
    const yes = kubernetesEditor.write(
      fixture(`${POLICY}pathconfig/yes/deploy.yaml`),
      container('hello'),
      hello,
      'yes/deploy.yaml',
    );
    expect(yes.text).toBe(fixture(`${POLICY}pathconfig-expected/yes/deploy.yaml`));
    expect(fixture(`${POLICY}pathconfig/no/deploy.yaml`)).toBe(
      fixture(`${POLICY}pathconfig-expected/no/deploy.yaml`),
    );
  });
});

corpusSuite('replace and leave pairs', () => {
  const used110 = { name: 'used', tag: 'v1.1.0' };

  it.each(['deployment.yaml', 'cronjob.yaml'])('updates replace/original/%s exactly as expected', (name) => {
    const out = kubernetesEditor.write(fixture(`${REPLACE}original/${name}`), container('c'), used110, name);
    expect(out.text).toBe(fixture(`${REPLACE}expected/${name}`));
  });

  it('changes only the tag of the commented deployment, where the expected file was also re-indented', () => {
    const original = fixture(`${REPLACE}commented/deployment.yaml`);
    const reindented = fixture(`${REPLACE}commented-expected/deployment.yaml`);
    const out = kubernetesEditor.write(original, container('c'), used110, 'deployment.yaml').text;
    expect(out).toBe(
      original.replace('used:v1.0.0 # the comment must stay!', 'used:v1.1.0 # the comment must stay!'),
    );
    expect(out).not.toBe(reindented);
    const unindented = (text: string) => text.split('\n').map((line) => line.trimStart());
    expect(unindented(out)).toEqual(unindented(reindented));
  });

  it('leaves files byte-identical when the image does not change, unlike the re-indented leave/expected', () => {
    for (const name of ['deployment.yaml', 'cronjob.yaml']) {
      const original = fixture(`${LEAVE}original/${name}`);
      const current = kubernetesEditor.read(original, container('c'), name);
      const out = kubernetesEditor.write(original, container('c'), { name: 'x', tag: current.tag! }, name);
      expect(out.text).toBe(original);
      expect(fixture(`${LEAVE}expected/${name}`)).not.toBe(original);
    }
  });
});

corpusSuite('fixture coverage', () => {
  it('lists every fixture file of the corpus folder', () => {
    const files = readdirSync(ROOT, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)).split('\\').join('/'));
    expect(new Set(files)).toEqual(FIXTURES);
  });
});
