import { Logger } from '@aws-lambda-powertools/logger';
import type { WebhookDeps } from '#app/gitlab-ingress/receive-webhook.ts';
import type { WebhookTokenCheck } from '#app/ports/webhook-token.ts';
// Not from container-core.ts: its import()s of the configuration and git-host adapters would become
// chunks of this function's bundle too.
import { lazily } from './lazily.ts';

/** Environment of the GitLab webhook ingress (set by template.yaml). */
export const WEBHOOK_ENV = {
  /** SSM parameter (SecureString) holding the webhook token, one token per line. */
  tokenParameter: 'FLOWKEEPER_WEBHOOK_TOKEN_PARAMETER',
  /** Secrets Manager secret (name or ARN) holding it, when no parameter is named. */
  tokenSecret: 'FLOWKEEPER_WEBHOOK_TOKEN_SECRET',
  /** The token itself: local runs only (`flowkeeper invoke`); the template never sets it. */
  token: 'FLOWKEEPER_WEBHOOK_TOKEN',
  /** Seconds a read token is kept; a rotation is seen within it. */
  tokenTtlSeconds: 'FLOWKEEPER_WEBHOOK_TOKEN_TTL_SECONDS',
  /** The EventBridge bus events are put on; unset (local runs): the event is only reported. */
  eventBus: 'FLOWKEEPER_EVENT_BUS_NAME',
} as const;

const DEFAULT_TOKEN_TTL_SECONDS = 60;

export interface WebhookContainer {
  logger: Logger;
  deps(): Promise<WebhookDeps>;
}

/** The ingress needs no configuration document: a token source and a bus, both from the environment. */
export function createWebhookContainer(env: NodeJS.ProcessEnv = process.env): WebhookContainer {
  const logger = new Logger({ serviceName: 'flowkeeper' });
  const deps = lazily(async (): Promise<WebhookDeps> => {
    const [token, bus] = await Promise.all([tokenCheck(env, logger), eventBus(env)]);
    return { token, bus, logger };
  });
  return { logger, deps };
}

async function tokenCheck(env: NodeJS.ProcessEnv, logger: Logger): Promise<WebhookTokenCheck> {
  const { fixedWebhookToken, noWebhookToken, storedWebhookToken } = await import(
    '#adapters/gitlab/webhook-token.ts'
  );
  const parameter = env[WEBHOOK_ENV.tokenParameter]?.trim();
  const secret = env[WEBHOOK_ENV.tokenSecret]?.trim();
  const ttlSeconds = Number(env[WEBHOOK_ENV.tokenTtlSeconds] ?? DEFAULT_TOKEN_TTL_SECONDS);
  const options = {
    ttlMs: (Number.isFinite(ttlSeconds) && ttlSeconds >= 0 ? ttlSeconds : DEFAULT_TOKEN_TTL_SECONDS) * 1000,
  };
  if (parameter) return storedWebhookToken({ ssm: parameter }, options);
  if (secret) return storedWebhookToken({ secretsManager: secret }, options);
  const fixed = env[WEBHOOK_ENV.token];
  if (fixed) return fixedWebhookToken(fixed);
  logger.error(
    `no webhook token configured (${WEBHOOK_ENV.tokenParameter} or ${WEBHOOK_ENV.tokenSecret}): every delivery is refused`,
  );
  return noWebhookToken;
}

async function eventBus(env: NodeJS.ProcessEnv): Promise<WebhookDeps['bus']> {
  const { eventBridgeBus, unconfiguredBus } = await import('#adapters/aws/eventbridge-bus.ts');
  const name = env[WEBHOOK_ENV.eventBus]?.trim();
  return name ? eventBridgeBus(name) : unconfiguredBus;
}
