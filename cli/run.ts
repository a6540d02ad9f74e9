import { parseArgs } from 'node:util';
import { ConfigError, FlowkeeperError } from '#domain/errors.ts';
import { COMMAND_USAGE, InputError, USAGE, UsageError } from './usage.ts';

// Each command loads its modules when it runs: `--version`, `--help` and `config schema` do not
// pay for the AWS SDK, the git hosts and the template reader.
export type Exit = 0 | 1 | 2;

/** Where a run of the CLI writes, and how it loads handlers. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /**
   * Each `invoke` loads its handler anew, a cold container reading the environment of that call,
   * rather than the one this process loaded first (several runs in one process).
   */
  coldHandlers?: boolean;
}

/** One run of the CLI on `argv`: what it prints goes to `io`, and its exit code is answered. */
export function runCli(argv: string[], io: CliIo): Promise<Exit> {
  return main(argv, io).catch((error: unknown) => report(error, io));
}

async function main(argv: string[], io: CliIo): Promise<Exit> {
  const [command, ...rest] = argv;
  const commandUsage = command === undefined ? undefined : COMMAND_USAGE[command];
  if (commandUsage !== undefined && (rest.includes('--help') || rest.includes('-h'))) {
    io.out(`${commandUsage}\n`);
    return 0;
  }
  switch (command) {
    case '--version':
    case '-v':
    case 'version':
      io.out(`flowkeeper ${await version()}\n`);
      return 0;
    case 'invoke':
      return invoke(rest, io);
    case 'config':
      return config(rest, io);
    case 'example':
      return example(rest, io);
    case 'demo': {
      const { values } = parseArgs({ args: rest, options: { keep: { type: 'string' } }, strict: true });
      const { runDemo } = await import('./demo.ts');
      await runDemo({ ...(values.keep ? { keep: values.keep } : {}), out: io.out });
      return 0;
    }
    case 'functions':
      return functions(io);
    case 'status':
      return status(rest, io);
    case 'previews':
      return previews(rest, io);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.out(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

async function invoke(args: string[], io: CliIo): Promise<Exit> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      event: { type: 'string', short: 'e' },
      config: { type: 'string', short: 'c' },
      'dry-run': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
    },
  });
  if (positionals.length > 1) throw new UsageError('invoke takes at most one function logical id');
  if (!values.event) throw new UsageError('invoke needs --event <file>');
  const { functionForEvent, invokeFunction } = await import('./invoke.ts');
  const { renderResult } = await import('./render.ts');
  const logicalId = positionals[0] ?? (await functionForEvent(values.event));
  let result: unknown;
  try {
    ({ result } = await invokeFunction({
      logicalId,
      eventFile: values.event,
      dryRun: values['dry-run'],
      verbose: values.verbose,
      ...(values.config ? { configFile: values.config } : {}),
      warn: io.err,
      cold: io.coldHandlers === true,
    }));
  } catch (error) {
    // The function threw (a transient failure Lambda would retry): --json still answers an object.
    if (!values.json || error instanceof UsageError || error instanceof InputError) throw error;
    const failure = error instanceof Error ? error : new Error(String(error));
    io.out(
      `${JSON.stringify({ eventId: null, actions: [], error: { type: failure.name, message: failure.message, retried: true } }, null, 2)}\n`,
    );
    io.err(`flowkeeper: failed (Lambda would retry): ${failure.name}: ${failure.message}\n`);
    return 1;
  }
  const rendered = renderResult(result);
  if (values.json) io.out(`${JSON.stringify(result, null, 2)}\n`);
  else io.out(rendered.text);
  if (rendered.rejected) {
    io.err(`flowkeeper: rejected: ${rendered.rejected}\n`);
    return 1;
  }
  return 0;
}

async function status(args: string[], io: CliIo): Promise<Exit> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: { config: { type: 'string', short: 'c' }, json: { type: 'boolean', default: false } },
  });
  const { collectStatus, loadStatusConfig, renderStatus } = await import('./status.ts');
  const statuses = await collectStatus(await loadStatusConfig(values.config));
  io.out(values.json ? `${JSON.stringify(statuses, null, 2)}\n` : renderStatus(statuses));
  return 0;
}

async function previews(args: string[], io: CliIo): Promise<Exit> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: { config: { type: 'string', short: 'c' }, json: { type: 'boolean', default: false } },
  });
  const { loadStatusConfig } = await import('./status.ts');
  const { collectPreviews, renderPreviews } = await import('./previews.ts');
  const listed = await collectPreviews(await loadStatusConfig(values.config));
  io.out(values.json ? `${JSON.stringify(listed, null, 2)}\n` : renderPreviews(listed));
  return 0;
}

async function config(args: string[], io: CliIo): Promise<Exit> {
  const [sub, ...rest] = args;
  if (sub === 'schema' && rest.length === 0) {
    const { configJsonSchema } = await import('#config/json-schema.ts');
    io.out(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
    return 0;
  }
  if (sub === 'validate') {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      strict: true,
      options: { check: { type: 'boolean', default: false } },
    });
    const [file] = positionals;
    if (file === undefined || positionals.length > 1)
      throw new UsageError('usage: config validate <file> [--check]');
    return validateConfig(file, values.check, io);
  }
  throw new UsageError('usage: config validate <file> [--check] | config schema');
}

/** `config validate <file> [--check]`: the schema's verdict; with --check, discover globs against their branches. */
async function validateConfig(file: string, check: boolean, io: CliIo): Promise<Exit> {
  const { loadConfigFile } = await import('#config/load-file.ts');
  const loaded = await loadConfigFile(file);
  const targets = loaded.images.reduce((n, image) => n + image.update.length, 0);
  const flows = Object.keys(loaded.flow).length;
  const flowText =
    flows === 0 ? '' : `, branch flow on ${flows} ${flows === 1 ? 'repository' : 'repositories'}`;
  io.out(`${file}: valid (${loaded.images.length} images, ${targets} targets${flowText})\n`);
  if (check) {
    const { gitHostsFor } = await import('#adapters/git-hosts.ts');
    const { discoverWarnings } = await import('#app/image-bump/check-discover.ts');
    for (const warning of await discoverWarnings(loaded, gitHostsFor(loaded))) {
      io.err(`warning: ${warning}\n`);
    }
  }
  return 0;
}

async function example(args: string[], io: CliIo): Promise<Exit> {
  const [sub, dir, ...extra] = args;
  if (sub !== 'init' || !dir || extra.length > 0) throw new UsageError('usage: example init <dir>');
  const { createExampleRepository } = await import('./example-repo.ts');
  const created = await createExampleRepository(dir);
  io.out(`repository: ${created.repository}\nconfig:     ${created.config}\n`);
  return 0;
}

async function functions(io: CliIo): Promise<Exit> {
  const { listFunctions, loadTemplate } = await import('../tooling/sam-template.ts');
  for (const fn of listFunctions(await loadTemplate())) {
    io.out(`${fn.logicalId}  ${fn.codeUri}/${fn.entryPoints.join(',')} (${fn.handler})\n`);
    for (const rule of fn.rules) io.out(`  rule ${rule.name}: ${JSON.stringify(rule.pattern)}\n`);
  }
  return 0;
}

function report(error: unknown, io: CliIo): Exit {
  if (error instanceof UsageError || isParseArgsError(error)) {
    io.err(`flowkeeper: ${(error as Error).message}\nRun "flowkeeper help" for usage.\n`);
    return 2;
  }
  if (error instanceof ConfigError) {
    io.err(`flowkeeper: invalid configuration in ${error.source}:\n`);
    for (const issue of error.issues) io.err(`  ${issue}\n`);
    return 1;
  }
  if (error instanceof FlowkeeperError) {
    io.err(`flowkeeper: ${error.message}\n`);
    return 1;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.err(`flowkeeper: failed: ${message}\n`);
  return 1;
}

function isParseArgsError(error: unknown): boolean {
  return error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS');
}

async function version(): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const { fromRoot } = await import('./paths.ts');
  const manifest = JSON.parse(await readFile(fromRoot('package.json'), 'utf8')) as { version?: string };
  return manifest.version ?? 'unknown';
}
