import { FlowkeeperError, PermanentError } from '#domain/errors.ts';
export const USAGE = `Usage: flowkeeper <command> [options]

Commands:
  invoke [<LogicalId>] --event <file> [--config <file>] [--dry-run] [--json] [--verbose]
        Run a function of template.yaml on an EventBridge event, as Lambda would; without a
        logical id, the function whose rule matches the event.
        --config   configuration file (default: FLOWKEEPER_CONFIG_FILE or FLOWKEEPER_CONFIG_PARAMETER)
        --dry-run  print the unified diff of what would be committed; write nothing
        --json     print the result object as JSON
        --verbose  print the function's structured logs
  config validate <file> [--check]
        Validate a configuration file; print each problem with its path. --check also lists each
        discover target's files on its branch and warns about a glob that matches nothing.
  config schema              Print the configuration's JSON Schema.
  example init <dir>         Create the example manifests repository and its configuration in <dir>.
  demo [--keep <dir>]        Replay the sample events against a throwaway example repository.
  status [--config <file>] [--json]
        For each repository with a promotion order: the image values on each environment branch,
        what waits to be promoted, and the open promotion pull requests.
  previews [--config <file>] [--json]
        Open preview environments (slug, source, image, URL, age) and those waiting for room.
  functions                  List the functions of template.yaml and their event rules.

Options: --version prints the version; <command> --help prints a command's usage.

Exit codes: 0 done (including skips and no-ops), 1 rejected input or failure, 2 usage.`;

/** `flowkeeper <command> --help`: the usage of that command alone. */
export const COMMAND_USAGE: Record<string, string> = {
  invoke: `Usage: flowkeeper invoke [<LogicalId>] --event <file> [--config <file>] [--dry-run] [--json] [--verbose]

Run a function of template.yaml on an event file, as Lambda would (same entry point and handler).
Without <LogicalId>, the function is the one whose rule in template.yaml matches the event (the
event-pattern matching EventBridge does); an event several functions receive needs the id.
The event is an EventBridge event, or an SQS batch for ImageBumpFunction (events/sqs-image-events-batch.json).
  -e, --event <file>   the event to replay (events/ has one per rule)
  -c, --config <file>  configuration file (default: FLOWKEEPER_CONFIG_FILE or FLOWKEEPER_CONFIG_PARAMETER)
  --dry-run            print the unified diff of what would be committed (applies with git apply); write nothing
  --json               print the result object as JSON (also when the function fails)
  --verbose            print the function's structured logs`,
  config: `Usage: flowkeeper config validate <file> [--check] | flowkeeper config schema

  validate <file>  validate a configuration; print each problem with its path
    --check        also list each discover target's files on its branch (reads the repositories)
                   and warn about each glob that matches no file
  schema           print the configuration's JSON Schema`,
  example: `Usage: flowkeeper example init <dir>

Create the example manifests repository (git: main, dev, stg) and its configuration in <dir>.`,
  demo: `Usage: flowkeeper demo [--keep <dir>]

Replay the sample events against a throwaway example repository; --keep leaves it in <dir>.`,
  status: `Usage: flowkeeper status [--config <file>] [--json]

For each repository with a promotion order: the image values on each environment branch, what
waits to be promoted, and the open promotion pull requests.`,
  previews: `Usage: flowkeeper previews [--config <file>] [--json]

Every open preview environment of every preview set (slug, source, image, URL, age), read from
the manifests repositories, and the previews waiting for room under the limit.`,
  functions: `Usage: flowkeeper functions

List the functions of template.yaml and the event rules that reach each one.`,
};

/** Wrong invocation of the CLI itself: exit code 2. */
export class UsageError extends PermanentError {
  override name = 'UsageError';
}

/** Input the user gave that cannot be processed (an event file that is not JSON): exit code 1. */
export class InputError extends FlowkeeperError {
  override name = 'InputError';
}
