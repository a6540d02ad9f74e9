import { describe, expect, it } from 'vitest';
import { createGitHost, gitHostsFor, mirrorHostsFor } from '#adapters/git-hosts.ts';
import type { Config } from '#config/types.ts';
import { FlowkeeperError } from '#domain/errors.ts';

const config: Config = {
  repositories: {
    primary: {
      provider: 'gitlab',
      url: 'https://gitlab.example.com',
      project: 'platform/app-manifests',
      token: { ssm: '/flowkeeper/gitlab-token' },
    },
    mirror: { provider: 'codecommit', name: 'app-manifests', region: 'eu-west-1' },
    onDisk: { provider: 'local', path: '/srv/manifests' },
  },
  commit: { author: { name: 'Flowkeeper', email: 'flowkeeper@example.com' }, maxAttempts: 3 },
  images: [],
  flow: {},
  mirrors: [],
};

describe('createGitHost', () => {
  it('creates a GitLab host for a gitlab repository', () => {
    const settings = config.repositories.primary;
    if (settings === undefined) throw new Error('fixture');
    expect(createGitHost(settings).description).toBe('gitlab:platform/app-manifests');
  });
});

describe('mirrorHostsFor', () => {
  it('creates each side once per key', () => {
    const hosts = mirrorHostsFor(config);
    expect(hosts.primary('primary').description).toBe('gitlab:platform/app-manifests');
    expect(hosts.primary('primary')).toBe(hosts.primary('primary'));
    expect(hosts.replica('mirror').description).toBe('codecommit:app-manifests');
    expect(hosts.replica('mirror')).toBe(hosts.replica('mirror'));
  });

  it('shares the GitLab host with the git hosts of the same configuration (one token read, one cache)', () => {
    expect(mirrorHostsFor(config).primary('primary')).toBe(gitHostsFor(config)('primary'));
  });

  it('throws naming the key when the primary is not a GitLab project', () => {
    const hosts = mirrorHostsFor(config);
    expect(() => hosts.primary('mirror')).toThrow(FlowkeeperError);
    expect(() => hosts.primary('mirror')).toThrow(
      /repository mirror is a codecommit repository.*provider: gitlab/,
    );
  });

  it('throws naming the key when the replica is not a CodeCommit repository', () => {
    const hosts = mirrorHostsFor(config);
    expect(() => hosts.replica('onDisk')).toThrow(
      /repository onDisk is a local repository.*provider: codecommit/,
    );
    expect(() => hosts.replica('primary')).toThrow(/repository primary is a gitlab repository/);
  });

  it('throws naming a key that is not configured', () => {
    expect(() => mirrorHostsFor(config).replica('elsewhere')).toThrow(
      'repository elsewhere is not configured',
    );
  });
});
