import { describe, expect, it } from 'vitest';
import { applyImage } from '#app/image-bump/apply-image.ts';
import type { ParameterStore } from '#app/ports/parameter-store.ts';
import { parseConfig } from '#config/schema.ts';
import { reservedParameterProblem, reservedParameters } from '#domain/reserved-parameters.ts';

describe('parameters an ssm target may not write', () => {
  it.each([
    ['/flowkeeper/config', '/flowkeeper/config', true],
    ['/flowkeeper/config/more', '/flowkeeper/config', true],
    ['/flowkeeper/config-images/app', '/flowkeeper/config', false],
    ['/flowkeeper/settings/a', '/flowkeeper/settings/', true],
    ['/images/app', '/flowkeeper/settings/', false],
  ])('%s against reserved %s: refused %s', (parameter, reserved, refused) => {
    expect(reservedParameterProblem(parameter, [reserved]) !== undefined).toBe(refused);
  });

  it('counts the GitLab token parameters of the configuration as reserved', () => {
    const config = parseConfig(
      {
        repositories: {
          gl: {
            provider: 'gitlab',
            url: 'https://gitlab.example.com',
            project: 'p/m',
            token: { ssm: '/flowkeeper/gitlab-token' },
          },
        },
        images: [{ ecr: 'my-app', update: [{ kind: 'ssm', parameter: '/images/my-app' }] }],
      },
      'test',
    );
    expect(reservedParameters(config, ['/flowkeeper/config'])).toEqual([
      '/flowkeeper/config',
      '/flowkeeper/gitlab-token',
    ]);
  });

  it('refuses, with nothing written, an image whose ssm target is the configuration parameter', async () => {
    const config = parseConfig(
      {
        repositories: { m: { provider: 'local', path: '/tmp/unused' } },
        images: [
          {
            ecr: 'my-app',
            tags: { semver: '>=1.0.0' },
            update: [{ kind: 'ssm', parameter: '/flowkeeper/config' }],
          },
        ],
      },
      'test',
    );
    const writes: string[] = [];
    const parameters: ParameterStore = {
      get: async () => undefined,
      put: async (name, value) => {
        writes.push(name);
        return { value, version: 1 };
      },
    };
    const rule = config.images[0];
    if (!rule) throw new Error('no image rule');
    const run = applyImage(rule, { ecr: 'my-app', name: 'r/my-app', tag: '1.4.2' }, { kind: 'push' }, 'e-1', {
      config,
      hostFor: () => {
        throw new Error('no git host needed');
      },
      parameters,
      reservedParameters: ['/flowkeeper/config'],
    });
    await expect(run).rejects.toThrow(/would overwrite \/flowkeeper\/config/);
    expect(writes).toEqual([]);
  });
});
