import * as z from 'zod';
import { configSchema } from '#config/schema.ts';

export const CONFIG_SCHEMA_ID = 'urn:flowkeeper:config';

/** A complete configuration: shown in the reference and carried as the schema's `examples`. */
export const EXAMPLE_CONFIG = {
  repositories: {
    manifests: { provider: 'codecommit', name: 'app-manifests' },
    local: { provider: 'local', path: './manifests-repo' },
    'gitlab-manifests': {
      provider: 'gitlab',
      url: 'https://gitlab.example.com',
      project: 'platform/app-manifests',
      token: { ssm: '/flowkeeper/gitlab-token' },
    },
    'manifests-mirror': { provider: 'codecommit', name: 'platform-app-manifests' },
  },
  commit: { author: { name: 'Flowkeeper', email: 'flowkeeper@noreply.local' }, maxAttempts: 5 },
  images: [
    {
      ecr: 'my-app-dev',
      tags: { pattern: '^dev-(?<stamp>\\d{14})-[0-9a-f]{7}$', order: 'numeric', by: 'stamp' },
      update: [
        {
          repository: 'manifests',
          branch: 'dev',
          file: 'overlays/dev/kustomization.yaml',
          kind: 'kustomize',
          image: 'my-app',
        },
      ],
    },
    {
      ecr: 'my-app',
      tags: { semver: '>=1.0.0', exclude: ['-rc'] },
      digest: 'pin',
      update: [
        {
          repository: 'manifests',
          branch: 'stg',
          file: 'charts/app/values.yaml',
          kind: 'helm',
          path: 'image',
        },
        {
          repository: 'local',
          branch: 'main',
          file: 'ecs/imagedefinitions.json',
          kind: 'imagedefinitions',
          container: 'web',
        },
      ],
    },
  ],
  flow: {
    manifests: {
      promotion: ['dev', 'stg', 'main'],
      allow: [
        { from: 'feature/*', to: 'dev' },
        { from: 'hotfix/*', to: ['dev', 'main'] },
      ],
      trustedPushers: ['arn:aws:iam::111122223333:role/release-bot'],
      onViolation: 'close',
      openPromotionPullRequest: true,
      validation: { project: 'manifests-validate', approve: true },
    },
  },
  mirrors: [
    {
      gitlab: 'gitlab-manifests',
      codecommit: 'manifests-mirror',
      branches: ['main', 'release/*'],
      mirrorId: 7,
      adopt: true,
      driftAlertMinutes: 30,
    },
  ],
};

/**
 * JSON Schema (draft 2020-12) of the document users write: the input side, so keys with defaults
 * are optional and `default` shows the value applied. Editors use it for completion and checks;
 * rules that span the document (repository references and providers, duplicates) and the checks of values
 * (branch names and globs, paths, regular expressions, the meaning of flow rules) are enforced by
 * `parseConfig` alone.
 */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, { io: 'input', target: 'draft-2020-12' });
  // zod leaves `examples` off schemas whose output is transformed, so the root carries them here.
  const { $schema, ...rest } = schema;
  return { $schema, $id: CONFIG_SCHEMA_ID, ...rest, examples: [EXAMPLE_CONFIG] };
}
