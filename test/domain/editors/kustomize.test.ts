import { describe, expect, it } from 'vitest';
import { kustomizeEditor } from '#domain/editors/kinds/kustomize.ts';
import { DIGEST, kustomizeSpec, manifestError, writerFor } from './support.ts';

const app = { name: '123.dkr.ecr.eu-west-1.amazonaws.com/my-app', tag: '1.4.2' };
const write = writerFor(kustomizeEditor, 'overlays/dev/kustomization.yaml', {
  image: app,
  spec: kustomizeSpec('my-app'),
});

const BASE = `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
# images the pipeline bumps
images:
  - name: other
    newTag: "9.9"
  - name: my-app   # the app
    newName: registry.example.com/my-app
    newTag: 1.4.1 # bumped by Flowkeeper
resources:
  - deployment.yaml
`;

describe('kustomizeEditor.read', () => {
  it('returns the entry name, tag and location', () => {
    expect(kustomizeEditor.read(BASE, kustomizeSpec('my-app'), 'k.yaml')).toEqual({
      name: 'registry.example.com/my-app',
      tag: '1.4.1',
      location: 'images[name=my-app].newTag',
    });
  });

  it('falls back to the entry name and reads the digest field', () => {
    const text = `images:\n- name: my-app\n  newTag: "0.1"\n  digest: ${DIGEST}\n`;
    expect(kustomizeEditor.read(text, kustomizeSpec('my-app'), 'k.yaml')).toEqual({
      name: 'my-app',
      tag: '0.1',
      digest: DIGEST,
      location: 'images[name=my-app].newTag',
    });
  });
});

describe('kustomizeEditor.write', () => {
  it('changes only the newTag value and reports from and to', () => {
    const out = write(BASE);
    expect(out).toEqual({
      text: BASE.replace('newTag: 1.4.1 #', 'newTag: 1.4.2 #'),
      location: 'images[name=my-app].newTag',
      from: '1.4.1',
      to: '1.4.2',
    });
  });

  it('is idempotent', () => {
    const once = write(BASE).text;
    expect(write(once).text).toBe(once);
  });

  it('keeps the quoting style of the existing value', () => {
    const text = `images:\n- name: my-app\n  newTag: "0.1"\n- name: b\n  newTag: 'x'\n`;
    expect(write(text, kustomizeSpec('my-app'), { name: 'x', tag: '0.2' }).text).toBe(
      text.replace('"0.1"', '"0.2"'),
    );
    expect(write(text, kustomizeSpec('b'), { name: 'x', tag: 'y' }).text).toBe(text.replace("'x'", "'y'"));
  });

  it('double-quotes a tag that plain YAML would read as a number', () => {
    const text = 'images:\n- name: my-app\n  newTag: v1\n';
    expect(write(text, kustomizeSpec('my-app'), { name: 'x', tag: '1.10' }).text).toBe(
      'images:\n- name: my-app\n  newTag: "1.10"\n',
    );
  });

  it('inserts a missing newTag after the last key of the entry, with its indentation', () => {
    const text =
      'images:\n  - name: redis\n    newName: mirror/redis # mirrored\n  - name: b\n    newTag: x\n';
    expect(write(text, kustomizeSpec('redis')).text).toBe(
      'images:\n  - name: redis\n    newName: mirror/redis # mirrored\n    newTag: 1.4.2\n  - name: b\n    newTag: x\n',
    );
  });

  it('inserts into a flow entry before its closing brace', () => {
    const text = 'images:\n- {name: my-app, newName: r/my-app}\n';
    expect(write(text).text).toBe('images:\n- {name: my-app, newName: r/my-app, newTag: 1.4.2}\n');
    expect(write('images: [{name: my-app, newTag: v1}]\n').text).toBe(
      'images: [{name: my-app, newTag: 1.4.2}]\n',
    );
  });

  it('inserts with CRLF line endings and without adding a final newline', () => {
    const text = '\uFEFFimages:\r\n- name: my-app\r\n  newName: r/my-app';
    expect(write(text).text).toBe(
      '\uFEFFimages:\r\n- name: my-app\r\n  newName: r/my-app\r\n  newTag: 1.4.2',
    );
  });

  it('writes newName with setName, replacing or inserting it', () => {
    expect(write(BASE, kustomizeSpec('my-app', true)).text).toBe(
      BASE.replace('newName: registry.example.com/my-app', `newName: ${app.name}`).replace(
        '1.4.1 #',
        '1.4.2 #',
      ),
    );
    expect(write('images:\n- name: my-app\n  newTag: v1\n', kustomizeSpec('my-app', true)).text).toBe(
      `images:\n- name: my-app\n  newTag: 1.4.2\n  newName: ${app.name}\n`,
    );
  });

  it('keeps newName without setName', () => {
    expect(write(BASE).text).toContain('newName: registry.example.com/my-app\n');
  });

  it('writes the digest field when a digest is given, inserting it when missing', () => {
    const withDigest = 'images:\n- name: my-app\n  newTag: v1\n  digest: sha256:old\n';
    expect(write(withDigest, kustomizeSpec('my-app'), { ...app, digest: DIGEST }).text).toBe(
      `images:\n- name: my-app\n  newTag: 1.4.2\n  digest: ${DIGEST}\n`,
    );
    const out = write('images:\n- name: my-app\n  newTag: v1\n', kustomizeSpec('my-app'), {
      ...app,
      digest: DIGEST,
    });
    expect(out.text).toBe(`images:\n- name: my-app\n  newTag: 1.4.2\n  digest: ${DIGEST}\n`);
    expect(out.to).toBe(`1.4.2@${DIGEST}`);
  });

  it('throws when the entry pins a digest and no digest is given', () => {
    const text = 'images:\n- name: my-app\n  newTag: v1\n  digest: sha256:old\n';
    const e = manifestError(() => write(text));
    expect(e.file).toBe('overlays/dev/kustomization.yaml');
    expect(e.location).toBe('images[name=my-app]');
    expect(e.message).toMatch(/pins digest sha256:old .*set `digest: pin` on this target/);
  });

  it('accepts an empty digest field without a digest', () => {
    const text = 'images:\n- name: my-app\n  newTag: v1\n  digest: ""\n';
    expect(write(text).text).toBe(text.replace('v1', '1.4.2'));
  });

  it('searches every kustomization document of a multi-document file', () => {
    const text =
      'kind: ConfigMap\n---\nimages:\n- name: a\n  newTag: v1\n---\nimages:\n- name: my-app\n  newTag: v1\n';
    const out = write(text);
    expect(out.text).toBe(text.replace(/v1\n$/, '1.4.2\n'));
    expect(out.location).toBe('images[name=my-app].newTag (document 2)');
  });

  it('throws when no entry has the image name, listing the names found', () => {
    const e = manifestError(() => write(BASE, kustomizeSpec('nope')));
    expect(e.message).toBe(
      "overlays/dev/kustomization.yaml at images[name=nope]: no `images` entry has name `nope` (names found: other, my-app); add the entry or fix the target's image",
    );
  });

  it('throws when several entries have the image name', () => {
    const e = manifestError(() =>
      write('images:\n- name: my-app\n  newTag: a\n- name: my-app\n  newTag: b\n'),
    );
    expect(e.message).toMatch(
      /2 `images` entries have name `my-app` \(document 0 images\[0\], document 0 images\[1\]\)/,
    );
  });

  it('throws when the file has no images list', () => {
    expect(manifestError(() => write('resources:\n- a.yaml\n')).message).toMatch(
      /the file has no `images:` list/,
    );
  });

  it('throws when images is not a list', () => {
    expect(manifestError(() => write('images:\n  my-app: v1\n')).message).toMatch(
      /`images` in document 0 is a mapping/,
    );
  });

  it('throws naming the anchor when newTag is an alias', () => {
    const text = 'x: &t v1\nimages:\n- name: my-app\n  newTag: *t\n';
    expect(manifestError(() => write(text)).message).toMatch(
      /is an alias \(\*t\) of another value; edit the value anchored as &t/,
    );
  });

  it('throws when newTag is not a scalar', () => {
    const e = manifestError(() => write('images:\n- name: my-app\n  newTag: [a]\n'));
    expect(e.message).toMatch(/`images\[name=my-app\]\.newTag` is a list where a single value was expected/);
  });

  it('throws on invalid YAML with line and column', () => {
    const e = manifestError(() => write('images:\n- name: my-app\n  newTag: [v1\n'));
    expect(e.file).toBe('overlays/dev/kustomization.yaml');
    expect(e.message).toMatch(/at line \d+, column \d+: invalid YAML/);
  });
});
