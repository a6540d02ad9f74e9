import { readFileSync } from 'node:fs';
import { dirname, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CollectionTag, parse, type ScalarTag } from 'yaml';
import { SCHEDULED_EVENT } from '#parsers/scheduled-event.ts';

/**
 * Reads the SAM template (CloudFormation short-form tags such as `!Ref` become their long JSON forms,
 * `{ "Ref": … }`, `{ "Fn::If": … }`) and lists its functions with what building and routing them needs.
 */

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_TEMPLATE_PATH = resolve(PROJECT_ROOT, 'template.yaml');

export type TemplateObject = Record<string, unknown>;

export interface TemplateResource {
  Type: string;
  Properties?: TemplateObject;
  Metadata?: TemplateObject;
  Condition?: string;
  [attribute: string]: unknown;
}

export interface SamTemplate {
  Parameters?: Record<string, TemplateObject>;
  Conditions?: Record<string, unknown>;
  Mappings?: Record<string, Record<string, Record<string, unknown>>>;
  Globals?: { Function?: TemplateObject; [section: string]: TemplateObject | undefined };
  Resources: Record<string, TemplateResource>;
  Outputs?: Record<string, TemplateObject>;
  [section: string]: unknown;
}

export interface EventRule {
  /**
   * The key of the event under the function's `Events`, or, for a rule that reaches the function
   * through a queue, the rule's logical id followed by ` → <queue>`.
   */
  name: string;
  /** The rule's event pattern with parameters at their defaults (see {@link resolveWithDefaults}). */
  pattern: unknown;
}

export interface SamFunction {
  logicalId: string;
  /** `CodeUri` as written (relative to the template's directory). */
  codeUri: string;
  /** `Handler` as written: `<file path relative to the built artifact, no extension>.<export>`. */
  handler: string;
  /** esbuild entry points relative to `codeUri`: `BuildProperties.EntryPoints`, else derived from `handler`. */
  entryPoints: string[];
  /** `Metadata.BuildProperties` as written. */
  buildProperties: TemplateObject;
  rules: EventRule[];
}

const INTRINSICS = [
  'Ref',
  'Condition',
  'Fn::Sub',
  'Fn::GetAtt',
  'Fn::If',
  'Fn::Equals',
  'Fn::Not',
  'Fn::And',
  'Fn::Or',
  'Fn::Join',
  'Fn::Select',
  'Fn::Split',
  'Fn::FindInMap',
  'Fn::ImportValue',
  'Fn::Base64',
  'Fn::Cidr',
  'Fn::GetAZs',
] as const;

/** One tag per intrinsic and node kind (`!Sub 'x'` and `!Sub ['x', {…}]` are both valid). */
const CLOUDFORMATION_TAGS: (ScalarTag | CollectionTag)[] = INTRINSICS.flatMap((name) => {
  const tag = `!${name.replace(/^Fn::/, '')}`;
  const scalar: ScalarTag = { tag, resolve: (value: string) => fromScalar(name, value) };
  const collections = (['seq', 'map'] as const).map(
    (collection): CollectionTag => ({ tag, collection, resolve: (node) => ({ [name]: node.toJSON() }) }),
  );
  return [scalar, ...collections];
});

function fromScalar(name: string, value: string): TemplateObject {
  if (name === 'Fn::GetAtt') {
    const dot = value.indexOf('.');
    return { [name]: dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)] };
  }
  return { [name]: value };
}

/** Parses template text; throws on YAML errors. */
export function parseTemplate(text: string): SamTemplate {
  const parsed: unknown = parse(text, { customTags: CLOUDFORMATION_TAGS, uniqueKeys: true });
  if (!isObject(parsed) || !isObject(parsed.Resources)) {
    throw new Error('template: expected a mapping with a Resources section');
  }
  return parsed as SamTemplate;
}

export function loadTemplate(path: string = DEFAULT_TEMPLATE_PATH): SamTemplate {
  return parseTemplate(readFileSync(path, 'utf8'));
}

/** Every `AWS::Serverless::Function`, in template order, with Globals.Function applied to CodeUri/Handler. */
export function listFunctions(template: SamTemplate): SamFunction[] {
  const globals = template.Globals?.Function ?? {};
  return Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::Serverless::Function')
    .map(([logicalId, resource]) => {
      const properties = resource.Properties ?? {};
      const codeUri = requireString(properties.CodeUri ?? globals.CodeUri, `${logicalId}.Properties.CodeUri`);
      const handler = requireString(properties.Handler ?? globals.Handler, `${logicalId}.Properties.Handler`);
      const buildProperties = isObject(resource.Metadata?.BuildProperties)
        ? resource.Metadata.BuildProperties
        : {};
      const entryPoints = buildProperties.EntryPoints ?? [handlerModule(handler)];
      if (!Array.isArray(entryPoints) || !entryPoints.every((entry) => typeof entry === 'string')) {
        throw new Error(`${logicalId}.Metadata.BuildProperties.EntryPoints: expected a list of paths`);
      }
      return {
        logicalId,
        codeUri,
        handler,
        entryPoints,
        buildProperties,
        rules: eventRules(template, logicalId),
      };
    });
}

/** `functions/x/handler.handler` → `functions/x/handler`: the module part of a Node.js handler string. */
export function handlerModule(handler: string): string {
  const dot = handler.lastIndexOf('.');
  if (dot <= 0) throw new Error(`Handler ${JSON.stringify(handler)}: expected <module>.<export>`);
  return handler.slice(0, dot);
}

export function handlerExport(handler: string): string {
  return handler.slice(handlerModule(handler).length + 1);
}

/**
 * The entry point (relative to `codeUri`) whose bundle `Handler` names. esbuild writes each entry point
 * at its path relative to the entry points' lowest common directory, with the extension replaced, so a
 * lone `functions/x/handler.ts` becomes `handler.mjs` at the top of the artifact.
 */
export function handlerEntryPoint(fn: Pick<SamFunction, 'logicalId' | 'handler' | 'entryPoints'>): string {
  const moduleName = handlerModule(fn.handler);
  const directories = fn.entryPoints.map((entry) => posix.dirname(posix.normalize(entry)).split('/'));
  const common: string[] = [];
  for (const [index, part] of (directories[0] ?? []).entries()) {
    if (!directories.every((parts) => parts[index] === part)) break;
    common.push(part);
  }
  const base = common.join('/');
  const entry = fn.entryPoints.find((candidate) => {
    const path = posix.relative(base, posix.normalize(candidate));
    return path.slice(0, path.length - posix.extname(path).length) === moduleName;
  });
  if (!entry) {
    throw new Error(
      `${fn.logicalId}: Handler ${fn.handler} names no bundle of EntryPoints ${fn.entryPoints.join(', ')}`,
    );
  }
  return entry;
}

function eventRules(template: SamTemplate, logicalId: string): EventRule[] {
  const declared = template.Resources[logicalId]?.Properties?.Events;
  const events = isObject(declared) ? declared : {};
  const rules: EventRule[] = [];
  for (const [name, event] of Object.entries(events)) {
    // A scheduled rule has no pattern; the events it sends are EventBridge's own Scheduled Events.
    if (isObject(event) && event.Type === 'Schedule') {
      rules.push({ name, pattern: { source: ['aws.events'], 'detail-type': [SCHEDULED_EVENT] } });
      continue;
    }
    if (!isObject(event) || (event.Type !== 'EventBridgeRule' && event.Type !== 'CloudWatchEvent')) continue;
    const pattern = isObject(event.Properties) ? event.Properties.Pattern : undefined;
    if (pattern === undefined)
      throw new Error(`${logicalId}.Events.${name}: an event rule without a Pattern`);
    rules.push({ name, pattern: resolveWithDefaults(template, pattern) });
  }
  return [...rules, ...queuedRules(template, logicalId)];
}

/**
 * Rules whose target is a queue an `AWS::Lambda::EventSourceMapping` of the function polls: the
 * events they match reach the function in SQS batches.
 */
function queuedRules(template: SamTemplate, logicalId: string): EventRule[] {
  const queues = new Set<string>();
  for (const resource of Object.values(template.Resources)) {
    if (resource.Type !== 'AWS::Lambda::EventSourceMapping') continue;
    const properties = resource.Properties ?? {};
    if (!isRefTo(properties.FunctionName, logicalId)) continue;
    const queue = getAttArnOf(properties.EventSourceArn);
    if (queue !== undefined) queues.add(queue);
  }
  const rules: EventRule[] = [];
  for (const [ruleId, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::Events::Rule') continue;
    const properties = resource.Properties ?? {};
    const targets = Array.isArray(properties.Targets) ? properties.Targets : [];
    for (const target of targets) {
      const queue = isObject(target) ? getAttArnOf(target.Arn) : undefined;
      if (queue === undefined || !queues.has(queue)) continue;
      if (properties.EventPattern === undefined)
        throw new Error(`${ruleId}: an event rule without an EventPattern`);
      rules.push({
        name: `${ruleId} → ${queue}`,
        pattern: resolveWithDefaults(template, properties.EventPattern),
      });
    }
  }
  return rules;
}

function isRefTo(value: unknown, logicalId: string): boolean {
  return isObject(value) && value.Ref === logicalId;
}

/** `X` of `!GetAtt X.Arn` (either form), else undefined. */
function getAttArnOf(value: unknown): string | undefined {
  if (!isObject(value)) return undefined;
  const attribute = value['Fn::GetAtt'];
  const parts = typeof attribute === 'string' ? attribute.split('.') : attribute;
  if (!Array.isArray(parts) || parts[1] !== 'Arn' || typeof parts[0] !== 'string') return undefined;
  return parts[0];
}

// ---------------------------------------------------------------------------------------------
// Resolution with default parameters
// ---------------------------------------------------------------------------------------------

const NO_VALUE = Symbol('AWS::NoValue');

/**
 * Resolves intrinsics the way CloudFormation would if the stack were deployed with every parameter at
 * its default: `Ref` to a parameter gives its default (a CommaDelimitedList or List<…> split at commas),
 * `!If` takes the branch its condition selects under those defaults, `Ref: AWS::NoValue` removes the key
 * or list item, and `Join`/`Split`/`Select`/`Sub`/`FindInMap` are computed when their inputs are known.
 * What depends on the deployment (pseudo parameters, `GetAtt`, `ImportValue`, …) stays in long form.
 */
export function resolveWithDefaults(template: SamTemplate, value: unknown): unknown {
  const resolved = resolveValue(template, value);
  return resolved === NO_VALUE ? undefined : resolved;
}

/** Evaluates a named condition with every parameter at its default. */
export function evaluateCondition(template: SamTemplate, name: string, seen: string[] = []): boolean {
  if (seen.includes(name))
    throw new Error(`condition ${name}: circular reference (${[...seen, name].join(' → ')})`);
  const definition = template.Conditions?.[name];
  if (definition === undefined) throw new Error(`condition ${name}: not defined in Conditions`);
  return evaluateConditionExpression(template, definition, [...seen, name], name);
}

function evaluateConditionExpression(
  template: SamTemplate,
  expression: unknown,
  seen: string[],
  name: string,
): boolean {
  const [fn, args] = intrinsic(expression) ?? [];
  const operands = Array.isArray(args) ? args : [];
  switch (fn) {
    case 'Condition':
      return evaluateCondition(template, requireString(args, `condition ${name}`), seen);
    case 'Fn::Not':
      return !evaluateConditionExpression(template, operands[0], seen, name);
    case 'Fn::And':
      return operands.every((operand) => evaluateConditionExpression(template, operand, seen, name));
    case 'Fn::Or':
      return operands.some((operand) => evaluateConditionExpression(template, operand, seen, name));
    case 'Fn::Equals': {
      const [left, right] = operands.map((operand) => resolveValue(template, operand));
      if (containsIntrinsic(left) || containsIntrinsic(right)) {
        throw new Error(
          `condition ${name}: cannot be evaluated without a deployment (${JSON.stringify(expression)})`,
        );
      }
      return JSON.stringify(left) === JSON.stringify(right);
    }
    default:
      throw new Error(`condition ${name}: unsupported expression ${JSON.stringify(expression)}`);
  }
}

function resolveValue(template: SamTemplate, value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map((item) => resolveValue(template, item)).filter((item) => item !== NO_VALUE);
  }
  if (!isObject(value)) return value;
  const call = intrinsic(value);
  if (call) return resolveIntrinsic(template, call[0], call[1], value);
  const result: TemplateObject = {};
  for (const [key, item] of Object.entries(value)) {
    const resolved = resolveValue(template, item);
    if (resolved !== NO_VALUE) result[key] = resolved;
  }
  return result;
}

function resolveIntrinsic(
  template: SamTemplate,
  fn: string,
  args: unknown,
  original: TemplateObject,
): unknown {
  switch (fn) {
    case 'Ref':
      return resolveRef(template, args, original);
    case 'Fn::If': {
      const [condition, whenTrue, whenFalse] = Array.isArray(args) ? args : [];
      const chosen = evaluateCondition(template, requireString(condition, 'Fn::If condition'))
        ? whenTrue
        : whenFalse;
      return resolveValue(template, chosen);
    }
    case 'Fn::Join': {
      const [delimiter, list] = asArray(resolveValue(template, args));
      if (typeof delimiter === 'string' && isStringList(list)) return list.join(delimiter);
      break;
    }
    case 'Fn::Split': {
      const [delimiter, text] = asArray(resolveValue(template, args));
      if (typeof delimiter === 'string' && typeof text === 'string') return text.split(delimiter);
      break;
    }
    case 'Fn::Select': {
      const [index, list] = asArray(resolveValue(template, args));
      if (
        Array.isArray(list) &&
        !containsIntrinsic(list) &&
        (typeof index === 'number' || typeof index === 'string')
      ) {
        return list[Number(index)];
      }
      break;
    }
    case 'Fn::FindInMap': {
      const [map, top, second] = asArray(resolveValue(template, args));
      if (typeof map === 'string' && typeof top === 'string' && typeof second === 'string') {
        return template.Mappings?.[map]?.[top]?.[second];
      }
      break;
    }
    case 'Fn::Sub':
      return resolveSub(template, args) ?? original;
  }
  return original;
}

function resolveRef(template: SamTemplate, name: unknown, original: TemplateObject): unknown {
  if (name === 'AWS::NoValue') return NO_VALUE;
  const parameter = typeof name === 'string' ? template.Parameters?.[name] : undefined;
  if (!parameter || !('Default' in parameter)) return original;
  const fallback = parameter.Default;
  const type = typeof parameter.Type === 'string' ? parameter.Type : 'String';
  const isList = type === 'CommaDelimitedList' || type.startsWith('List<');
  if (isList) return Array.isArray(fallback) ? fallback.map(String) : String(fallback ?? '').split(',');
  return typeof fallback === 'number' ? String(fallback) : fallback;
}

function resolveSub(template: SamTemplate, args: unknown): string | undefined {
  const [text, variables] = typeof args === 'string' ? [args, {}] : asArray(args);
  if (typeof text !== 'string') return undefined;
  const values = isObject(variables) ? variables : {};
  let unresolved = false;
  const result = text.replace(/\$\{(!?)([^}]*)\}/g, (match, literal: string, name: string) => {
    if (literal) return `\${${name}}`;
    const value = resolveValue(template, name in values ? values[name] : { Ref: name });
    if (typeof value === 'string' || typeof value === 'number') return String(value);
    unresolved = true;
    return match;
  });
  return unresolved ? undefined : result;
}

function intrinsic(value: unknown): [string, unknown] | undefined {
  if (!isObject(value)) return undefined;
  const keys = Object.keys(value);
  const [key] = keys;
  if (keys.length !== 1 || key === undefined) return undefined;
  return key === 'Ref' || key === 'Condition' || key.startsWith('Fn::') ? [key, value[key]] : undefined;
}

function containsIntrinsic(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(containsIntrinsic);
  if (!isObject(value)) return false;
  return intrinsic(value) !== undefined || Object.values(value).some(containsIntrinsic);
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function requireString(value: unknown, where: string): string {
  if (typeof value !== 'string' || value === '') throw new Error(`${where}: expected a string`);
  return value;
}

export function isObject(value: unknown): value is TemplateObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
