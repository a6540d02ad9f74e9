/**
 * An error the emulated service answers with: HTTP status plus the awsJson1_1 error body
 * `{"__type": <type>, "message": <message>}`. The SDK reads `__type` first, so the client raises the
 * modelled exception class of the same name (or a generic service exception for unmodelled types).
 */
export class ServiceError extends Error {
  override name = 'ServiceError';
  readonly type: string;
  readonly status: number;
  constructor(type: string, message: string, status = 400) {
    super(message);
    this.type = type;
    this.status = status;
  }
}

export function fail(type: string, message: string, status = 400): never {
  throw new ServiceError(type, message, status);
}
