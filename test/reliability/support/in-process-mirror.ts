import { CodeCommitClient } from '@aws-sdk/client-codecommit';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { createPowertoolsMetrics } from '#adapters/aws/powertools-metrics.ts';
import { createSnsAlertSink } from '#adapters/aws/sns-alert-sink.ts';
import { createSsmConfigLoader } from '#adapters/aws/ssm-config-loader.ts';
import { createCodeCommitGitHost } from '#adapters/codecommit/git-host.ts';
import { createCodeCommitMirrorReplica } from '#adapters/codecommit/mirror-replica.ts';
import { createGitLabGitHost, type GitLabGitHost } from '#adapters/gitlab/git-host.ts';
import { describeTokenSource, tokenProvider } from '#adapters/gitlab/token.ts';
import { applyImageEvents, type EventOutcome } from '#app/image-bump/apply-events.ts';
import type { ApplyDeps } from '#app/image-bump/apply-image.ts';
import type { BumpAction } from '#app/image-bump/result.ts';
import { checkDrift } from '#app/mirror/drift-check.ts';
import type { MirrorDeps } from '#app/mirror/mirror-sync.ts';
import type { MirrorAction, MirrorResult } from '#app/mirror/result.ts';
import { onMirrorReference } from '#app/mirror/route-events.ts';
import { syncAfterCommits } from '#app/mirror/sync-after-commit.ts';
import type { MirrorReplica } from '#app/ports/mirror-hosts.ts';
import type { Config, RepositoryConfig } from '#config/types.ts';
import { REPOSITORY_STATE_CHANGE, fromEnvelope as referenceEvent } from '#parsers/codecommit-reference.ts';
import { parseEnvelope } from '#parsers/envelope.ts';
import { fromEnvelope as imageEvent } from '#parsers/image-event.ts';
import { SCHEDULED_EVENT } from '#parsers/scheduled-event.ts';
import type { Stack } from './stack.ts';

// The image-bump and mirror services in this process, wired to the stack's emulators through the
// real adapters: GitLab over HTTP to the GitLab emulator (its token read from SSM or Secrets
// Manager in moto), CodeCommit to its emulator, alerts to the stack's SNS topic, metrics as EMF
// lines on this process's stdout. What ImageBumpFunction and MirrorSyncFunction do per event,
// without a bundle and a child process each time.

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

type GitLabSettings = Extract<RepositoryConfig, { provider: 'gitlab' }>;

/** GitLab projects as the function containers reach them: one host per project and configuration. */
export interface InProcessGitLab {
  primary(config: Config, key: string): GitLabGitHost;
  stop(): void;
}

export function inProcessGitLab(stack: Stack): InProcessGitLab {
  const secretsManager = new SecretsManagerClient({
    endpoint: stack.emulators.moto.endpoint,
    region: stack.codecommit.region,
    credentials,
  });
  // Keyed by the settings object, as the containers key theirs: a configuration loaded again gets
  // new hosts, and a project reached as git host and as mirror primary shares one.
  const hosts = new WeakMap<GitLabSettings, GitLabGitHost>();
  return {
    primary(config, key) {
      const settings = config.repositories[key];
      if (settings?.provider !== 'gitlab') throw new Error(`repository ${key} is not a GitLab project`);
      let host = hosts.get(settings);
      if (host === undefined) {
        host = createGitLabGitHost({
          url: settings.url,
          project: settings.project,
          token: tokenProvider(settings.token, { ssm: stack.ssm, secretsManager }),
          tokenSource: describeTokenSource(settings.token),
        });
        hosts.set(settings, host);
      }
      return host;
    },
    stop: () => secretsManager.destroy(),
  };
}

/** What one image event came to: the bump's actions, then the push mirrors its commits started. */
export interface BumpedEvent {
  eventId: string;
  actions: (BumpAction | MirrorAction)[];
}

/** What a batch of image events came to: each event's outcome, and the push mirrors started once. */
export interface BumpedBatch {
  outcomes: EventOutcome[];
  mirrorSync: MirrorAction[];
}

export interface InProcessMirror {
  /** An image event as ImageBumpFunction takes one alone; a failure of the bump is thrown. */
  bump(event: unknown): Promise<BumpedEvent>;
  /** A batch of image events as the image event queue hands them to ImageBumpFunction. */
  bumpBatch(events: unknown[]): Promise<BumpedBatch>;
  /** A CodeCommit branch update or the scheduled drift check, as MirrorSyncFunction takes them. */
  mirrorSync(event: unknown): Promise<MirrorResult>;
  stop(): void;
}

/** The CodeCommit repository name of configuration key `key`. */
export function codeCommitName(config: Config, key: string): string {
  const settings = config.repositories[key];
  if (settings?.provider !== 'codecommit') throw new Error(`repository ${key} is not a CodeCommit one`);
  return settings.name;
}

/** The image bumps and mirror syncs of the configuration at `configParameter`. */
export function inProcessMirror(stack: Stack, configParameter: string): InProcessMirror {
  const region = stack.codecommit.region;
  const codecommit = new CodeCommitClient({ endpoint: stack.codecommit.endpoint, region, credentials });
  const sns = new SNSClient({ endpoint: stack.emulators.moto.endpoint, region, credentials });
  const gitlab = inProcessGitLab(stack);
  const loader = createSsmConfigLoader({ parameterName: configParameter, client: stack.ssm, ttlSeconds: 0 });
  const alerts = createSnsAlertSink({ topicArn: stack.alertTopicArn, client: sns });

  const applyDeps = (config: Config): ApplyDeps => ({
    config,
    hostFor: (key) =>
      config.repositories[key]?.provider === 'gitlab'
        ? gitlab.primary(config, key)
        : createCodeCommitGitHost({ repositoryName: codeCommitName(config, key), client: codecommit }),
    reservedParameters: [configParameter],
  });
  const mirrorDeps = (config: Config): MirrorDeps => {
    const replicas = new Map<string, MirrorReplica>();
    return {
      config,
      primary: (key) => gitlab.primary(config, key),
      replica(key) {
        let replica = replicas.get(key);
        if (replica === undefined) {
          replica = createCodeCommitMirrorReplica({
            repositoryName: codeCommitName(config, key),
            client: codecommit,
          });
          replicas.set(key, replica);
        }
        return replica;
      },
      alerts: () => alerts,
      metrics: createPowertoolsMetrics(),
      now: () => Date.now(),
    };
  };

  return {
    async bump(raw) {
      const item = imageEvent(parseEnvelope(raw));
      const config = await loader.load();
      const [outcome] = await applyImageEvents([item], applyDeps(config));
      const actions = outcome?.actions ?? [];
      const synced = await syncAfterCommits(actions, mirrorDeps(config));
      if (outcome?.error) throw outcome.error;
      return { eventId: item.event.id, actions: [...actions, ...synced] };
    },
    async bumpBatch(events) {
      const items = events.map((raw) => imageEvent(parseEnvelope(raw)));
      const config = await loader.load();
      const outcomes = await applyImageEvents(items, applyDeps(config));
      const commits = outcomes.flatMap((outcome) => outcome.actions);
      return { outcomes, mirrorSync: await syncAfterCommits(commits, mirrorDeps(config)) };
    },
    async mirrorSync(raw) {
      const envelope = parseEnvelope(raw);
      const deps = mirrorDeps(await loader.load());
      switch (envelope.detailType) {
        case REPOSITORY_STATE_CHANGE:
          return onMirrorReference(referenceEvent(envelope), deps);
        case SCHEDULED_EVENT:
          return checkDrift(envelope.id, deps);
        default:
          throw new Error(`no mirror service for detail-type ${envelope.detailType}`);
      }
    },
    stop() {
      for (const client of [codecommit, sns]) client.destroy();
      gitlab.stop();
    },
  };
}
