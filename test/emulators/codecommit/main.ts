import { parseArgs } from 'node:util';
import { startCodeCommitEmulator } from './server.ts';

/**
 * Runs the CodeCommit emulator until SIGINT/SIGTERM.
 *   npx node test/emulators/codecommit/main.ts [--port 4510] [--root dir] [--repository name]...
 * With --root, repositories persist there and are picked up again on the next start.
 */
const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    root: { type: 'string' },
    region: { type: 'string' },
    repository: { type: 'string', multiple: true },
  },
});

const emulator = await startCodeCommitEmulator({
  ...(values.port === undefined ? {} : { port: Number(values.port) }),
  ...(values.root === undefined ? {} : { root: values.root }),
  ...(values.region === undefined ? {} : { region: values.region }),
});
for (const name of values.repository ?? []) {
  const { gitDir } = await emulator.createRepository(name);
  console.log(`repository ${name}: ${gitDir}`);
}
console.log(`CodeCommit emulator listening on ${emulator.endpoint}`);
console.log(`export AWS_ENDPOINT_URL_CODECOMMIT=${emulator.endpoint}`);
console.log('export AWS_ACCESS_KEY_ID=test');
console.log('export AWS_SECRET_ACCESS_KEY=test');
console.log(`export AWS_REGION=${emulator.region}`);

const shutdown = (): void => {
  emulator.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
