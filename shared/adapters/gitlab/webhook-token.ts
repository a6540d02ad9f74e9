import { createHash, timingSafeEqual } from 'node:crypto';
import type { WebhookTokenCheck } from '#app/ports/webhook-token.ts';
import type { TokenSource } from '#config/types.ts';
import { type TokenClients, TokenSourceError, tokenSourceReader } from './token.ts';

export interface WebhookTokenOptions {
  /** How long a read token is trusted before it is read again (a rotation is seen within it). */
  ttlMs: number;
  clients?: TokenClients;
  now?: () => number;
}

/** The SHA-256 of a token: equal-length values for timingSafeEqual, whatever the lengths presented. */
const digest = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

/**
 * The tokens a stored value holds: one per line, surrounding whitespace removed, so that during a
 * rotation the parameter holds the new token and the old one until GitLab sends the new one.
 */
export function tokensOf(value: string): string[] {
  return value
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** Whether `presented` equals one of `digests`, comparing every one in constant time. */
export function matchesAny(presented: string, digests: readonly Buffer[]): boolean {
  const candidate = digest(presented);
  let matched = false;
  for (const expected of digests) matched = timingSafeEqual(candidate, expected) || matched;
  return matched;
}

/**
 * The webhook token, read from an SSM SecureString parameter or a Secrets Manager secret the way the
 * GitLab access token is, and kept for `ttlMs`; only digests are kept in memory. A failed read is not
 * kept, so the next delivery tries again.
 */
export function storedWebhookToken(source: TokenSource, options: WebhookTokenOptions): WebhookTokenCheck {
  const read = tokenSourceReader(source, options.clients);
  const now = options.now ?? Date.now;
  let cached: { digests: Promise<Buffer[]>; at: number } | undefined;
  const current = (): Promise<Buffer[]> => {
    if (cached !== undefined && now() - cached.at < options.ttlMs) return cached.digests;
    const digests = read().then((value) => {
      const tokens = tokensOf(value ?? '');
      if (tokens.length === 0) throw new TokenSourceError('the GitLab webhook token source holds no token');
      return tokens.map(digest);
    });
    const entry = { digests, at: now() };
    cached = entry;
    digests.catch(() => {
      if (cached === entry) cached = undefined;
    });
    return digests;
  };
  return {
    async matches(presented) {
      const digests = await current();
      return presented !== undefined && presented !== '' && matchesAny(presented, digests);
    },
  };
}

/** A token given directly (local runs only: the deployed function reads it from SSM or Secrets Manager). */
export function fixedWebhookToken(value: string): WebhookTokenCheck {
  const digests = tokensOf(value).map(digest);
  return {
    matches: async (presented) =>
      presented !== undefined && presented !== '' && digests.length > 0 && matchesAny(presented, digests),
  };
}

/** No token configured: every delivery is refused. */
export const noWebhookToken: WebhookTokenCheck = { matches: async () => false };
