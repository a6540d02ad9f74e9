/** The logging the application layer needs; Powertools' Logger satisfies it. */
export interface Logger {
  info(message: string, extra: Record<string, unknown>): void;
  warn(message: string, extra: Record<string, unknown>): void;
}
