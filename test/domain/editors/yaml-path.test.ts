import { describe, expect, it } from 'vitest';
import { yamlPathEditor } from '#domain/editors/yaml/path.ts';
import { DIGEST, manifestError, writerFor, yamlSpec } from './support.ts';

const image = { name: '123.dkr.ecr.eu-west-1.amazonaws.com/app', tag: '1.4.2' };
const write = writerFor(yamlPathEditor, 'deploy/app.yaml', { image });

const CR = `apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata:
  name: k8s
spec:
  image: quay.io/prometheus/prometheus:v2.37.0 # pinned
  containers:
  - name: web
    image: 'r/web:1'
  - name: side
    image: r/side:1
  tags: [v1, "v2"]
`;

describe('yamlPathEditor.read', () => {
  it('reads a reference at a dotted path', () => {
    expect(yamlPathEditor.read(CR, yamlSpec('spec.image'), 'p.yaml')).toEqual({
      name: 'quay.io/prometheus/prometheus',
      tag: 'v2.37.0',
      location: 'spec.image',
    });
  });

  it('reads a tag-only value, splitting a digest in it', () => {
    const text = `app:\n  version: 1.0@${DIGEST}\n`;
    expect(yamlPathEditor.read(text, yamlSpec('app.version', { value: 'tag' }), 'v.yaml')).toEqual({
      tag: '1.0',
      digest: DIGEST,
      location: 'app.version',
    });
  });
});

describe('yamlPathEditor.write', () => {
  it('changes only the tag of a reference, keeping the comment', () => {
    expect(write(CR, yamlSpec('spec.image'))).toEqual({
      text: CR.replace('v2.37.0 #', '1.4.2 #'),
      location: 'spec.image',
      from: 'v2.37.0',
      to: '1.4.2',
    });
  });

  it('is idempotent', () => {
    const once = write(CR, yamlSpec('spec.image')).text;
    expect(write(once, yamlSpec('spec.image')).text).toBe(once);
  });

  it('follows a selector and keeps single quotes', () => {
    const out = write(CR, yamlSpec('spec.containers[name=web].image'));
    expect(out.text).toBe(CR.replace("'r/web:1'", "'r/web:1.4.2'"));
    expect(out.location).toBe('spec.containers[name=web].image');
  });

  it('follows list indexes inside flow sequences', () => {
    expect(write(CR, yamlSpec('spec.tags[1]', { value: 'tag' })).text).toBe(CR.replace('"v2"', '"1.4.2"'));
    expect(write(CR, yamlSpec('spec.tags[0]', { value: 'tag' }), { ...image, tag: '1.10' }).text).toBe(
      CR.replace('[v1,', '["1.10",'),
    );
  });

  it('writes only the tag in tag mode, with the digest when given', () => {
    const text = "helm:\n  parameters:\n    - name: image.tag\n      value: '0.2'\n";
    const s = yamlSpec('helm.parameters[name=image.tag].value', { value: 'tag' });
    expect(write(text, s, { ...image, tag: '0.3' }).text).toBe(text.replace("'0.2'", "'0.3'"));
    expect(write(text, s, { ...image, digest: DIGEST }).text).toBe(
      text.replace("'0.2'", `'1.4.2@${DIGEST}'`),
    );
  });

  it('writes the name with setName in reference mode', () => {
    expect(write(CR, yamlSpec('spec.image', { setName: true })).text).toBe(
      CR.replace('quay.io/prometheus/prometheus:v2.37.0', `${image.name}:1.4.2`),
    );
  });

  it('writes a digest into a reference and drops an old inline one', () => {
    const text = 'image: r/app:1@sha256:old\n';
    expect(write(text, yamlSpec('image')).text).toBe('image: r/app:1.4.2\n');
    expect(write(text, yamlSpec('image'), { ...image, digest: DIGEST }).text).toBe(
      `image: r/app:1.4.2@${DIGEST}\n`,
    );
  });

  it('keeps CRLF and a missing final newline', () => {
    const text = 'spec:\r\n  image: minio/minio:latest\r\n  pools: []';
    expect(write(text, yamlSpec('spec.image')).text).toBe(
      'spec:\r\n  image: minio/minio:1.4.2\r\n  pools: []',
    );
  });

  it('narrows to one document and names it in the location', () => {
    const text =
      'kind: A\nmetadata: {name: a}\nimage: r/a:1\n---\nkind: B\nmetadata: {name: b}\nimage: r/b:1\n';
    const out = write(text, yamlSpec('image', { document: 1 }));
    expect(out.text).toBe(text.replace('r/b:1', 'r/b:1.4.2'));
    expect(out.location).toBe('image (document 1, B/b)');
    const e = manifestError(() => write(text, yamlSpec('image')));
    expect(e.message).toBe(
      'deploy/app.yaml at image: ambiguous: 2 documents have this path: document 0 (A/a), document 1 (B/b); set `document` on the target to the index of the one to change',
    );
  });

  it('finds the one document that has the path', () => {
    const text = 'kind: Service\n---\nkind: Job\nspec:\n  image: r/j:1\n';
    expect(write(text, yamlSpec('spec.image')).location).toBe('spec.image (document 1, Job)');
  });

  it('throws naming the path and what exists when the path is missing', () => {
    const e = manifestError(() => write(CR, yamlSpec('spec.containers[name=api].image')));
    expect(e.file).toBe('deploy/app.yaml');
    expect(e.location).toBe('spec.containers[name=api].image');
    expect(e.message).toMatch(
      /not found: `spec.containers` has no entry with name=api \(name values: web, side\)/,
    );
  });

  it('throws when the path names a mapping', () => {
    const e = manifestError(() => write(CR, yamlSpec('metadata')));
    expect(e.message).toMatch(/`metadata` is a mapping where a single value was expected/);
  });

  it('throws when the document index does not exist', () => {
    expect(manifestError(() => write(CR, yamlSpec('spec.image', { document: 3 }))).message).toMatch(
      /document 3 does not exist: the file has one document \(0\)/,
    );
  });

  it('throws on a malformed path', () => {
    expect(manifestError(() => write(CR, yamlSpec('spec..image'))).message).toMatch(
      /invalid path: empty key/,
    );
  });

  it('throws on a file that is not a mapping at all', () => {
    expect(manifestError(() => write('testing.yaml', yamlSpec('spec.image'))).message).toMatch(
      /not found: the document root is a string scalar, not a mapping/,
    );
  });
});

describe('value: reference over a bare tag', () => {
  it('refuses to turn the tag into "1.4.1:1.4.2" and points at value: tag', () => {
    const text = 'images:\n  - name: app\n    newTag: 1.4.1\n';
    const e = manifestError(() => write(text, yamlSpec('images[name=app].newTag')));
    expect(e.message).toMatch(/holds "1\.4\.1", which reads as a bare tag.*`value: tag`/);
    expect(write(text, yamlSpec('images[name=app].newTag', { value: 'tag' })).text).toBe(
      text.replace('1.4.1', '1.4.2'),
    );
  });
});
