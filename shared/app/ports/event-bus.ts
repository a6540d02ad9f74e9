import type { BusEvent } from '#domain/gitlab-merge-request.ts';

/** Where normalised events are put: an EventBridge bus, or (local runs) nowhere but the result. */
export interface EventBus {
  /** The bus name for logs and results; null when events are only reported, not put. */
  readonly name: string | null;
  /**
   * Puts one event; answers the id EventBridge gave it (null when not put). A refused entry
   * throws a TransientError: the caller answers so that the sender retries.
   */
  put(event: BusEvent): Promise<{ eventId: string | null }>;
}
