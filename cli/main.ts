import { runCli } from './run.ts';

// The operator CLI's entry (bin/flowkeeper.mjs, `npm run demo`): one run on the process's
// arguments, printing to its standard streams.
process.exitCode = await runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
});
