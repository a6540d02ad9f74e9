import * as codecommit from '@aws-sdk/client-codecommit';
import { expect } from 'vitest';

export interface SdkServiceError extends Error {
  $fault: 'client' | 'server';
  $metadata: { httpStatusCode?: number; attempts?: number };
}

/** Awaits a call that must fail and returns the SDK's error. */
export async function rejectionOf(call: Promise<unknown>): Promise<SdkServiceError> {
  try {
    await call;
  } catch (error) {
    return error as SdkServiceError;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/**
 * Asserts the SDK raised its modelled exception class `name` (not a generic service exception),
 * as an HTTP 400 client fault whose message contains `messagePart`.
 */
export async function expectServiceException(
  call: Promise<unknown>,
  name: string,
  messagePart = '',
): Promise<void> {
  const error = await rejectionOf(call);
  const exceptionClass = (codecommit as unknown as Record<string, unknown>)[name];
  expect(typeof exceptionClass, `${name} is a class exported by the SDK`).toBe('function');
  expect(error).toBeInstanceOf(exceptionClass as new (...args: never[]) => unknown);
  expect(error.name).toBe(name);
  expect(error.message).toContain(messagePart);
  expect(error.$metadata.httpStatusCode).toBe(400);
  expect(error.$fault).toBe('client');
}
