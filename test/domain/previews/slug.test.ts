import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_SLUG_LENGTH, previewSlug } from '#domain/previews/slug.ts';

const DNS_LABEL = /^[a-z](?:[a-z0-9-]*[a-z0-9])?$/;

describe('previewSlug', () => {
  it('keeps a name that already is a DNS label as it is', () => {
    expect(previewSlug('feature-login')).toBe('feature-login');
    expect(previewSlug('login', 'pr-')).toBe('pr-login');
  });

  it.each([
    ['a:b'],
    ['a/b'],
    ['../x'],
    ['Ünïcode-ブランチ'],
    ['x'.repeat(300)],
    ['true'],
    ['null'],
    ['1e3'],
    ['-'],
    [''],
    ['feature/Login-Page'],
    ['a\nb'],
  ])('makes a safe slug of the hostile name %j', (name) => {
    const slug = previewSlug(name, 'pr-');
    expect(slug).toMatch(DNS_LABEL);
    expect(slug.length).toBeLessThanOrEqual(MAX_SLUG_LENGTH);
    expect(slug).not.toContain('..');
    expect(previewSlug(name, 'pr-')).toBe(slug);
  });

  it('gives names that read alike after cleaning different slugs', () => {
    const names = ['a:b', 'a/b', 'a-b', 'A-B', 'a_b', 'a.b', 'true', 'True', '1e3', '1E3'];
    const slugs = names.map((name) => previewSlug(name));
    expect(new Set(slugs).size).toBe(names.length);
  });

  it('cuts a long name to 63 characters with the prefix, keeping a hash so two long names differ', () => {
    const a = previewSlug(`${'x'.repeat(300)}a`, 'preview-');
    const b = previewSlug(`${'x'.repeat(300)}b`, 'preview-');
    expect(a.length).toBe(MAX_SLUG_LENGTH);
    expect(a.startsWith('preview-xxx')).toBe(true);
    expect(a).not.toBe(b);
  });

  it('is a DNS label, stable, and injective in practice, for any string', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 400 }),
        fc.constantFrom('', 'pr-', 'web-'),
        (name, prefix) => {
          const slug = previewSlug(name, prefix);
          expect(slug).toMatch(DNS_LABEL);
          expect(slug.length).toBeLessThanOrEqual(MAX_SLUG_LENGTH);
          expect(slug.startsWith(prefix)).toBe(true);
          expect(previewSlug(name, prefix)).toBe(slug);
        },
      ),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.string({ maxLength: 40 }), (a, b) => {
        fc.pre(a !== b);
        expect(previewSlug(a)).not.toBe(previewSlug(b));
      }),
      { numRuns: 2000 },
    );
  });
});
