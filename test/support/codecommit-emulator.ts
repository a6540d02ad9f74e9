/** The CodeCommit emulator alone, and an SDK client for it, for benches that need no moto. */
export { emulatorClient } from '../emulators/codecommit/client.ts';
export { type CodeCommitEmulator, startCodeCommitEmulator } from '../emulators/codecommit/server.ts';
