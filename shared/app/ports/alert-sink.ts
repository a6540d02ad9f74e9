/** Where permanent failures are reported once (an SNS topic in AWS). */
export interface Alert {
  /** One line, at most 100 characters (the SNS subject limit). */
  subject: string;
  message: string;
  eventId?: string;
  details?: Record<string, unknown>;
}

export interface AlertSink {
  publish(alert: Alert): Promise<void>;
}
