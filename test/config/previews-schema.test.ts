import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseConfig } from '#config/schema.ts';
import { ConfigError } from '#domain/errors.ts';

const DOCUMENT = `
repositories:
  manifests: { provider: codecommit, name: app-manifests }
  app: { provider: codecommit, name: app-source }
previews:
  - name: web
    repository: manifests
    branch: main
    template: previews/_template
    path: previews/{slug}
    source: { repository: app, branches: ['feature/**'], destination: main }
    url: https://{slug}.preview.example.com
    image:
      ecr: my-app
      tag: '^pr-(?<pr>\\d+)-[0-9a-f]{7}$'
      target: { kind: helm, file: values.yaml, path: image }
`;

function issuesOf(yaml: string): string[] {
  try {
    parseConfig(parse(yaml), 'test.yaml');
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('the previews section', () => {
  it('parses a preview set with its defaults', () => {
    const [set] = parseConfig(parse(DOCUMENT), 'test.yaml').previews ?? [];
    expect(set).toEqual({
      name: 'web',
      repository: 'manifests',
      branch: 'main',
      template: 'previews/_template',
      path: 'previews/{slug}',
      slugPrefix: '',
      source: { repository: 'app', branches: ['feature/**'], destination: 'main', branchCreated: false },
      url: 'https://{slug}.preview.example.com',
      image: {
        ecr: 'my-app',
        tag: '^pr-(?<pr>\\d+)-[0-9a-f]{7}$',
        target: {
          kind: 'helm',
          file: 'values.yaml',
          path: 'image',
          tagKey: 'tag',
          repositoryKey: 'repository',
          digestKey: 'digest',
          setName: false,
        },
      },
      limits: { maxOpen: 20, ttlHours: 168 },
    });
  });

  it('reports each problem at its path', () => {
    const broken = DOCUMENT.replace('path: previews/{slug}', 'path: previews/x')
      .replace('url: https://{slug}.preview.example.com', 'url: https://preview.example.com')
      .replace("'^pr-(?<pr>\\d+)-[0-9a-f]{7}$'", () => "'^pr-(\\d+)$'")
      .replace('file: values.yaml', 'file: ../values.yaml')
      .replace('repository: app,', 'repository: nowhere,');
    expect(issuesOf(broken)).toEqual([
      'previews[0].path: must be a folder ending in /{slug}, such as previews/{slug} (got "previews/x")',
      'previews[0].source.repository: repository "nowhere" is not defined under repositories (defined: manifests, app)',
      'previews[0].url: must be an http(s) URL holding {slug} (got "https://preview.example.com")',
      'previews[0].image.tag: must have exactly one named capture among slug, branch, pr (found none)',
      'previews[0].image.target.file: must be a relative path inside the preview directory (got "../values.yaml")',
    ]);
  });

  it('refuses a tag pattern that cannot run in linear time, and a target with repository or branch', () => {
    const issues = issuesOf(
      DOCUMENT.replace("'^pr-(?<pr>\\d+)-[0-9a-f]{7}$'", () => "'^(?<pr>\\d+)(?=x)'").replace(
        'target: { kind: helm,',
        'target: { branch: main, kind: helm,',
      ),
    );
    expect(issues.join('\n')).toMatch(/previews\[0\]\.image\.tag: cannot run in linear time/);
    expect(issues.join('\n')).toMatch(/previews\[0\]\.image\.target\.branch: unknown key/);
  });
});
