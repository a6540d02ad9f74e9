import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { isRecord } from '#domain/is-record.ts';
import { routeEvent } from '../tooling/event-router.ts';
import { handlerEntryPoint, handlerExport, listFunctions, loadTemplate } from '../tooling/sam-template.ts';
import { fromRoot } from './paths.ts';
import { InputError, UsageError } from './usage.ts';

export type LambdaHandler = (event: unknown, context: Context) => Promise<unknown>;

export interface InvokeRequest {
  logicalId: string;
  eventFile: string;
  configFile?: string;
  dryRun?: boolean;
  verbose?: boolean;
  /** Where a notice about the replay goes (stderr in the CLI). */
  warn?: (text: string) => void;
  /** Load the handler anew, as a cold container reading this call's environment (loadHandler). */
  cold?: boolean;
}

/** What the function returned, with the event it was given. */
export interface Invocation {
  event: unknown;
  result: unknown;
}

/**
 * Run a template function on an event file in this process, the way Lambda would: same entry
 * point, same handler export, configuration from the same environment variables.
 */
export async function invokeFunction(request: InvokeRequest): Promise<Invocation> {
  // The webhook's local token comes from the request, so its event is read before the handler loads.
  let event: unknown;
  if (request.logicalId === WEBHOOK_FUNCTION) {
    event = await readEvent(request.eventFile);
    configureWebhookEnvironment(request, event);
  } else {
    configureEnvironment(request);
  }
  const handler = await loadHandler(request.logicalId, { cold: request.cold === true });
  if (request.logicalId !== WEBHOOK_FUNCTION) event = await readEvent(request.eventFile);
  const result = await handler(event, lambdaContext(request.logicalId));
  return { event, result };
}

/**
 * The function whose rules in template.yaml deliver the event in `eventFile`, for `invoke` without
 * a logical id. An event that reaches no function, or several (a push reaches branch flow and
 * mirror sync alike), is a usage error naming the candidates.
 */
export async function functionForEvent(eventFile: string): Promise<string> {
  const event = await readEvent(eventFile);
  const matched = routeEvent(listFunctions(loadTemplate()), event).map((fn) => fn.logicalId);
  if (matched.length === 1 && matched[0]) return matched[0];
  if (matched.length === 0) {
    throw new UsageError(
      `no rule in template.yaml delivers the event in ${eventFile}; name the function: flowkeeper invoke <LogicalId> --event ${eventFile}`,
    );
  }
  throw new UsageError(
    `the event in ${eventFile} reaches ${matched.join(' and ')}; name one: flowkeeper invoke ${matched[0]} --event ${eventFile}`,
  );
}

function configureEnvironment(request: InvokeRequest): void {
  if (request.configFile) {
    process.env.FLOWKEEPER_CONFIG_FILE = resolve(request.configFile);
    delete process.env.FLOWKEEPER_CONFIG_PARAMETER;
  } else if (!process.env.FLOWKEEPER_CONFIG_FILE && !process.env.FLOWKEEPER_CONFIG_PARAMETER) {
    throw new UsageError(
      'no configuration: pass --config <file>, or set FLOWKEEPER_CONFIG_FILE or FLOWKEEPER_CONFIG_PARAMETER',
    );
  }
  process.env.FLOWKEEPER_DRY_RUN = request.dryRun ? 'true' : 'false';
  process.env.POWERTOOLS_LOG_LEVEL = request.verbose ? 'DEBUG' : 'SILENT';
  // Metrics are EMF lines on stdout, which would garble the rendered (or --json) result.
  process.env.POWERTOOLS_METRICS_DISABLED = request.verbose ? 'false' : 'true';
}

/** The GitLab webhook ingress reads no configuration: a token source and a bus, from the environment. */
const WEBHOOK_FUNCTION = 'GitLabWebhookFunction';
const WEBHOOK_TOKEN_SOURCES = [
  'FLOWKEEPER_WEBHOOK_TOKEN_PARAMETER',
  'FLOWKEEPER_WEBHOOK_TOKEN_SECRET',
  'FLOWKEEPER_WEBHOOK_TOKEN',
];

/**
 * A local replay of a webhook request: with no token source in the environment, the token the
 * request carries is the expected one (said on stderr), so a sample replays as an accepted delivery;
 * with no FLOWKEEPER_EVENT_BUS_NAME, the event is printed, not put.
 */
function configureWebhookEnvironment(request: InvokeRequest, event: unknown): void {
  process.env.POWERTOOLS_LOG_LEVEL = request.verbose ? 'DEBUG' : 'SILENT';
  if (WEBHOOK_TOKEN_SOURCES.some((name) => process.env[name])) return;
  const headers = isRecord(event) && isRecord(event.headers) ? event.headers : {};
  const token = Object.entries(headers).find(([name]) => name.toLowerCase() === 'x-gitlab-token')?.[1];
  if (typeof token !== 'string' || token === '') return;
  process.env.FLOWKEEPER_WEBHOOK_TOKEN = token;
  (request.warn ?? ((text: string) => process.stderr.write(text)))(
    'flowkeeper: no webhook token configured (FLOWKEEPER_WEBHOOK_TOKEN_PARAMETER, FLOWKEEPER_WEBHOOK_TOKEN_SECRET or FLOWKEEPER_WEBHOOK_TOKEN): accepting the X-Gitlab-Token the event carries\n',
  );
}

const handlers = new Map<string, LambdaHandler>();
/** Counts cold loads: each imports the handler's module under a URL of its own. */
let coldLoads = 0;

/**
 * The handler of `logicalId`, loaded once per process; with `cold`, loaded anew, so its container
 * is created from the environment as it is now (a module's container is made when it loads).
 */
export async function loadHandler(
  logicalId: string,
  { cold = false }: { cold?: boolean } = {},
): Promise<LambdaHandler> {
  const cached = cold ? undefined : handlers.get(logicalId);
  if (cached) return cached;
  const functions = listFunctions(await loadTemplate());
  const fn = functions.find((f) => f.logicalId === logicalId);
  if (!fn) {
    const known = functions.map((f) => f.logicalId).join(', ');
    throw new UsageError(`no function ${logicalId} in template.yaml (functions: ${known})`);
  }
  let entry: string;
  try {
    entry = handlerEntryPoint(fn);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const exportName = handlerExport(fn.handler);
  const url = pathToFileURL(fromRoot(fn.codeUri, entry)).href;
  const module: Record<string, unknown> = await import(cold ? `${url}?cold=${++coldLoads}` : url);
  const handler = module[exportName];
  if (typeof handler !== 'function') {
    throw new UsageError(`${entry} does not export a function named ${exportName}`);
  }
  if (!cold) handlers.set(logicalId, handler as LambdaHandler);
  return handler as LambdaHandler;
}

async function readEvent(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(
      `cannot read event file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(`${file}: not valid JSON (${(error as Error).message})`);
  }
}

/** The context Lambda hands a handler, for a local invocation of `functionName`. */
export function lambdaContext(functionName: string): Context {
  const requestId = randomUUID();
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/${requestId}`,
    getRemainingTimeInMillis: () => 60_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
