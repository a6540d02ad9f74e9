/**
 * Slack incoming webhooks: the Block Kit message of a notification POSTed to the channel's webhook
 * URL, which is read from SSM (a SecureString) or Secrets Manager once per container and never
 * logged. A 429 is retried after its `Retry-After` while the waits stay within a small budget; a
 * 5xx or a network failure is retried a bounded number of times with a short backoff; anything else
 * (a 400 `invalid_payload`, a 403, 404 or 410 for a revoked or archived webhook) is final. An
 * incoming webhook cannot be read back, so a redelivered event whose work is done again posts again.
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { Notifier } from '#app/ports/notifier.ts';
import type { NotificationChannelConfig, TokenSource } from '#config/types.ts';
import { PermanentError, TransientError } from '#domain/errors.ts';
import { slackMessage } from '#domain/notifications/slack-message.ts';
import { plainLine } from '#domain/untrusted-text.ts';
import { describeTokenSource, TokenSourceError, tokenProvider } from '../gitlab/token.ts';

export interface SlackWebhookOptions {
  /** Clients the URL is read with (tests point them at moto); shared default clients otherwise. */
  ssm?: SSMClient;
  secretsManager?: SecretsManagerClient;
  /** Attempts for 5xx and network failures, the first included. */
  maxAttempts?: number;
  /** Total seconds the 429 `Retry-After` waits of one message may add up to. */
  retryAfterBudgetSeconds?: number;
  /** Per request. */
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** The channel did not take the message within the retry limits (rate limited, 5xx, unreachable). */
export class SlackWebhookError extends TransientError {
  override name = 'SlackWebhookError';
}

/** The channel refused the message for good (a revoked webhook, an archived channel, a bad payload). */
export class SlackWebhookRefused extends PermanentError {
  override name = 'SlackWebhookRefused';
}

const DEFAULTS = { maxAttempts: 3, retryAfterBudgetSeconds: 10, timeoutMs: 5000 };
const BACKOFF_MS = [250, 1000, 2000];
/** A webhook on Slack, or a stand-in on this machine (tests, local runs). */
const WEBHOOK_URL = /^(?:https:\/\/[^\s/]+|http:\/\/(?:127\.0\.0\.1|localhost)(?::\d+)?)\/\S*$/;

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** `Retry-After` in seconds (Slack sends seconds); absent or unreadable counts as one second. */
function retryAfterSeconds(value: string | null): number {
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : 1;
}

export function createSlackWebhookNotifier(options: SlackWebhookOptions = {}): Notifier {
  const maxAttempts = options.maxAttempts ?? DEFAULTS.maxAttempts;
  const budget = options.retryAfterBudgetSeconds ?? DEFAULTS.retryAfterBudgetSeconds;
  const timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
  const sleep = options.sleep ?? wait;
  const clients = {
    ...(options.ssm ? { ssm: options.ssm } : {}),
    ...(options.secretsManager ? { secretsManager: options.secretsManager } : {}),
  };

  async function webhookUrl(source: TokenSource): Promise<string> {
    const url = await tokenProvider(source, clients, 'Slack webhook URL')();
    if (!WEBHOOK_URL.test(url)) {
      throw new TokenSourceError(
        `the Slack webhook URL in ${describeTokenSource(source)} is not an https URL; store the webhook URL Slack gave (https://hooks.slack.com/services/…)`,
      );
    }
    return url;
  }

  return {
    async send(channel: NotificationChannelConfig, notification) {
      if (channel.kind !== 'slack-webhook') throw new Error(`not a Slack webhook channel: ${channel.kind}`);
      const url = await webhookUrl(channel.webhook);
      const body = JSON.stringify(slackMessage(notification));
      let failures = 0;
      let waited = 0;
      for (;;) {
        let response: Response;
        try {
          response = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json; charset=utf-8' },
            body,
            signal: AbortSignal.timeout(timeoutMs),
          });
        } catch (error) {
          failures += 1;
          // The error names the host at most; the URL (the secret) is never repeated.
          const why = error instanceof Error ? error.name : 'network error';
          if (failures >= maxAttempts) {
            throw new SlackWebhookError(`Slack webhook unreachable after ${failures} attempt(s) (${why})`);
          }
          await sleep(BACKOFF_MS[failures - 1] ?? 2000);
          continue;
        }
        if (response.ok) {
          await response.body?.cancel();
          return;
        }
        const text = plainLine(await response.text().catch(() => ''), 200);
        if (response.status === 429) {
          const seconds = retryAfterSeconds(response.headers.get('retry-after'));
          if (waited + seconds > budget) {
            throw new SlackWebhookError(
              `Slack webhook rate limited (429); Retry-After ${seconds} s would exceed the ${budget} s budget (${waited} s already waited)`,
            );
          }
          waited += seconds;
          await sleep(seconds * 1000);
          continue;
        }
        if (response.status >= 500) {
          failures += 1;
          if (failures >= maxAttempts) {
            throw new SlackWebhookError(
              `Slack webhook answered ${response.status} ${text} after ${failures} attempt(s)`,
            );
          }
          await sleep(BACKOFF_MS[failures - 1] ?? 2000);
          continue;
        }
        throw new SlackWebhookRefused(
          `Slack webhook refused the message: ${response.status} ${text} (a 403, 404 or 410 means the webhook was revoked or its channel archived: create a new one and store its URL in ${describeTokenSource(channel.webhook)})`,
        );
      }
    },
  };
}
