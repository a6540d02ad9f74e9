import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configJsonSchema, EXAMPLE_CONFIG } from '#config/json-schema.ts';
import { parseConfig } from '#config/schema.ts';
import { ConfigError } from '#domain/errors.ts';
import type { Target } from '#domain/targets.ts';

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = resolve(here, '../fixtures/config');
const projectRoot = resolve(here, '../..');

/** Every target kind, checked against the `Target` union by the compiler. */
const TARGET_KINDS: Record<Target['kind'], true> = {
  kustomize: true,
  helm: true,
  kubernetes: true,
  yaml: true,
  imagedefinitions: true,
  imagedetail: true,
  taskdefinition: true,
  discover: true,
  ssm: true,
};

interface Schema {
  type?: string;
  const?: unknown;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  propertyNames?: Schema;
  items?: Schema;
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
  not?: Schema;
  dependentRequired?: Record<string, string[]>;
  minItems?: number;
  minProperties?: number;
  maxProperties?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  examples?: unknown[];
  description?: string;
  title?: string;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function typeMatches(type: string, value: unknown): boolean {
  switch (type) {
    case 'object':
      return isObject(value);
    case 'array':
      return Array.isArray(value);
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    default:
      return typeof value === type;
  }
}

/**
 * A small JSON Schema validator: the keywords the configuration schema uses, nothing more.
 * Returns the JSON pointers of the values that fail.
 */
function validate(schema: Schema, value: unknown, at = ''): string[] {
  const errors: string[] = [];
  const fail = (why: string) => errors.push(`${at || '/'}: ${why}`);
  if (schema.type && !typeMatches(schema.type, value)) return [`${at || '/'}: not ${schema.type}`];
  if (schema.const !== undefined && value !== schema.const) fail(`not ${String(schema.const)}`);
  if (schema.enum && !schema.enum.includes(value)) fail('not in enum');
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && value.length < schema.minLength) fail('too short');
    if (schema.maxLength !== undefined && value.length > schema.maxLength) fail('too long');
    if (schema.pattern && !new RegExp(schema.pattern, 'u').test(value)) fail('pattern');
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) fail('below minimum');
    if (schema.maximum !== undefined && value > schema.maximum) fail('above maximum');
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) fail('too few items');
    const items = schema.items;
    if (items) for (const [i, item] of value.entries()) errors.push(...validate(items, item, `${at}/${i}`));
  }
  if (isObject(value)) {
    const keys = Object.keys(value);
    if (schema.minProperties !== undefined && keys.length < schema.minProperties) fail('too few properties');
    if (schema.maxProperties !== undefined && keys.length > schema.maxProperties) fail('too many properties');
    for (const key of schema.required ?? []) if (!(key in value)) fail(`missing ${key}`);
    for (const [key, wants] of Object.entries(schema.dependentRequired ?? {})) {
      if (key in value) for (const other of wants) if (!(other in value)) fail(`${key} needs ${other}`);
    }
    for (const key of keys) {
      const property = schema.properties?.[key];
      if (schema.propertyNames) errors.push(...validate(schema.propertyNames, key, `${at}/${key}(name)`));
      if (property) errors.push(...validate(property, value[key], `${at}/${key}`));
      else if (schema.additionalProperties === false) fail(`unknown ${key}`);
      else if (isObject(schema.additionalProperties)) {
        errors.push(...validate(schema.additionalProperties, value[key], `${at}/${key}`));
      }
    }
  }
  if (schema.oneOf) {
    const matching = schema.oneOf.filter((option) => validate(option, value, at).length === 0).length;
    if (matching !== 1) fail(`matches ${matching} of oneOf`);
  }
  if (schema.anyOf && !schema.anyOf.some((option) => validate(option, value, at).length === 0)) {
    fail('matches none of anyOf');
  }
  for (const part of schema.allOf ?? []) errors.push(...validate(part, value, at));
  if (schema.not && validate(schema.not, value, at).length === 0) fail('matches not');
  return errors;
}

/** Every (sub)schema with its location, depth first. */
function* walk(schema: Schema, at = '#'): Generator<[string, Schema]> {
  yield [at, schema];
  for (const [key, property] of Object.entries(schema.properties ?? {}))
    yield* walk(property, `${at}/${key}`);
  if (isObject(schema.additionalProperties)) yield* walk(schema.additionalProperties, `${at}/*`);
  if (schema.items) yield* walk(schema.items, `${at}/[]`);
  for (const [i, option] of (schema.oneOf ?? []).entries()) yield* walk(option, `${at}/oneOf${i}`);
}

const schema = configJsonSchema() as Schema;
const updateItems = schema.properties?.images?.items?.properties?.update?.items;

describe('configJsonSchema', () => {
  it('is a draft 2020-12 schema with an id and a title', () => {
    expect(schema).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: 'urn:flowkeeper:config',
      title: 'Flowkeeper configuration',
    });
  });

  it('offers every target kind, each with an example that parses', () => {
    const options = updateItems?.oneOf ?? [];
    expect(options.map((option) => option.properties?.kind?.const)).toEqual(Object.keys(TARGET_KINDS));
    for (const option of options) {
      const example = option.examples?.[0];
      expect(validate(option, example)).toEqual([]);
      const document = {
        repositories: { manifests: { provider: 'codecommit', name: 'app-manifests' } },
        images: [{ ecr: 'my-app', update: [example] }],
      };
      expect(parseConfig(document, 'example').images[0]?.update[0]).toMatchObject(example as object);
    }
  });

  it('validates the example documents', async () => {
    const documents: unknown[] = [
      EXAMPLE_CONFIG,
      ...(schema.examples ?? []),
      parse(await readFile(join(fixtures, 'valid.yaml'), 'utf8'), { merge: true }),
      JSON.parse(await readFile(join(fixtures, 'valid.json'), 'utf8')),
      parse(await readFile(join(projectRoot, 'examples/flowkeeper.yaml'), 'utf8')),
    ];
    for (const document of documents) expect(validate(schema, document)).toEqual([]);
    expect(schema.examples).toHaveLength(1);
  });

  it('validates the examples of every key', () => {
    for (const [at, node] of walk(schema)) {
      for (const example of node.examples ?? []) expect(validate(node, example), at).toEqual([]);
    }
  });

  it('rejects what parseConfig rejects for structural reasons', () => {
    const target = { repository: 'm', branch: 'main', file: 'a.yaml', kind: 'kustomize', image: 'app' };
    const valid = {
      repositories: { m: { provider: 'local', path: '/m' } },
      images: [{ ecr: 'my-app', update: [target] }],
    };
    expect(validate(schema, valid)).toEqual([]);
    const broken: [string, unknown][] = [
      ['unknown key', { ...valid, builds: [] }],
      ['neither images nor flow', { repositories: valid.repositories }],
      ['empty images', { ...valid, images: [] }],
      ['no repositories', { ...valid, repositories: {} }],
      ['unknown provider', { ...valid, repositories: { m: { provider: 'bitbucket' } } }],
      ['unknown kind', { ...valid, images: [{ ecr: 'my-app', update: [{ ...target, kind: 'kustomise' }] }] }],
      ['misspelt key', { ...valid, images: [{ ecr: 'my-app', update: [{ ...target, imag: 'x' }] }] }],
      ['bad digest', { ...valid, images: [{ ecr: 'my-app', digest: 'pinned', update: [target] }] }],
      [
        'semver and pattern',
        { ...valid, images: [{ ecr: 'my-app', tags: { semver: '*', pattern: 'x' }, update: [target] }] },
      ],
      [
        'order with semver',
        {
          ...valid,
          images: [{ ecr: 'my-app', tags: { semver: '*', order: 'push-time' }, update: [target] }],
        },
      ],
      ['uppercase ecr', { ...valid, images: [{ ecr: 'My-App', update: [target] }] }],
      ['maxAttempts too high', { ...valid, commit: { maxAttempts: 21 } }],
    ];
    for (const [why, document] of broken) expect(validate(schema, document), why).not.toEqual([]);
  });

  it('accepts and rejects flow sections as parseConfig does', () => {
    const repositories = { manifests: { provider: 'codecommit', name: 'app-manifests' } };
    const gitlabFlow = {
      promotion: ['main', 'pre-prod', 'prod'],
      allow: [
        { from: 'feature/*', to: 'main' },
        { from: 'hotfix/*', to: ['main', 'pre-prod', 'prod'] },
      ],
    };
    const withFlow = (settings: Record<string, unknown>) => ({
      repositories,
      flow: { manifests: { ...gitlabFlow, ...settings } },
    });
    const cases: [string, unknown, boolean][] = [
      ['a flow without images', withFlow({}), true],
      [
        'every flow key',
        withFlow({ ...EXAMPLE_CONFIG.flow.manifests, protected: ['prod', 'release/**'] }),
        true,
      ],
      [
        'images and flow',
        {
          ...EXAMPLE_CONFIG,
          repositories: { ...EXAMPLE_CONFIG.repositories, local: { provider: 'local', path: '/srv/m' } },
        },
        true,
      ],
      ['an empty flow and no images', { repositories, flow: {} }, false],
      ['a flow without promotion', { repositories, flow: { manifests: { allow: [] } } }, false],
      ['an empty promotion', withFlow({ promotion: [] }), false],
      ['an allow rule into no branch', withFlow({ allow: [{ from: 'hotfix/*', to: [] }] }), false],
      ['an allow rule into a number', withFlow({ allow: [{ from: 'hotfix/*', to: 5 }] }), false],
      ['a misspelt allow key', withFlow({ allow: [{ form: 'hotfix/*', to: 'main' }] }), false],
      ['an unknown onViolation', withFlow({ onViolation: 'closed' }), false],
      ['a trusted pusher that is no ARN', withFlow({ trustedPushers: ['release-bot'] }), false],
      ['a one-letter build project', withFlow({ validation: { project: 'x' } }), false],
      ['a validation without project', withFlow({ validation: { approve: true } }), false],
    ];
    for (const [why, document, accepted] of cases) {
      expect(validate(schema, document).length === 0, why).toBe(accepted);
      const parse = () => parseConfig(document, why);
      if (accepted) expect(parse, why).not.toThrow();
      else expect(parse, why).toThrow(ConfigError);
    }
  });

  it('accepts and rejects GitLab repositories and mirrors as parseConfig does', () => {
    const gitlab = {
      provider: 'gitlab',
      url: 'https://gitlab.example.com',
      project: 'platform/app-manifests',
      token: { ssm: '/flowkeeper/gitlab-token' },
    };
    const mirror = { gitlab: 'primary', codecommit: 'replica', branches: ['main', 'release/*'] };
    const document = (repository: Record<string, unknown>, mirrorFields: Record<string, unknown> = {}) => ({
      repositories: {
        primary: { ...gitlab, ...repository },
        replica: { provider: 'codecommit', name: 'app-manifests' },
      },
      mirrors: [{ ...mirror, ...mirrorFields }],
    });
    const cases: [string, unknown, boolean][] = [
      ['a GitLab primary and its mirror', document({}), true],
      ['a numeric project id', document({ project: 4711 }), true],
      ['a numeric project id as text', document({ project: '4711' }), true],
      ['a trailing slash', document({ url: 'https://gitlab.example.com/' }), true],
      ['a local instance over http', document({ url: 'http://127.0.0.1:8929' }), true],
      ['a Secrets Manager token', document({ token: { secretsManager: 'gitlab/token' } }), true],
      ['every mirror key', document({}, { mirrorId: 7, adopt: true, driftAlertMinutes: 10080 }), true],
      [
        'mirrors beside images',
        {
          ...EXAMPLE_CONFIG,
          repositories: { ...EXAMPLE_CONFIG.repositories, local: { provider: 'local', path: '/srv/m' } },
        },
        true,
      ],
      ['http to a remote host', document({ url: 'http://gitlab.example.com' }), false],
      ['the API URL', document({ url: 'https://gitlab.example.com/api/v4' }), false],
      ['credentials in the URL', document({ url: 'https://oauth2:x@gitlab.example.com' }), false],
      ['a project without group', document({ project: 'app-manifests' }), false],
      ['project id 0', document({ project: 0 }), false],
      ['a token in the configuration', document({ token: 'glpat-abc' }), false],
      ['an empty token source', document({ token: {} }), false],
      ['two token sources', document({ token: { ssm: '/a', secretsManager: 'b' } }), false],
      ['a misspelt token source', document({ token: { smm: '/a' } }), false],
      ['a repository key of another provider', document({ name: 'x' }), false],
      ['an empty mirror list', { ...document({}), mirrors: [] }, false],
      ['a mirror without branches', document({}, { branches: [] }), false],
      ['mirror id 0', document({}, { mirrorId: 0 }), false],
      ['a drift alert after more than a week', document({}, { driftAlertMinutes: 10081 }), false],
      ['a misspelt mirror key', document({}, { adpot: true }), false],
      ['repositories and nothing to do', { repositories: document({}).repositories }, false],
    ];
    for (const [why, candidate, accepted] of cases) {
      expect(validate(schema, candidate).length === 0, why).toBe(accepted);
      const parse = () => parseConfig(candidate, why);
      if (accepted) expect(parse, why).not.toThrow();
      else expect(parse, why).toThrow(ConfigError);
    }
  });

  it('describes every key', () => {
    const undocumented = [...walk(schema)]
      .filter(([at]) => at !== '#' && !at.endsWith('/[]') && !at.endsWith('/*') && !/oneOf\d+$/.test(at))
      .filter(([, node]) => !node.description)
      .map(([at]) => at);
    expect(undocumented).toEqual([]);
  });
});
