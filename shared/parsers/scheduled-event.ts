import type { Envelope } from './envelope.ts';

/** What an EventBridge schedule delivers (source `aws.events`); its detail is empty. */
export const SCHEDULED_EVENT = 'Scheduled Event';

/** A tick of a schedule: the envelope's id names the run in logs, alerts and commit trailers. */
export interface ScheduledEvent {
  id: string;
  account: string;
  region: string;
}

/** A schedule's event carries nothing but its envelope, so there is nothing more to check. */
export function fromEnvelope(envelope: Envelope): ScheduledEvent {
  return { id: envelope.id, account: envelope.account, region: envelope.region };
}
