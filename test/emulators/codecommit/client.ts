import { CodeCommitClient } from '@aws-sdk/client-codecommit';
import type { CodeCommitEmulator } from './server.ts';

/** A real SDK client pointed at the emulator, with the placeholder credentials it accepts. */
export function emulatorClient(
  emulator: CodeCommitEmulator,
  options: { maxAttempts?: number } = {},
): CodeCommitClient {
  return new CodeCommitClient({
    endpoint: emulator.endpoint,
    region: emulator.region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
  });
}
