import { describe, expect, it } from 'vitest';
import { imageDefinitionsEditor } from '#domain/editors/kinds/imagedefinitions.ts';
import { ManifestError } from '#domain/errors.ts';

const FILE = 'ecs/imagedefinitions.json';
const spec = (container: string, setName = false) =>
  ({ kind: 'imagedefinitions', container, setName }) as const;
const image = { name: '123456789012.dkr.ecr.us-east-1.amazonaws.com/api', tag: '2.0.1' };

const TWO = `[
  {
    "name": "web",
    "imageUri": "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.0.0"
  },
  {
    "name": "worker",
    "imageUri": "123456789012.dkr.ecr.us-east-1.amazonaws.com/worker:1.0.0"
  }
]
`;

describe('imagedefinitions editor', () => {
  it('reads the imageUri of the named entry', () => {
    expect(imageDefinitionsEditor.read(TWO, spec('worker'), FILE)).toEqual({
      name: '123456789012.dkr.ecr.us-east-1.amazonaws.com/worker',
      tag: '1.0.0',
      location: '[name=worker].imageUri',
    });
  });

  it('changes only the imageUri of the named entry', () => {
    const outcome = imageDefinitionsEditor.write(TWO, spec('worker'), image, FILE);
    expect(outcome).toEqual({
      text: TWO.replace('worker:1.0.0', 'worker:2.0.1'),
      location: '[name=worker].imageUri',
      from: '1.0.0',
      to: '2.0.1',
    });
  });

  it('writes the configured name with setName', () => {
    const outcome = imageDefinitionsEditor.write(TWO, spec('web', true), image, FILE);
    expect(outcome.text).toBe(TWO.replace('/web:1.0.0', '/api:2.0.1'));
  });

  it('edits a one-line file without final newline', () => {
    const text = '[{"name":"web","imageUri":"r/web:1"},{"name":"db","imageUri":"r/db:1"}]';
    const outcome = imageDefinitionsEditor.write(text, spec('db'), image, FILE);
    expect(outcome.text).toBe('[{"name":"web","imageUri":"r/web:1"},{"name":"db","imageUri":"r/db:2.0.1"}]');
  });

  it('keeps extra keys and their order', () => {
    const text = '[\n\t{ "imageUri": "r/web:1", "Version": "1", "name": "web" }\n]';
    expect(imageDefinitionsEditor.write(text, spec('web'), image, FILE).text).toBe(
      text.replace('r/web:1', 'r/web:2.0.1'),
    );
  });

  it('throws when the file is not an array', () => {
    expect(() =>
      imageDefinitionsEditor.read('{"name": "web", "imageUri": "r:1"}', spec('web'), FILE),
    ).toThrow(/expected a JSON array .*found an object/);
  });

  it('throws when an entry is not an object', () => {
    expect(() =>
      imageDefinitionsEditor.read('[{"name": "web", "imageUri": "r:1"}, "x"]', spec('web'), FILE),
    ).toThrow(/entry\[1\] is a string; expected an object/);
  });

  it('lists the container names present when the container is missing', () => {
    let error: unknown;
    try {
      imageDefinitionsEditor.read(TWO, spec('api'), FILE);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ManifestError);
    expect(error).toMatchObject({ file: FILE, location: '[name=api].imageUri' });
    expect((error as Error).message).toContain(
      'no container named "api" (containers present: "web", "worker")',
    );
  });

  it('points out a name that differs only in case', () => {
    expect(() => imageDefinitionsEditor.read(TWO, spec('Web'), FILE)).toThrow(
      /case-sensitive \("web" differs/,
    );
  });

  it('says so when the array is empty', () => {
    expect(() => imageDefinitionsEditor.read('[]', spec('web'), FILE)).toThrow(
      /no container named "web" \(no entry has a name\)/,
    );
  });

  it('throws on duplicate container names, listing their indexes', () => {
    const text =
      '[{"name":"web","imageUri":"a:1"},{"name":"db","imageUri":"b:1"},{"name":"web","imageUri":"c:1"}]';
    expect(() => imageDefinitionsEditor.write(text, spec('web'), image, FILE)).toThrow(
      /2 containers are named "web" \(entry\[0\], entry\[2\]\); the target is ambiguous/,
    );
  });

  it('throws when imageUri is missing, with a hint for a miscased key', () => {
    expect(() => imageDefinitionsEditor.read('[{"name":"web"}]', spec('web'), FILE)).toThrow(
      /the field "imageUri" is missing; add it/,
    );
    expect(() => imageDefinitionsEditor.read('[{"name":"web","ImageUri":"a:1"}]', spec('web'), FILE)).toThrow(
      /found "ImageUri"; keys are case-sensitive/,
    );
  });

  it('throws when imageUri is not a string', () => {
    expect(() => imageDefinitionsEditor.read('[{"name":"web","imageUri":null}]', spec('web'), FILE)).toThrow(
      /"imageUri" is null; it must be a string/,
    );
  });

  it('refuses a CodePipeline placeholder', () => {
    const text = '[{"name":"web","imageUri":"<IMAGE1_NAME>"}]';
    expect(() => imageDefinitionsEditor.write(text, spec('web', true), image, FILE)).toThrow(
      /\[name=web\]\.imageUri: the value is the placeholder <IMAGE1_NAME>, which CodePipeline replaces/,
    );
  });
});

describe('imagedefinitions editor over a bare tag', () => {
  it('refuses to write "1.0.0:2.0.1" where an image reference belongs', () => {
    const text = '[{ "name": "web", "imageUri": "1.0.0" }]\n';
    expect(() => imageDefinitionsEditor.write(text, spec('web'), image, FILE)).toThrow(
      /\[name=web\]\.imageUri: the field holds "1\.0\.0", which reads as a bare tag, not an image reference/,
    );
  });
});
