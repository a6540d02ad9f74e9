/** A failure worth retrying (a branch that kept moving, a host that was unavailable). */
export class TransientError extends Error {
  override name = 'TransientError';
}
