/**
 * The error `call` rejects with, checked to be an instance of `type` (any `Error` by default);
 * fails the test when `call` resolves.
 */
export async function rejectionOf<E extends Error = Error>(
  call: Promise<unknown>,
  type: abstract new (...args: never[]) => E = Error as unknown as abstract new (
    ...args: never[]
  ) => E,
): Promise<E> {
  try {
    await call;
  } catch (error) {
    if (error instanceof type) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}
