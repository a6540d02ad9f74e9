import { describe, expect, it } from 'vitest';
import { helmEditor } from '#domain/editors/kinds/helm.ts';
import { DIGEST, helmSpec, manifestError, writerFor } from './support.ts';

const image = { name: '123.dkr.ecr.eu-west-1.amazonaws.com/frontend', tag: '1.4.2' };
const write = writerFor(helmEditor, 'charts/app/values.yaml', { image });

const VALUES = `# values
frontend:
  image:
    repository: registry.example.com/frontend # where
    tag: "1.4.1"
    pullPolicy: IfNotPresent
backend:
  image: registry.example.com:5000/backend:2.0.0@sha256:old # inline comment
`;

describe('helmEditor.read', () => {
  it('reads a mapping holding repository and tag', () => {
    expect(helmEditor.read(VALUES, helmSpec('frontend.image'), 'v.yaml')).toEqual({
      name: 'registry.example.com/frontend',
      tag: '1.4.1',
      location: 'frontend.image.tag',
    });
  });

  it('reads a reference string, splitting name, tag and digest', () => {
    expect(helmEditor.read(VALUES, helmSpec('backend.image'), 'v.yaml')).toEqual({
      name: 'registry.example.com:5000/backend',
      tag: '2.0.0',
      digest: 'sha256:old',
      location: 'backend.image',
    });
  });

  it('splits a digest carried inside the tag', () => {
    const text = `image:\n  repository: r\n  tag: 2026.8.3@${DIGEST}\n`;
    expect(helmEditor.read(text, helmSpec('image'), 'v.yaml')).toMatchObject({
      tag: '2026.8.3',
      digest: DIGEST,
    });
  });
});

describe('helmEditor.write on a mapping', () => {
  it('changes only the tag value, keeping its quotes', () => {
    expect(write(VALUES, helmSpec('frontend.image'))).toEqual({
      text: VALUES.replace('tag: "1.4.1"', 'tag: "1.4.2"'),
      location: 'frontend.image.tag',
      from: '1.4.1',
      to: '1.4.2',
    });
  });

  it('is idempotent', () => {
    const once = write(VALUES, helmSpec('frontend.image')).text;
    expect(write(once, helmSpec('frontend.image')).text).toBe(once);
  });

  it('writes the repository with setName and keeps it otherwise', () => {
    const out = write(VALUES, helmSpec('frontend.image', { setName: true })).text;
    expect(out).toBe(
      VALUES.replace('registry.example.com/frontend #', `${image.name} #`).replace('"1.4.1"', '"1.4.2"'),
    );
  });

  it('uses the configured keys', () => {
    const text = 'controller:\n  image:\n    image: ingress-nginx/controller\n    version: v1\n';
    const s = helmSpec('controller.image', { tagKey: 'version', repositoryKey: 'image', setName: true });
    expect(write(text, s).text).toBe(`controller:\n  image:\n    image: ${image.name}\n    version: 1.4.2\n`);
  });

  it('follows escaped dots in keys', () => {
    const text = 'app.kubernetes.io:\n  image:\n    tag: v1\n';
    expect(write(text, helmSpec('app\\.kubernetes\\.io.image')).text).toBe(text.replace('v1', '1.4.2'));
  });

  it('quotes a tag that would otherwise read as a number', () => {
    expect(write('image:\n  tag: 0.1\n', helmSpec('image'), { ...image, tag: '0.10' }).text).toBe(
      'image:\n  tag: "0.10"\n',
    );
  });

  it('writes the digest key when pinning', () => {
    const text = 'image:\n  repository: r\n  tag: v1\n  digest: ""\n';
    const out = write(text, helmSpec('image'), { ...image, digest: DIGEST });
    expect(out.text).toBe(`image:\n  repository: r\n  tag: 1.4.2\n  digest: "${DIGEST}"\n`);
    expect(out.to).toBe(`1.4.2@${DIGEST}`);
  });

  it('writes tag@digest when there is no digest key', () => {
    const text = 'image:\n  repository: r\n  tag: v1\n';
    expect(write(text, helmSpec('image'), { ...image, digest: DIGEST }).text).toBe(
      `image:\n  repository: r\n  tag: 1.4.2@${DIGEST}\n`,
    );
  });

  it('keeps a digest inside the tag when the file already does so', () => {
    const text = 'image:\n  repository: r\n  tag: v1@sha256:old\n  digest: ""\n';
    expect(write(text, helmSpec('image'), { ...image, digest: DIGEST }).text).toBe(
      `image:\n  repository: r\n  tag: 1.4.2@${DIGEST}\n  digest: "${DIGEST}"\n`,
    );
  });

  it('drops a digest inside the tag when no digest is given', () => {
    const text = 'image:\n  tag: v1@sha256:old\n';
    expect(write(text, helmSpec('image')).text).toBe('image:\n  tag: 1.4.2\n');
  });

  it('accepts an empty digest key without a digest', () => {
    const text = 'image:\n  tag: v1\n  digest: ""\n';
    expect(write(text, helmSpec('image')).text).toBe(text.replace('v1', '1.4.2'));
  });

  it('throws when the digest key pins a digest and no digest is given', () => {
    const e = manifestError(() => write('image:\n  tag: v1\n  digest: sha256:old\n', helmSpec('image')));
    expect(e.file).toBe('charts/app/values.yaml');
    expect(e.location).toBe('image.tag');
    expect(e.message).toMatch(/`image\.digest` pins digest sha256:old.*set `digest: pin` on this target/);
  });

  it('edits a flow mapping in place', () => {
    expect(write('image: { repository: r, tag: v1 }\n', helmSpec('image')).text).toBe(
      'image: { repository: r, tag: 1.4.2 }\n',
    );
  });

  it('keeps CRLF, a BOM and a missing final newline', () => {
    const text = '\uFEFFimage:\r\n  repository: r\r\n  tag: v1';
    expect(write(text, helmSpec('image')).text).toBe('\uFEFFimage:\r\n  repository: r\r\n  tag: 1.4.2');
  });

  it('throws listing the keys when the tag key is missing', () => {
    const e = manifestError(() =>
      write('image:\n  repository: r\n  pullPolicy: Always\n', helmSpec('image')),
    );
    expect(e.message).toBe(
      'charts/app/values.yaml at image: `image` has no `tag` key (keys: repository, pullPolicy); add it to the values, or set tagKey on the target to the key that holds the tag',
    );
  });

  it('throws when setName has no repository key to write', () => {
    const e = manifestError(() => write('image:\n  tag: v1\n', helmSpec('image', { setName: true })));
    expect(e.message).toMatch(/setName needs a `repository` key next to `tag` in `image`/);
  });

  it('throws when the tag is not a scalar', () => {
    const e = manifestError(() => write('image:\n  tag:\n    a: 1\n', helmSpec('image')));
    expect(e.message).toMatch(/`image\.tag` is a mapping where a single value was expected/);
  });
});

describe('helmEditor.write on a reference string', () => {
  it('changes the tag, keeps the registry with its port and the inline comment, drops the old digest', () => {
    const out = write(VALUES, helmSpec('backend.image'));
    expect(out.text).toBe(VALUES.replace(':2.0.0@sha256:old #', ':1.4.2 #'));
    expect(out).toMatchObject({ from: '2.0.0@sha256:old', to: '1.4.2', location: 'backend.image' });
  });

  it('writes the digest and the name when asked', () => {
    const out = write(VALUES, helmSpec('backend.image', { setName: true }), { ...image, digest: DIGEST });
    expect(out.text).toBe(
      VALUES.replace('registry.example.com:5000/backend:2.0.0@sha256:old', `${image.name}:1.4.2@${DIGEST}`),
    );
  });

  it('edits a folded block scalar on its content line', () => {
    const text = 'image: >-\n  r/app:1.0\nother: 1\n';
    expect(write(text, helmSpec('image')).text).toBe('image: >-\n  r/app:1.4.2\nother: 1\n');
  });
});

describe('helmEditor errors', () => {
  it('throws naming the path and the keys found when the path is missing', () => {
    const e = manifestError(() => write(VALUES, helmSpec('frontend.img')));
    expect(e.location).toBe('frontend.img');
    expect(e.message).toMatch(/not found: `frontend` has no key `img` \(keys: image\)/);
  });

  it('throws when the path names a list', () => {
    const e = manifestError(() => write('images:\n  - a:1\n', helmSpec('images')));
    expect(e.message).toMatch(
      /`images` is a list; point the path at the mapping that holds `tag` or at a `repo:tag` string/,
    );
  });

  it('throws naming the anchor when the path is an alias', () => {
    const e = manifestError(() => write('base: &img\n  tag: v1\nimage: *img\n', helmSpec('image')));
    expect(e.message).toMatch(/`image` is an alias \(\*img\)/);
  });

  it('throws when the path is found in several documents', () => {
    const e = manifestError(() => write('image:\n  tag: a\n---\nimage:\n  tag: b\n', helmSpec('image')));
    expect(e.message).toMatch(/ambiguous: 2 documents have this path: document 0, document 1/);
  });

  it('throws on invalid YAML naming the file and line', () => {
    const e = manifestError(() => write('image:\n  tag: v1\n tag2: x\n', helmSpec('image')));
    expect(e.message).toMatch(/^charts\/app\/values\.yaml at line 3, column \d+: invalid YAML/);
  });
});

describe('a reference written over a bare tag', () => {
  // `path: image.tag` on `kind: helm` used to write `tag: "1.4.1:1.4.2"` and report (none) → 1.4.2.
  it('is refused where the path ends at the tag', () => {
    const text = 'image:\n  repository: r.example.com/app\n  tag: "1.4.1"\n';
    const e = manifestError(() => write(text, helmSpec('image.tag')));
    expect(e.location).toBe('image.tag');
    expect(e.message).toMatch(
      /`image\.tag` holds "1\.4\.1", which reads as a bare tag, not an image reference \(name:tag\); writing the image there would give "1\.4\.1:<tag>"\. .*`kind: yaml` and `value: tag`/,
    );
    expect(() => write(text, helmSpec('image.tag', { setName: true }))).toThrow(/reads as a bare tag/);
  });

  it.each(['v2', '2024.05.01-3', '1.4.1@sha256:abc'])('is refused for %s', (held) => {
    expect(() => write(`image: ${held}\n`, helmSpec('image'))).toThrow(/reads as a bare tag/);
  });

  it.each(['nginx', 'nginx:1.4.1', 'registry.example.com:5000/1.4:1.0', 'app:v2'])(
    'leaves %s alone',
    (held) => {
      expect(write(`image: ${held}\n`, helmSpec('image')).text).toMatch(/:1\.4\.2\n$/);
    },
  );
});
