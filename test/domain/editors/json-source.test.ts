import { describe, expect, it } from 'vitest';
import { lineAndColumn, parseJson } from '#domain/editors/json/document.ts';
import { imageDefinitionsEditor } from '#domain/editors/kinds/imagedefinitions.ts';
import { imageDetailEditor } from '#domain/editors/kinds/imagedetail.ts';
import { EventError, ManifestError } from '#domain/errors.ts';

const FILE = 'deploy/imageDetail.json';
const detail = { kind: 'imagedetail', setName: false } as const;
const withName = { kind: 'imagedetail', setName: true } as const;
const REPO = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/web';
const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

function write(text: string, image: { name?: string; tag: string; digest?: string }, setName = false) {
  return imageDetailEditor.write(text, setName ? withName : detail, { name: REPO, ...image }, FILE);
}

function thrown(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('strict JSON parsing', () => {
  it('reports the line and column of a syntax error', () => {
    const error = thrown(() => imageDetailEditor.read('{\n  "ImageURI": "a:1"\n  "x": 1\n}\n', detail, FILE));
    expect(error).toBeInstanceOf(ManifestError);
    expect(error.message).toBe(
      `${FILE}: invalid JSON at line 3, column 3: expected ',' or a closing bracket`,
    );
  });

  it('counts CRLF line breaks once', () => {
    const error = thrown(() => imageDetailEditor.read('{\r\n\r\n  "ImageURI": a\r\n}', detail, FILE));
    expect(error.message).toContain('line 3, column 15');
  });

  it('rejects comments, saying ECS and CodePipeline do not accept them', () => {
    const error = thrown(() =>
      imageDetailEditor.read('{\n  // pinned\n  "ImageURI": "a:1"\n}', detail, FILE),
    );
    expect(error.message).toMatch(/line 2, column 3: comments are not allowed.*ECS and CodePipeline/);
    expect(() => imageDetailEditor.read('{ /* x */ "ImageURI": "a:1" }', detail, FILE)).toThrow(/comments/);
  });

  it('rejects trailing commas in objects and arrays', () => {
    expect(() => imageDetailEditor.read('{\n  "ImageURI": "a:1",\n}', detail, FILE)).toThrow(
      /line 3, column 1: trailing comma before '}'/,
    );
    const spec = { kind: 'imagedefinitions', container: 'web', setName: false } as const;
    expect(() => imageDefinitionsEditor.read('[{"name":"web","imageUri":"a:1"},]', spec, FILE)).toThrow(
      /column 34: trailing comma before ']'/,
    );
  });

  it('rejects an empty file', () => {
    expect(() => imageDetailEditor.read(' \n', detail, FILE)).toThrow(/the file is empty/);
  });

  it('rejects content after the JSON value', () => {
    expect(() => imageDetailEditor.read('{"ImageURI": "a:1"}\n{}', detail, FILE)).toThrow(
      /line 2, column 1: unexpected content after the end/,
    );
  });

  it('rejects a key given twice in the target object', () => {
    expect(() => imageDetailEditor.read('{"ImageURI": "a:1",\n "ImageURI": "a:2"}', detail, FILE)).toThrow(
      /"ImageURI" appears 2 times .*line 1, column 14; line 2, column 14/,
    );
  });

  it('keeps a byte-order mark and edits after it', () => {
    const text = '\uFEFF{"ImageURI": "a/b:1"}\n';
    expect(write(text, { tag: '2' }).text).toBe('\uFEFF{"ImageURI": "a/b:2"}\n');
  });

  it('returns a tree whose offsets index the original text', () => {
    const doc = parseJson('\uFEFF[ "x" ]', FILE);
    expect(doc.root.children?.[0]?.offset).toBe(3);
  });

  it('numbers lines and columns from one', () => {
    expect(lineAndColumn('ab\ncd', 0)).toBe('line 1, column 1');
    expect(lineAndColumn('ab\ncd', 4)).toBe('line 2, column 2');
  });
});

describe('layout preservation', () => {
  const cases: Record<string, string> = {
    'two-space indent': '{\n  "ImageURI": "a.io/web:1.0"\n}\n',
    'tab indent': '{\n\t"ImageURI": "a.io/web:1.0"\n}\n',
    'one line without final newline': '{"ImageURI":"a.io/web:1.0"}',
    'one line with inner spaces': '{ "ImageURI" : "a.io/web:1.0" }\n',
    CRLF: '{\r\n    "ImageURI": "a.io/web:1.0",\r\n    "Note": "x"\r\n}\r\n',
    'leading blank line': '\n{\n  "ImageURI": "a.io/web:1.0"\n}\n',
    'trailing spaces and no final newline': '{ \n    "ImageURI": "a.io/web:1.0" \n} ',
  };
  for (const [layout, text] of Object.entries(cases)) {
    it(`changes only the value with ${layout}`, () => {
      const outcome = write(text, { tag: '1.1' });
      expect(outcome.text).toBe(text.replace('a.io/web:1.0', 'a.io/web:1.1'));
      expect(write(outcome.text, { tag: '1.1' }).text).toBe(outcome.text);
    });
  }

  it('leaves unicode escapes in other strings untouched', () => {
    const text = '{\n  "Note": "caf\\u00e9 \\ud83d\\ude80 \\"q\\" \\/",\n  "ImageURI": "a.io/web:1.0"\n}\n';
    expect(write(text, { tag: '2.0' }).text).toBe(text.replace('web:1.0', 'web:2.0'));
  });

  it('keeps escapes written inside the kept name', () => {
    const text = '{"ImageURI": "a.io\\/shop\\/web:1.0"}';
    const outcome = write(text, { tag: '2.0' });
    expect(outcome.text).toBe('{"ImageURI": "a.io\\/shop\\/web:2.0"}');
    expect(imageDetailEditor.read(outcome.text, detail, FILE)).toMatchObject({
      name: 'a.io/shop/web',
      tag: '2.0',
    });
  });

  it('returns the text unchanged when the value already reads as the new image', () => {
    const text = '{"ImageURI": "a.io/web:\\u0031.0"}';
    expect(write(text, { tag: '1.0' }).text).toBe(text);
  });
});

describe('reading and writing the reference', () => {
  it('reads name, tag, digest and location', () => {
    expect(imageDetailEditor.read(`{"ImageURI": "${REPO}:1.4@${DIGEST}"}`, detail, FILE)).toEqual({
      name: REPO,
      tag: '1.4',
      digest: DIGEST,
      location: 'ImageURI',
    });
  });

  it('keeps a registry port in the name', () => {
    const outcome = write('{"ImageURI": "10.0.0.1:5000/web:1.0"}', { tag: '1.1' });
    expect(outcome.text).toBe('{"ImageURI": "10.0.0.1:5000/web:1.1"}');
  });

  it('adds a tag to an untagged name', () => {
    const outcome = write('{"ImageURI": "nginx"}', { tag: '1.27' });
    expect(outcome.text).toBe('{"ImageURI": "nginx:1.27"}');
    expect(outcome.from).toBe('(none)');
    expect(outcome.to).toBe('1.27');
  });

  it('writes the digest when one is given', () => {
    const outcome = write('{"ImageURI": "a.io/web:1.0"}', { tag: '1.1', digest: DIGEST });
    expect(outcome.text).toBe(`{"ImageURI": "a.io/web:1.1@${DIGEST}"}`);
    expect(outcome).toMatchObject({ location: 'ImageURI', from: '1.0', to: `1.1@${DIGEST}` });
  });

  it('drops an old digest when none is given', () => {
    const outcome = write(`{"ImageURI": "a.io/web@${DIGEST}"}`, { tag: '1.1' });
    expect(outcome.text).toBe('{"ImageURI": "a.io/web:1.1"}');
    expect(outcome.from).toBe(`(none)@${DIGEST}`);
  });

  it('keeps the name in the file unless setName is true', () => {
    const text = '{"ImageURI": "old.io/web:1.0"}';
    expect(write(text, { tag: '1.1' }).text).toBe('{"ImageURI": "old.io/web:1.1"}');
    expect(write(text, { tag: '1.1' }, true).text).toBe(`{"ImageURI": "${REPO}:1.1"}`);
  });

  it('drops whitespace around the reference inside the string', () => {
    expect(write('{"ImageURI": " a.io/web:1.0 "}', { tag: '1.1' }).text).toBe('{"ImageURI": "a.io/web:1.1"}');
  });

  it('reads an empty value as no image and fills it only with setName', () => {
    const text = '{"ImageURI": ""}';
    expect(imageDetailEditor.read(text, detail, FILE)).toEqual({ location: 'ImageURI' });
    expect(() => write(text, { tag: '1.0' })).toThrow(/no image name to keep.*setName: true/);
    expect(write(text, { tag: '1.0' }, true).text).toBe(`{"ImageURI": "${REPO}:1.0"}`);
  });

  it('rejects an invalid tag, digest or name before editing', () => {
    const text = '{"ImageURI": "a.io/web:1.0"}';
    expect(() => write(text, { tag: 'bad tag' })).toThrow(EventError);
    expect(() => write(text, { tag: '1.1', digest: 'nope' })).toThrow(EventError);
    expect(() => write(text, { name: 'a.io/web:1.0', tag: '1.1' }, true)).toThrow(EventError);
    expect(() => write(text, { name: '', tag: '1.1' }, true)).toThrow(EventError);
  });
});

describe('placeholders', () => {
  it('refuses to bump a CodePipeline placeholder, on read and write', () => {
    const text = '{"ImageURI": "<IMAGE1_NAME>"}';
    const error = thrown(() => write(text, { tag: '1.0' }, true));
    expect(error).toBeInstanceOf(ManifestError);
    expect(error.message).toBe(
      `${FILE} at ImageURI: the value is the placeholder <IMAGE1_NAME>, which CodePipeline replaces with the ` +
        'image it deploys; it must not be bumped. Target the imagedefinitions.json or imageDetail.json the ' +
        'pipeline reads instead, or remove this target',
    );
    expect(() => imageDetailEditor.read(text, detail, FILE)).toThrow(/placeholder <IMAGE1_NAME>/);
  });

  it('bumps the tag of a name holding a build variable and keeps the variable', () => {
    const text = `{"ImageURI": "\${AWS_ACCOUNT_ID}.dkr.ecr.ap-northeast-1.amazonaws.com/web:latest"}`;
    expect(write(text, { tag: '1.2' }).text).toBe(text.replace(':latest', ':1.2'));
  });

  it('refuses to replace a tag that is a build variable', () => {
    const text = `{"ImageURI": "\${REPOSITORY_URI}:\${IMAGE_TAG}"}`;
    expect(() => write(text, { tag: '1.2' }, true)).toThrow(/tag or digest .* is a variable/);
  });

  it('refuses a value that is only a variable unless setName is true', () => {
    const text = `{"ImageURI": "\${IMAGE_URI}"}`;
    expect(() => write(text, { tag: '1.2' })).toThrow(/is a variable .*set setName: true/);
    expect(write(text, { tag: '1.2' }, true).text).toBe(`{"ImageURI": "${REPO}:1.2"}`);
  });
});
