import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ManifestError, PermanentError } from '#domain/errors.ts';
import { type PreviewValues, renderPreview } from '#domain/previews/render.ts';

const values: PreviewValues = {
  slug: 'true',
  branch: 'feature/a: b # not a comment',
  pullRequest: '7',
  url: 'https://true.preview.example.com',
  image: '111122223333.dkr.ecr.eu-west-1.amazonaws.com/my-app:pr-7-3f2a9c1',
};

const render = (path: string, content: string, given: PreviewValues = values) =>
  renderPreview(
    [{ path: `previews/_template/${path}`, content }],
    'previews/_template',
    'previews/true',
    given,
  )[0];

describe('renderPreview', () => {
  it('substitutes placeholders in YAML values only, quoting what would read as something else', () => {
    const template = [
      '# values for {slug}',
      'nameOverride: {slug}  # stays a comment',
      'ingress:',
      '  host: "{slug}.preview.example.com"',
      '  url: "{url}"',
      'labels: { branch: "{branch}", pr: "{pullRequest}" }',
      '"{slug}": key stays',
      'image: "{image}"',
      'plain: pr-{pullRequest}',
      '',
    ].join('\n');
    const output = render('values.yaml', template.replace('nameOverride: {slug}', "nameOverride: '{slug}'"));
    expect(output?.path).toBe('previews/true/values.yaml');
    expect(output?.content).toBe(
      [
        '# values for {slug}',
        "nameOverride: 'true'  # stays a comment",
        'ingress:',
        '  host: "true.preview.example.com"',
        '  url: "https://true.preview.example.com"',
        'labels: { branch: "feature/a: b # not a comment", pr: "7" }',
        '"{slug}": key stays',
        'image: "111122223333.dkr.ecr.eu-west-1.amazonaws.com/my-app:pr-7-3f2a9c1"',
        'plain: pr-7',
        '',
      ].join('\n'),
    );
    const read = parse(output?.content ?? '') as Record<string, unknown>;
    expect(read.nameOverride).toBe('true');
  });

  it('keeps every substituted value a string, whatever it holds (true, 1e3, ": #")', () => {
    const template = ['slug: "{slug}"', "n: '{pullRequest}'", 'branch: x{branch}', ''].join('\n');
    const output = render('v.yaml', template, { ...values, pullRequest: '1e3' });
    expect(parse(output?.content ?? '')).toEqual({ slug: 'true', n: '1e3', branch: `x${values.branch}` });
    // A bare {slug} is YAML flow-mapping syntax, not a string: it is left as the template wrote it.
    expect(render('m.yaml', 'a: {slug}\n')?.content).toBe('a: {slug}\n');
  });

  it('substitutes JSON string values and leaves keys alone', () => {
    const output = render('config.json', '{\n  "{slug}": "{branch}",\n  "n": 1\n}\n');
    expect(output?.content).toBe('{\n  "{slug}": "feature/a: b # not a comment",\n  "n": 1\n}\n');
  });

  it('copies files without placeholders, and other files, byte for byte', () => {
    const helm = '{{- if .Values.enabled }}\nkind: Service # {slug}\n{{- end }}\n';
    expect(render('templates/service.yaml', helm.replace(' # {slug}', ''))?.content).toBe(
      helm.replace(' # {slug}', ''),
    );
    expect(render('README.md', 'Preview {slug}\n')?.content).toBe('Preview {slug}\n');
  });

  it('refuses {image} when no image is known, and a template that does not parse', () => {
    expect(() => render('v.yaml', 'image: "{image}"\n', { ...values, image: undefined })).toThrow(
      PermanentError,
    );
    expect(() => render('v.yaml', 'a: ["{slug}"\n')).toThrow(ManifestError);
  });

  it('keeps every rendered path inside the preview directory', () => {
    expect(() =>
      renderPreview(
        [{ path: 'previews/_template/../x.yaml', content: '' }],
        'previews/_template',
        'previews/true',
        values,
      ),
    ).toThrow(/not a file inside the template directory/);
    expect(() =>
      renderPreview(
        [{ path: 'elsewhere/x.yaml', content: '' }],
        'previews/_template',
        'previews/true',
        values,
      ),
    ).toThrow(/not a file inside/);
  });
});
