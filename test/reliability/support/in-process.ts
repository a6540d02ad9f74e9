import { CodeBuildClient } from '@aws-sdk/client-codebuild';
import { CodeCommitClient } from '@aws-sdk/client-codecommit';
import { SNSClient } from '@aws-sdk/client-sns';
import { createCodeBuildStarter } from '#adapters/aws/codebuild-build-starter.ts';
import { createSnsAlertSink } from '#adapters/aws/sns-alert-sink.ts';
import { createSsmConfigLoader } from '#adapters/aws/ssm-config-loader.ts';
import { createCodeCommitGitHost } from '#adapters/codecommit/git-host.ts';
import { createCodeCommitPullRequestHost } from '#adapters/codecommit/pull-request-host.ts';
import type { FlowDeps } from '#app/branch-flow/deps.ts';
import { onPullRequestEvent, onReferenceEvent } from '#app/branch-flow/route-events.ts';
import { reportBuild } from '#app/build-report/report-build.ts';
import type { Config } from '#config/types.ts';
import { BUILD_STATE_CHANGE, fromEnvelope as buildEvent } from '#parsers/codebuild-build-state.ts';
import {
  PULL_REQUEST_STATE_CHANGE,
  fromEnvelope as pullRequestEvent,
} from '#parsers/codecommit-pull-request.ts';
import { REPOSITORY_STATE_CHANGE, fromEnvelope as referenceEvent } from '#parsers/codecommit-reference.ts';
import { parseEnvelope } from '#parsers/envelope.ts';
import type { Outcome } from '#test/function-process/index.ts';
import { codeCommitName, inProcessGitLab } from './in-process-mirror.ts';
import type { Stack } from './stack.ts';

// The branch-flow and build-report services in this process, wired to the stack's emulators
// through the real adapters (CodeCommit, CodeBuild, SNS, the SSM configuration loader, and GitLab
// for the commit statuses of a mirror's builds), acting as one identity: what BranchFlowFunction
// and BuildReportFunction do per event, without a bundle and a child process each time.
// test/reliability keeps the bundle-level files.

export interface FlowIdentity {
  /** Access key id the CodeCommit and CodeBuild emulators take as the caller. */
  accessKeyId: string;
  /** TRUSTED_PUSHER_ARNS of the deployment. */
  trustedPushers?: string[];
  /** FLOWKEEPER_BUILD_STARTERS of the deployment. */
  buildStarters?: string[];
}

export interface InProcessFlow {
  /** Each event through the service, `concurrency` at a time; outcomes in event order. */
  invoke(events: unknown[], concurrency?: number): Promise<Outcome[]>;
  stop(): void;
}

/** The branch flow and build reports of the configuration at `configParameter`, as `identity`. */
export function inProcessFlow(stack: Stack, configParameter: string, identity: FlowIdentity): InProcessFlow {
  const credentials = { accessKeyId: identity.accessKeyId, secretAccessKey: 'test' };
  const region = stack.codecommit.region;
  const codecommit = new CodeCommitClient({ endpoint: stack.codecommit.endpoint, region, credentials });
  const codebuild = new CodeBuildClient({
    endpoint: stack.emulators.codebuild.endpoint,
    region,
    credentials,
  });
  const sns = new SNSClient({ endpoint: stack.emulators.moto.endpoint, region, credentials });
  const loader = createSsmConfigLoader({ parameterName: configParameter, client: stack.ssm, ttlSeconds: 0 });
  const builds = createCodeBuildStarter({ client: codebuild });
  const alerts = createSnsAlertSink({ topicArn: stack.alertTopicArn, client: sns });
  const gitlab = inProcessGitLab(stack);

  const depsFor = (config: Config): FlowDeps => ({
    config,
    hostFor: (key) =>
      createCodeCommitGitHost({ repositoryName: codeCommitName(config, key), client: codecommit }),
    pullRequestsFor: (key) =>
      createCodeCommitPullRequestHost({ repositoryName: codeCommitName(config, key), client: codecommit }),
    mirrorPrimary: (key) => gitlab.primary(config, key),
    builds: () => builds,
    alerts: () => alerts,
    trustedPushers: identity.trustedPushers ?? [],
    buildStarters: identity.buildStarters ?? [],
  });

  const handle = async (raw: unknown): Promise<unknown> => {
    const envelope = parseEnvelope(raw);
    const deps = depsFor(await loader.load());
    switch (envelope.detailType) {
      case PULL_REQUEST_STATE_CHANGE:
        return onPullRequestEvent(pullRequestEvent(envelope), deps);
      case REPOSITORY_STATE_CHANGE:
        return onReferenceEvent(referenceEvent(envelope), deps);
      case BUILD_STATE_CHANGE:
        return reportBuild(buildEvent(envelope), deps);
      default:
        throw new Error(`no service for detail-type ${envelope.detailType}`);
    }
  };
  const outcomeOf = async (event: unknown): Promise<Outcome> => {
    const started = performance.now();
    try {
      return { ok: true, result: await handle(event), ms: performance.now() - started };
    } catch (error) {
      const { name, message } = error instanceof Error ? error : new Error(String(error));
      return { ok: false, error: { name, message }, ms: performance.now() - started };
    }
  };

  return {
    async invoke(events, concurrency = 1) {
      const outcomes = new Array<Outcome>(events.length);
      let next = 0;
      const worker = async () => {
        while (next < events.length) {
          const i = next++;
          outcomes[i] = await outcomeOf(events[i]);
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
      return outcomes;
    },
    stop() {
      for (const client of [codecommit, codebuild, sns]) client.destroy();
      gitlab.stop();
    },
  };
}
