import { describe, expect, it } from 'vitest';
import { imageDetailEditor } from '#domain/editors/kinds/imagedetail.ts';

const FILE = 'imageDetail.json';
const spec = { kind: 'imagedetail', setName: false } as const;
const image = { name: '123456789012.dkr.ecr.us-east-1.amazonaws.com/web', tag: '3.1.0' };

describe('imageDetail editor', () => {
  it('reads ImageURI', () => {
    expect(imageDetailEditor.read('{ "ImageURI": "r.io/web:3.0.0" }', spec, FILE)).toEqual({
      name: 'r.io/web',
      tag: '3.0.0',
      location: 'ImageURI',
    });
  });

  it('changes only ImageURI and leaves the other keys', () => {
    const text =
      '{\n    "ImageDigest": "sha256:aa",\n    "ImageURI": "r.io/web:3.0.0",\n    "Version": "1.0"\n}';
    const outcome = imageDetailEditor.write(text, spec, image, FILE);
    expect(outcome).toEqual({
      text: text.replace('web:3.0.0', 'web:3.1.0'),
      location: 'ImageURI',
      from: '3.0.0',
      to: '3.1.0',
    });
  });

  it('throws when the file is not an object', () => {
    expect(() => imageDetailEditor.read('[{"ImageURI": "r:1"}]', spec, FILE)).toThrow(
      /: expected a JSON object with an "ImageURI" field .*found an array/,
    );
  });

  it('throws when ImageURI is missing, with a hint for a miscased key', () => {
    expect(() => imageDetailEditor.read('{}', spec, FILE)).toThrow(
      /at ImageURI: the field "ImageURI" is missing/,
    );
    expect(() => imageDetailEditor.read('{"imageUri": "r:1"}', spec, FILE)).toThrow(
      /found "imageUri"; keys are case-sensitive/,
    );
  });

  it('throws when ImageURI is not a string', () => {
    expect(() => imageDetailEditor.read('{"ImageURI": ["r:1"]}', spec, FILE)).toThrow(
      /"ImageURI" is an array; it must be a string/,
    );
  });
});
