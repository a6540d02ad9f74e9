import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { applyChanges } from '#domain/editors/yaml/apply-changes.ts';
import { parseYamlFile, type YamlFile } from '#domain/editors/yaml/file.ts';
import { withTagAndDigest } from '#domain/editors/yaml/image-values.ts';
import { locateUnique } from '#domain/editors/yaml/location.ts';
import { child, documentRoot, type Located, resolvePath } from '#domain/editors/yaml/navigation.ts';
import { formatPath, parsePath } from '#domain/editors/yaml/path-syntax.ts';
import { readsBackPlain } from '#domain/editors/yaml/scalars.ts';
import { manifestError } from './support.ts';

function at(file: YamlFile, path: string, document?: number): Located {
  return locateUnique(file, path, document);
}

function set(text: string, path: string, value: string): string {
  const file = parseYamlFile(text, 'f.yaml');
  return applyChanges(file, [{ kind: 'set', at: at(file, path), value }], path);
}

function insert(text: string, path: string, entries: [string, string][]): string {
  const file = parseYamlFile(text, 'f.yaml');
  return applyChanges(file, [{ kind: 'insert', map: at(file, path), entries }], path);
}

describe('parsePath', () => {
  it('splits keys, indexes and selectors', () => {
    expect(parsePath('a.b[0].c', 'f')).toEqual([
      { kind: 'key', key: 'a' },
      { kind: 'key', key: 'b' },
      { kind: 'index', index: 0 },
      { kind: 'key', key: 'c' },
    ]);
    expect(parsePath('spec.containers[name=web].image', 'f')).toEqual([
      { kind: 'key', key: 'spec' },
      { kind: 'key', key: 'containers' },
      { kind: 'select', key: 'name', value: 'web' },
      { kind: 'key', key: 'image' },
    ]);
  });

  it('keeps escaped dots inside keys and dots inside selector values', () => {
    expect(parsePath('annotations.example\\.com/tag', 'f')).toEqual([
      { kind: 'key', key: 'annotations' },
      { kind: 'key', key: 'example.com/tag' },
    ]);
    expect(parsePath('helm.parameters[name=image.tag].value', 'f')[2]).toEqual({
      kind: 'select',
      key: 'name',
      value: 'image.tag',
    });
  });

  it('accepts a leading index for documents that are lists', () => {
    expect(parsePath('[1].image', 'f')).toEqual([
      { kind: 'index', index: 1 },
      { kind: 'key', key: 'image' },
    ]);
  });

  it.each(['', 'a..b', 'a.', '.a', 'a[x]', 'a[0', 'a[0]b', 'a\\'])(
    'rejects %j naming the file and the path',
    (path) => {
      const e = manifestError(() => parsePath(path, 'values.yaml'));
      expect(e.file).toBe('values.yaml');
      expect(e.location).toBe(path);
      expect(e.message).toMatch(/invalid path/);
    },
  );

  it('formats back what it parses', () => {
    for (const path of ['a.b[0].c', 'x[name=web].image', 'a\\.b.c', '[2].x']) {
      expect(formatPath(parsePath(path, 'f'))).toBe(path);
    }
  });
});

describe('parseYamlFile', () => {
  it('reports invalid YAML with the file, line and column', () => {
    const e = manifestError(() => parseYamlFile('a: 1\nb: [2\nc: 3\n', 'bad.yaml'));
    expect(e.file).toBe('bad.yaml');
    expect(e.location).toMatch(/^line \d+, column \d+$/);
    expect(e.message).toMatch(/^bad\.yaml at line \d+, column \d+: invalid YAML: /);
  });

  it('reports duplicate keys as invalid', () => {
    const e = manifestError(() => parseYamlFile('image:\n  tag: 1\n  tag: 2\n', 'dup.yaml'));
    expect(e.location).toBe('line 3, column 3');
    expect(e.message).toMatch(/unique/);
  });
});

describe('resolvePath', () => {
  const file = parseYamlFile('a:\n  list:\n    - name: x\n      v: 1\n    - name: y\n      v: 2\n', 'f.yaml');

  it('finds a node through a selector and shows the selector in its display path', () => {
    const found = resolvePath(file, 0, parsePath('a.list[name=y].v', 'f'));
    expect('found' in found && found.found.display).toBe('a.list[name=y].v');
    expect('found' in found && found.found.path).toEqual(['a', 'list', 1, 'v']);
  });

  it('says which key is missing and lists the keys that exist', () => {
    const found = resolvePath(file, 0, parsePath('a.lst', 'f'));
    expect(found).toEqual({ missing: '`a` has no key `lst` (keys: list)' });
  });

  it('lists the selector values that exist when none matches', () => {
    const found = resolvePath(file, 0, parsePath('a.list[name=z].v', 'f'));
    expect('missing' in found && found.missing).toMatch(/no entry with name=z \(name values: x, y\)/);
  });

  it('says when a mapping is expected but a list is found', () => {
    const found = resolvePath(file, 0, parsePath('a.list.name', 'f'));
    expect('missing' in found && found.missing).toMatch(/`a.list` is a list, not a mapping/);
  });
});

describe('readsBackPlain', () => {
  it.each([
    '1.10',
    '0.1',
    '1e3',
    'true',
    'null',
    '0x1F',
    '~',
    'yes',
    'on',
    'No',
    'y',
    '1_000',
    '1:20',
    '012',
    '0b101',
    '2001-12-14',
    '',
    ' v1',
    'v1 #x',
    '@v1',
  ])('refuses %j', (value) => {
    expect(readsBackPlain(value, false)).toBe(false);
  });

  it.each(['v1.10', '1.10-alpine', '6.14.1', 'latest', 'sha256:abc', 'repo:1.0@sha256:abc', 'NaN'])(
    'accepts %j',
    (value) => {
      expect(readsBackPlain(value, false)).toBe(true);
    },
  );

  it('refuses flow indicators inside flow collections only', () => {
    expect(readsBackPlain('a,b', false)).toBe(true);
    expect(readsBackPlain('a,b', true)).toBe(false);
  });
});

describe('applyChanges: replacing a scalar', () => {
  it('replaces only the value bytes and keeps the inline comment', () => {
    expect(set('a:\n  tag: 1.0.0 # keep me\n  x: 1\n', 'a.tag', 'v2')).toBe(
      'a:\n  tag: v2 # keep me\n  x: 1\n',
    );
  });

  it('keeps double and single quotes', () => {
    expect(set('tag: "1.0"\n', 'tag', 'v2')).toBe('tag: "v2"\n');
    expect(set("tag: '1.0'\n", 'tag', 'v2')).toBe("tag: 'v2'\n");
  });

  it('double-quotes a plain value that would not read back as a string', () => {
    expect(set('tag: v1 # c\n', 'tag', '1.10')).toBe('tag: "1.10" # c\n');
    expect(set('tag: v1\n', 'tag', 'yes')).toBe('tag: "yes"\n');
    expect(set('tag: v1\n', 'tag', '1_000')).toBe('tag: "1_000"\n');
  });

  it('reads a non-string plain value by its source and quotes the new value when needed', () => {
    expect(set('tag: 0.1\n', 'tag', '0.2')).toBe('tag: "0.2"\n');
    expect(set('tag: 0.1\n', 'tag', 'v0.2')).toBe('tag: v0.2\n');
  });

  it('leaves the text untouched when the value is already there as a string', () => {
    for (const text of ['tag: v0.10\n', 'tag: "0.10"\n', "tag: '0.10'\n", 'tag: >-\n  0.10\n']) {
      expect(set(text, 'tag', text.includes('v0') ? 'v0.10' : '0.10')).toBe(text);
    }
  });

  it('quotes a plain value that holds the right text but reads as a number', () => {
    expect(set('tag: 1.10\n', 'tag', '1.10')).toBe('tag: "1.10"\n');
  });

  it('reads a null as no value and replaces it', () => {
    expect(set('tag: ~\n', 'tag', 'v1')).toBe('tag: v1\n');
    expect(set('tag: null # none\n', 'tag', 'v1')).toBe('tag: v1 # none\n');
  });

  it('fills an empty value, keeping a following comment apart', () => {
    expect(set('tag:\nx: 1\n', 'tag', 'v1')).toBe('tag: v1\nx: 1\n');
    expect(set('tag: # set me\n', 'tag', 'v1')).toBe('tag: v1 # set me\n');
  });

  it('edits a one-line folded or literal block scalar on its content line', () => {
    expect(set('image: >-\n  repo:1.0\nx: 1\n', 'image', 'repo:2.0')).toBe('image: >-\n  repo:2.0\nx: 1\n');
    expect(set('image: |\n    repo:1.0\n\nx: 1\n', 'image', 'repo:2.0')).toBe(
      'image: |\n    repo:2.0\n\nx: 1\n',
    );
  });

  it('refuses a block scalar of several lines', () => {
    const e = manifestError(() => set('image: >-\n  repo\n  :1.0\n', 'image', 'repo:2.0'));
    expect(e.message).toMatch(/f\.yaml at image: `image` is a block scalar that holds several lines/);
  });

  it('refuses a value spread over several lines', () => {
    const e = manifestError(() => set('image: "repo\n  :1.0"\n', 'image', 'repo:2.0'));
    expect(e.message).toMatch(/spans several lines/);
  });

  it('keeps CRLF line endings, a BOM and a missing final newline', () => {
    expect(set('\uFEFFa: 1\r\ntag: v1\r\nb: 2', 'tag', 'v2')).toBe('\uFEFFa: 1\r\ntag: v2\r\nb: 2');
  });

  it('keeps flow style and uses flow rules for quoting', () => {
    expect(set('img: {repo: r, tag: v1}\n', 'img.tag', 'v2')).toBe('img: {repo: r, tag: v2}\n');
    expect(set('tags: [v1, v2]\n', 'tags[1]', '1.10')).toBe('tags: [v1, "1.10"]\n');
  });

  it('keeps document markers of multi-document files', () => {
    const text = '---\na: 1\n...\n---\ntag: v1\n...\n';
    const file = parseYamlFile(text, 'f.yaml');
    const out = applyChanges(file, [{ kind: 'set', at: at(file, 'tag'), value: 'v2' }], 'tag');
    expect(out).toBe('---\na: 1\n...\n---\ntag: v2\n...\n');
  });

  it('names the anchor to edit when the target is an alias', () => {
    const e = manifestError(() => set('base: &v v1\ntag: *v\n', 'tag', 'v2'));
    expect(e.message).toMatch(
      /`tag` is an alias \(\*v\) of another value; edit the value anchored as &v at line 1, column 10 instead/,
    );
  });

  it('refuses to edit a value that aliases elsewhere reuse', () => {
    const e = manifestError(() => set('tag: &v v1\nother: *v\n', 'tag', 'v2'));
    expect(e.message).toMatch(/`tag` is anchored as &v, which \*v reuses/);
    const inside = manifestError(() => set('img: &i\n  tag: v1\ncopy: *i\n', 'img.tag', 'v2'));
    expect(inside.message).toMatch(/sits inside the value anchored as &i/);
  });

  it('edits an anchored value that no alias uses', () => {
    expect(set('tag: &v v1\n', 'tag', 'v2')).toBe('tag: &v v2\n');
  });

  it('refuses a mapping where a scalar is expected', () => {
    const e = manifestError(() => set('image:\n  tag: v1\n', 'image', 'v2'));
    expect(e.message).toMatch(/`image` is a mapping where a single value was expected/);
  });
});

describe('applyChanges: inserting keys', () => {
  it('adds lines after the last key of a block mapping with its indentation', () => {
    const text = 'images:\n- name: a\n  newName: b # c\n- name: x\n';
    expect(insert(text, 'images[0]', [['newTag', 'v1']])).toBe(
      'images:\n- name: a\n  newName: b # c\n  newTag: v1\n- name: x\n',
    );
  });

  it('uses the file line ending and keeps a missing final newline', () => {
    expect(insert('images:\r\n  - name: a', 'images[0]', [['newTag', '1.10']])).toBe(
      'images:\r\n  - name: a\r\n    newTag: "1.10"',
    );
  });

  it('adds entries before the closing brace of a flow mapping', () => {
    expect(insert('images:\n- {name: a, newName: b}\n', 'images[0]', [['newTag', 'v1']])).toBe(
      'images:\n- {name: a, newName: b, newTag: v1}\n',
    );
    expect(insert('images: [ { name: a } ]\n', 'images[0]', [['newTag', 'v1']])).toBe(
      'images: [ { name: a, newTag: v1 } ]\n',
    );
  });

  it('adds several keys in order', () => {
    expect(
      insert('- name: a\n', '[0]', [
        ['newTag', 'v1'],
        ['digest', 'sha256:abc'],
      ]),
    ).toBe('- name: a\n  newTag: v1\n  digest: sha256:abc\n');
  });

  it('refuses when the last value is a block scalar', () => {
    const e = manifestError(() => insert('m:\n  a: 1\n  p: |\n    text\n\n  # c\n', 'm', [['t', 'v']]));
    expect(e.message).toMatch(/cannot add `t` to `m`: its last value spans several lines/);
  });

  it('refuses when the last entry holds a nested block', () => {
    const e = manifestError(() => insert('m:\n  a: 1\n  b:\n    c: 2\n', 'm', [['t', 'v']]));
    expect(e.message).toMatch(/cannot add `t` to `m`: its last entry holds a nested block/);
  });
});

describe('applyChanges: self-check', () => {
  it('rejects an edit that would change the meaning of another value', () => {
    const file = parseYamlFile('a: v1\nb: v1\n', 'f.yaml');
    const a = at(file, 'a');
    // Pretend the edit is meant for `b` while it lands on `a`: the re-parse must notice.
    const b = at(file, 'b');
    const lying: Located = { ...a, path: b.path };
    const e = manifestError(() => applyChanges(file, [{ kind: 'set', at: lying, value: 'v2' }], 'b'));
    expect(e.message).toMatch(/self-check failed, nothing was written/);
  });

  it('reads the new value at the same place after the edit', () => {
    const out = set('x:\n  tag: v1\n', 'x.tag', '1e3');
    expect(parse(out)).toEqual({ x: { tag: '1e3' } });
  });
});

describe('locateUnique', () => {
  const file = parseYamlFile(
    'kind: A\nmetadata: {name: a}\nspec: {image: x}\n---\nkind: B\nmetadata: {name: b}\nspec: {image: y}\n',
    'm.yaml',
  );

  it('refuses a path found in several documents and lists them', () => {
    const e = manifestError(() => locateUnique(file, 'spec.image'));
    expect(e.message).toBe(
      'm.yaml at spec.image: ambiguous: 2 documents have this path: document 0 (A/a), document 1 (B/b); set `document` on the target to the index of the one to change',
    );
  });

  it('narrows to the given document', () => {
    expect(locateUnique(file, 'spec.image', 1).doc).toBe(1);
  });

  it('refuses a document index that does not exist', () => {
    expect(manifestError(() => locateUnique(file, 'spec.image', 2)).message).toMatch(
      /document 2 does not exist: the file has 2 documents \(0 to 1\)/,
    );
  });

  it('says per document why the path is missing', () => {
    expect(manifestError(() => locateUnique(file, 'spec.tag')).message).toMatch(
      /not found: document 0: `spec` has no key `tag` \(keys: image\); document 1: /,
    );
  });
});

describe('withTagAndDigest', () => {
  it('keeps the name bytes, including a registry port', () => {
    expect(withTagAndDigest('10.0.0.1:5000/app:1.0', '1.1', undefined)).toBe('10.0.0.1:5000/app:1.1');
    expect(withTagAndDigest('app', '1.1', undefined)).toBe('app:1.1');
  });

  it('drops an inline digest unless a new one is given', () => {
    expect(withTagAndDigest('app:1.0@sha256:old', '1.1', undefined)).toBe('app:1.1');
    expect(withTagAndDigest('app@sha256:old', '1.1', 'sha256:new')).toBe('app:1.1@sha256:new');
  });

  it('writes the given name instead', () => {
    expect(withTagAndDigest('app:1.0', '1.1', undefined, 'ecr/app')).toBe('ecr/app:1.1');
  });
});

it('documentRoot and child give the nodes of a document', () => {
  const file = parseYamlFile('a:\n  b: 1\n', 'f.yaml');
  const root = documentRoot(file, 0)!;
  expect(child(child(root, 'a')!, 'b')?.display).toBe('a.b');
});

describe('applyChanges: any valid tag in any style', () => {
  const traps = [
    '1.10',
    '0.1',
    '1e3',
    '1E3',
    '0x1F',
    '012',
    '08',
    '1_000',
    'yes',
    'No',
    'ON',
    'off',
    'y',
    'N',
    'true',
    'null',
    'Null',
    'NaN',
    '2001-12-14',
    '.5',
    '1.',
    '0o17',
    '0b1',
  ];
  const tag = fc.oneof(fc.constantFrom(...traps), fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9._-]{0,12}$/));
  const templates = [
    'a: 1 # x\ntag: v1 # c\nb: 2\n',
    "tag: 'v1'\n",
    'tag: "v1"\n',
    'img: {repo: r, tag: v1}\n',
    'tag: >-\n  v1\n',
    'tag: 0.1\n',
  ];
  const path = (template: string) => (template.startsWith('img') ? 'img.tag' : 'tag');

  it('reads back as the same string in YAML 1.2 and 1.1, is idempotent and touches one line', () => {
    fc.assert(
      fc.property(tag, fc.constantFrom(...templates), (value, template) => {
        const out = set(template, path(template), value);
        const read = (version: '1.1' | '1.2') => {
          const js = parse(out, { version });
          return template.startsWith('img') ? js.img.tag : js.tag;
        };
        expect(read('1.2')).toBe(value);
        expect(read('1.1')).toBe(value);
        expect(set(out, path(template), value)).toBe(out);
        const before = template.split('\n');
        const after = out.split('\n');
        expect(after).toHaveLength(before.length);
        expect(after.filter((line, i) => line !== before[i]).length).toBeLessThanOrEqual(1);
      }),
      { numRuns: 400 },
    );
  });
});
