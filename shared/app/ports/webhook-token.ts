/** The secret token a webhook sender must present (GitLab's `X-Gitlab-Token`). */
export interface WebhookTokenCheck {
  /**
   * Whether `presented` is a configured token, compared in constant time. False for a missing
   * token, and for every token when none is configured. Throws (transient) when the configured
   * token cannot be read.
   */
  matches(presented: string | undefined): Promise<boolean>;
}
