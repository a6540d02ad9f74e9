import { parseArgs } from 'node:util';
import { ConfigError, FlowkeeperError } from '#domain/errors.ts';
import { COMMAND_USAGE, InputError, USAGE, UsageError } from './usage.ts';

// Each command loads its modules when it runs: `--version`, `--help` and `config schema` do not
// pay for the AWS SDK, the git hosts and the template reader.
type Exit = 0 | 1 | 2;

async function main(argv: string[]): Promise<Exit> {
  const [command, ...rest] = argv;
  const commandUsage = command === undefined ? undefined : COMMAND_USAGE[command];
  if (commandUsage !== undefined && (rest.includes('--help') || rest.includes('-h'))) {
    process.stdout.write(`${commandUsage}\n`);
    return 0;
  }
  switch (command) {
    case '--version':
    case '-v':
    case 'version':
      process.stdout.write(`flowkeeper ${await version()}\n`);
      return 0;
    case 'invoke':
      return invoke(rest);
    case 'config':
      return config(rest);
    case 'example':
      return example(rest);
    case 'demo': {
      const { values } = parseArgs({ args: rest, options: { keep: { type: 'string' } }, strict: true });
      const { runDemo } = await import('./demo.ts');
      await runDemo(values.keep ? { keep: values.keep } : {});
      return 0;
    }
    case 'functions':
      return functions();
    case 'status':
      return status(rest);
    case 'previews':
      return previews(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

async function invoke(args: string[]): Promise<Exit> {
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
    }));
  } catch (error) {
    // The function threw (a transient failure Lambda would retry): --json still answers an object.
    if (!values.json || error instanceof UsageError || error instanceof InputError) throw error;
    const failure = error instanceof Error ? error : new Error(String(error));
    process.stdout.write(
      `${JSON.stringify({ eventId: null, actions: [], error: { type: failure.name, message: failure.message, retried: true } }, null, 2)}\n`,
    );
    process.stderr.write(`flowkeeper: failed (Lambda would retry): ${failure.name}: ${failure.message}\n`);
    return 1;
  }
  const rendered = renderResult(result);
  if (values.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else process.stdout.write(rendered.text);
  if (rendered.rejected) {
    process.stderr.write(`flowkeeper: rejected: ${rendered.rejected}\n`);
    return 1;
  }
  return 0;
}

async function status(args: string[]): Promise<Exit> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: { config: { type: 'string', short: 'c' }, json: { type: 'boolean', default: false } },
  });
  const { collectStatus, loadStatusConfig, renderStatus } = await import('./status.ts');
  const statuses = await collectStatus(await loadStatusConfig(values.config));
  process.stdout.write(values.json ? `${JSON.stringify(statuses, null, 2)}\n` : renderStatus(statuses));
  return 0;
}

async function previews(args: string[]): Promise<Exit> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: { config: { type: 'string', short: 'c' }, json: { type: 'boolean', default: false } },
  });
  const { loadStatusConfig } = await import('./status.ts');
  const { collectPreviews, renderPreviews } = await import('./previews.ts');
  const listed = await collectPreviews(await loadStatusConfig(values.config));
  process.stdout.write(values.json ? `${JSON.stringify(listed, null, 2)}\n` : renderPreviews(listed));
  return 0;
}

async function config(args: string[]): Promise<Exit> {
  const [sub, ...rest] = args;
  if (sub === 'schema' && rest.length === 0) {
    const { configJsonSchema } = await import('#config/json-schema.ts');
    process.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
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
    return validateConfig(file, values.check);
  }
  throw new UsageError('usage: config validate <file> [--check] | config schema');
}

/** `config validate <file> [--check]`: the schema's verdict; with --check, discover globs against their branches. */
async function validateConfig(file: string, check: boolean): Promise<Exit> {
  const { loadConfigFile } = await import('#config/load-file.ts');
  const loaded = await loadConfigFile(file);
  const targets = loaded.images.reduce((n, image) => n + image.update.length, 0);
  const flows = Object.keys(loaded.flow).length;
  const flowText =
    flows === 0 ? '' : `, branch flow on ${flows} ${flows === 1 ? 'repository' : 'repositories'}`;
  process.stdout.write(`${file}: valid (${loaded.images.length} images, ${targets} targets${flowText})\n`);
  if (check) {
    const { gitHostsFor } = await import('#adapters/git-hosts.ts');
    const { discoverWarnings } = await import('#app/image-bump/check-discover.ts');
    for (const warning of await discoverWarnings(loaded, gitHostsFor(loaded))) {
      process.stderr.write(`warning: ${warning}\n`);
    }
  }
  return 0;
}

async function example(args: string[]): Promise<Exit> {
  const [sub, dir, ...extra] = args;
  if (sub !== 'init' || !dir || extra.length > 0) throw new UsageError('usage: example init <dir>');
  const { createExampleRepository } = await import('./example-repo.ts');
  const created = await createExampleRepository(dir);
  process.stdout.write(`repository: ${created.repository}\nconfig:     ${created.config}\n`);
  return 0;
}

async function functions(): Promise<Exit> {
  const { listFunctions, loadTemplate } = await import('../tooling/sam-template.ts');
  for (const fn of listFunctions(await loadTemplate())) {
    process.stdout.write(`${fn.logicalId}  ${fn.codeUri}/${fn.entryPoints.join(',')} (${fn.handler})\n`);
    for (const rule of fn.rules)
      process.stdout.write(`  rule ${rule.name}: ${JSON.stringify(rule.pattern)}\n`);
  }
  return 0;
}

function report(error: unknown): Exit {
  if (error instanceof UsageError || isParseArgsError(error)) {
    process.stderr.write(`flowkeeper: ${(error as Error).message}\nRun "flowkeeper help" for usage.\n`);
    return 2;
  }
  if (error instanceof ConfigError) {
    process.stderr.write(`flowkeeper: invalid configuration in ${error.source}:\n`);
    for (const issue of error.issues) process.stderr.write(`  ${issue}\n`);
    return 1;
  }
  if (error instanceof FlowkeeperError) {
    process.stderr.write(`flowkeeper: ${error.message}\n`);
    return 1;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`flowkeeper: failed: ${message}\n`);
  return 1;
}

function isParseArgsError(error: unknown): boolean {
  return error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS');
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.exitCode = report(error);
  },
);

async function version(): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const { fromRoot } = await import('./paths.ts');
  const manifest = JSON.parse(await readFile(fromRoot('package.json'), 'utf8')) as { version?: string };
  return manifest.version ?? 'unknown';
}
