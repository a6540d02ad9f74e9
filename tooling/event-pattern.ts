import { FlowkeeperError } from '#domain/errors.ts';
import { isRecord } from '#domain/is-record.ts';

/**
 * EventBridge content filtering: the CLI's router (`flowkeeper invoke --event <file>` without a
 * function runs the one whose rule matches, tooling/event-router.ts) and the check that every
 * sample in events/ matches the rules it is catalogued for. Semantics follow the EventBridge event-pattern reference:
 * - every field of a pattern must match (AND); a field matches when any of its listed values matches (OR);
 * - a field whose event value is an array matches when any element matches;
 * - a nested pattern applied to an array of objects must be satisfied by one element as a whole: two
 *   fields never match from different elements of the same array;
 * - only leaf values (strings, numbers, booleans, null) are matched; a field holding an object, or an
 *   empty array, counts as absent, so only `{"exists": false}` matches it;
 * - `anything-but` never matches an absent field.
 * An invalid pattern (unknown operator, wrong operand, empty array or object) throws an
 * {@link EventPatternError} before any event is looked at.
 */
export class EventPatternError extends FlowkeeperError {
  override name = 'EventPatternError';
}

type Leaf = string | number | boolean | null;
type ValueTest = (value: Leaf) => boolean;

interface LeafField {
  kind: 'leaf';
  key: string;
  tests: ValueTest[];
  matchesAbsent: boolean;
}

interface NestedField {
  kind: 'nested';
  key: string;
  pattern: CompiledPattern;
}

interface CompiledPattern {
  fields: (LeafField | NestedField)[];
  /** Each entry is one `$or`: at least one of its alternatives must match. */
  ors: CompiledPattern[][];
}

/** Whether `event` matches the EventBridge `pattern`. Throws {@link EventPatternError} for an invalid pattern. */
export function matchesPattern(pattern: unknown, event: unknown): boolean {
  return compileEventPattern(pattern)(event);
}

/** Validates `pattern` once and returns a predicate to test events with. */
export function compileEventPattern(pattern: unknown): (event: unknown) => boolean {
  const compiled = compileObject(pattern, '');
  return (event) => matchNode(compiled, event);
}

// ---------------------------------------------------------------------------------------------
// Compilation
// ---------------------------------------------------------------------------------------------

function compileObject(pattern: unknown, path: string): CompiledPattern {
  const where = path || 'pattern';
  if (!isRecord(pattern)) throw invalid(where, `expected an object, got ${describe(pattern)}`);
  const entries = Object.entries(pattern);
  if (entries.length === 0) throw invalid(where, 'empty objects are not allowed');
  const compiled: CompiledPattern = { fields: [], ors: [] };
  for (const [key, value] of entries) {
    const fieldPath = path ? `${path}.${key}` : key;
    if (key === '$or') {
      compiled.ors.push(compileOr(value, fieldPath, path));
    } else if (Array.isArray(value)) {
      compiled.fields.push(compileLeafField(key, value, fieldPath));
    } else if (isRecord(value)) {
      compiled.fields.push({ kind: 'nested', key, pattern: compileObject(value, fieldPath) });
    } else {
      throw invalid(fieldPath, `expected an array of values or a nested object, got ${describe(value)}`);
    }
  }
  return compiled;
}

function compileOr(value: unknown, where: string, path: string): CompiledPattern[] {
  if (!Array.isArray(value) || value.length < 2) {
    throw invalid(where, 'expected an array of at least two patterns');
  }
  return value.map((alternative, index) => {
    if (!isRecord(alternative))
      throw invalid(`${where}[${index}]`, `expected an object, got ${describe(alternative)}`);
    return compileObject(alternative, path);
  });
}

function compileLeafField(key: string, values: unknown[], where: string): LeafField {
  if (values.length === 0) throw invalid(where, 'empty arrays are not allowed');
  const field: LeafField = { kind: 'leaf', key, tests: [], matchesAbsent: false };
  values.forEach((value, index) => {
    const at = `${where}[${index}]`;
    if (isLeaf(value)) {
      field.tests.push((candidate) => candidate === value);
    } else if (isRecord(value)) {
      const { name, operand } = singleOperator(value, at);
      if (name === 'exists') {
        if (typeof operand !== 'boolean')
          throw invalid(at, `"exists" expects true or false, got ${describe(operand)}`);
        if (operand) field.tests.push(() => true);
        else field.matchesAbsent = true;
      } else {
        field.tests.push(compileOperator(name, operand, at));
      }
    } else {
      throw invalid(
        at,
        `expected a string, number, boolean, null or operator object, got ${describe(value)}`,
      );
    }
  });
  return field;
}

function compileOperator(name: string, operand: unknown, where: string): ValueTest {
  switch (name) {
    case 'prefix':
      return stringTest(affix(operand, 'prefix', where), (value, affixValue) => value.startsWith(affixValue));
    case 'suffix':
      return stringTest(affix(operand, 'suffix', where), (value, affixValue) => value.endsWith(affixValue));
    case 'equals-ignore-case': {
      const expected = requireString(operand, name, where).toLowerCase();
      return (value) => typeof value === 'string' && value.toLowerCase() === expected;
    }
    case 'wildcard': {
      const regex = wildcardRegex(requireString(operand, name, where), where);
      return (value) => typeof value === 'string' && regex.test(value);
    }
    case 'numeric':
      return numericTest(operand, where);
    case 'cidr': {
      const range = parseCidr(requireString(operand, name, where), where);
      return (value) => typeof value === 'string' && inCidr(value, range);
    }
    case 'anything-but': {
      const excluded = anythingBut(operand, where);
      return (value) => !excluded(value);
    }
    default:
      throw invalid(where, `unsupported operator "${name}"`);
  }
}

interface Affix {
  text: string;
  ignoreCase: boolean;
}

/** `prefix`/`suffix` take a string, or `{"equals-ignore-case": string}`. */
function affix(operand: unknown, name: string, where: string): Affix {
  if (typeof operand === 'string') return { text: operand, ignoreCase: false };
  if (isRecord(operand)) {
    const inner = singleOperator(operand, `${where}.${name}`);
    if (inner.name === 'equals-ignore-case') {
      return { text: requireString(inner.operand, inner.name, where).toLowerCase(), ignoreCase: true };
    }
    throw invalid(where, `"${name}" accepts only "equals-ignore-case" inside, got "${inner.name}"`);
  }
  throw invalid(
    where,
    `"${name}" expects a string or {"equals-ignore-case": string}, got ${describe(operand)}`,
  );
}

function stringTest(spec: Affix, test: (value: string, affixValue: string) => boolean): ValueTest {
  return (value) =>
    typeof value === 'string' && test(spec.ignoreCase ? value.toLowerCase() : value, spec.text);
}

/** The set `anything-but` excludes, as a predicate. */
function anythingBut(operand: unknown, where: string): ValueTest {
  if (typeof operand === 'string' || typeof operand === 'number') return (value) => value === operand;
  if (Array.isArray(operand)) {
    const allStrings = operand.every((item) => typeof item === 'string');
    const allNumbers = operand.every((item) => typeof item === 'number');
    if (operand.length === 0 || !(allStrings || allNumbers)) {
      throw invalid(where, '"anything-but" expects a non-empty list of only strings or only numbers');
    }
    const excluded = new Set<Leaf>(operand as Leaf[]);
    return (value) => excluded.has(value);
  }
  if (isRecord(operand)) {
    const { name, operand: inner } = singleOperator(operand, `${where}.anything-but`);
    switch (name) {
      case 'prefix': {
        const text = requireString(inner, name, where);
        return (value) => typeof value === 'string' && value.startsWith(text);
      }
      case 'suffix': {
        const text = requireString(inner, name, where);
        return (value) => typeof value === 'string' && value.endsWith(text);
      }
      case 'equals-ignore-case': {
        const texts = new Set(stringOrStrings(inner, name, where).map((text) => text.toLowerCase()));
        return (value) => typeof value === 'string' && texts.has(value.toLowerCase());
      }
      case 'wildcard': {
        const regexes = stringOrStrings(inner, name, where).map((text) => wildcardRegex(text, where));
        return (value) => typeof value === 'string' && regexes.some((regex) => regex.test(value));
      }
      default:
        throw invalid(where, `"anything-but" does not support "${name}" inside`);
    }
  }
  throw invalid(
    where,
    `"anything-but" expects a string, a number, a list or an operator object, got ${describe(operand)}`,
  );
}

const NUMERIC_LIMIT = 5e9;
const LOWER = new Set(['>', '>=']);
const UPPER = new Set(['<', '<=']);

/** `numeric`: `["=", n]`, one bound, or one lower and one upper bound. Values must be JSON numbers. */
function numericTest(operand: unknown, where: string): ValueTest {
  if (!Array.isArray(operand) || (operand.length !== 2 && operand.length !== 4)) {
    throw invalid(where, '"numeric" expects [operator, number] or [operator, number, operator, number]');
  }
  const bounds: { op: string; limit: number }[] = [];
  for (let i = 0; i < operand.length; i += 2) {
    const op = operand[i];
    const limit = operand[i + 1];
    if (typeof op !== 'string' || !(op === '=' || LOWER.has(op) || UPPER.has(op))) {
      throw invalid(where, `"numeric" operator must be one of =, <, <=, >, >=, got ${describe(op)}`);
    }
    if (typeof limit !== 'number' || !Number.isFinite(limit) || Math.abs(limit) > NUMERIC_LIMIT) {
      throw invalid(where, `"numeric" bound must be a number between -5e9 and 5e9, got ${describe(limit)}`);
    }
    bounds.push({ op, limit });
  }
  const [first, second] = bounds;
  if (second && first) {
    const lower = LOWER.has(first.op) ? first : LOWER.has(second.op) ? second : undefined;
    const upper = UPPER.has(first.op) ? first : UPPER.has(second.op) ? second : undefined;
    if (!lower || !upper)
      throw invalid(where, '"numeric" with two bounds needs one lower (>, >=) and one upper (<, <=)');
    if (lower.limit > upper.limit)
      throw invalid(where, `"numeric" range is empty (${lower.limit} > ${upper.limit})`);
  }
  return (value) => typeof value === 'number' && bounds.every(({ op, limit }) => compare(value, op, limit));
}

function compare(value: number, op: string, limit: number): boolean {
  switch (op) {
    case '=':
      return value === limit;
    case '>':
      return value > limit;
    case '>=':
      return value >= limit;
    case '<':
      return value < limit;
    default:
      return value <= limit;
  }
}

/** `*` matches any run of characters; `\*` is a literal star and `\\` a literal backslash. */
function wildcardRegex(text: string, where: string): RegExp {
  let source = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (char === '\\') {
      const next = text[i + 1];
      if (next !== '*' && next !== '\\') {
        throw invalid(where, `"wildcard" ${JSON.stringify(text)}: a backslash may only escape "*" or "\\"`);
      }
      source += escapeRegex(next);
      i++;
    } else if (char === '*') {
      if (text[i + 1] === '*')
        throw invalid(where, `"wildcard" ${JSON.stringify(text)}: consecutive "*" are not allowed`);
      source += '[\\s\\S]*';
    } else {
      source += escapeRegex(char);
    }
  }
  return new RegExp(`^${source}$`);
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

// ---------------------------------------------------------------------------------------------
// CIDR
// ---------------------------------------------------------------------------------------------

interface CidrRange {
  bits: 32 | 128;
  network: bigint;
  mask: bigint;
}

function parseCidr(text: string, where: string): CidrRange {
  const slash = text.indexOf('/');
  const address = slash < 0 ? undefined : parseIp(text.slice(0, slash));
  const prefixText = slash < 0 ? '' : text.slice(slash + 1);
  const prefix = /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : Number.NaN;
  if (!address || !(prefix <= address.bits)) {
    throw invalid(
      where,
      `"cidr" expects an IPv4 or IPv6 network such as "10.0.0.0/24", got ${JSON.stringify(text)}`,
    );
  }
  const all = (1n << BigInt(address.bits)) - 1n;
  const mask = all ^ ((1n << BigInt(address.bits - prefix)) - 1n);
  return { bits: address.bits, network: address.value & mask, mask };
}

function inCidr(text: string, range: CidrRange): boolean {
  const address = parseIp(text);
  return (
    address !== undefined && address.bits === range.bits && (address.value & range.mask) === range.network
  );
}

function parseIp(text: string): { bits: 32 | 128; value: bigint } | undefined {
  if (text.includes(':')) {
    const value = parseIpv6(text);
    return value === undefined ? undefined : { bits: 128, value };
  }
  const value = parseIpv4(text);
  return value === undefined ? undefined : { bits: 32, value };
}

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    value = (value << 8n) | BigInt(part);
  }
  return value;
}

function parseIpv6(text: string): bigint | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = groups(halves[0] ?? '');
  const tail = halves.length === 2 ? groups(halves[1] ?? '') : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const all = [...head, ...Array<number>(Math.max(missing, 0)).fill(0), ...tail];
  return all.reduce((acc, group) => (acc << 16n) | BigInt(group), 0n);
}

/** The 16-bit groups of one side of "::"; a trailing dotted IPv4 counts as two groups. */
function groups(text: string): number[] | undefined {
  if (text === '') return [];
  const parts = text.split(':');
  const result: number[] = [];
  for (const [index, part] of parts.entries()) {
    if (index === parts.length - 1 && part.includes('.')) {
      const v4 = parseIpv4(part);
      if (v4 === undefined) return undefined;
      result.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
    } else if (/^[0-9a-fA-F]{1,4}$/.test(part)) {
      result.push(Number.parseInt(part, 16));
    } else {
      return undefined;
    }
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Matching
// ---------------------------------------------------------------------------------------------

function matchNode(pattern: CompiledPattern, node: unknown): boolean {
  if (Array.isArray(node)) {
    const elements = node.flat(Number.POSITIVE_INFINITY);
    if (elements.length === 0) return matchRecord(pattern, undefined);
    return elements.some((element) => matchRecord(pattern, isRecord(element) ? element : undefined));
  }
  return matchRecord(pattern, isRecord(node) ? node : undefined);
}

/** `record` undefined: the pattern applies where the event has nothing (only absence can match). */
function matchRecord(pattern: CompiledPattern, record: Record<string, unknown> | undefined): boolean {
  for (const field of pattern.fields) {
    const value = record && Object.hasOwn(record, field.key) ? record[field.key] : undefined;
    const matched = field.kind === 'nested' ? matchNode(field.pattern, value) : matchLeaves(field, value);
    if (!matched) return false;
  }
  return pattern.ors.every((alternatives) =>
    alternatives.some((alternative) => matchRecord(alternative, record)),
  );
}

function matchLeaves(field: LeafField, value: unknown): boolean {
  const leaves = (Array.isArray(value) ? value.flat(Number.POSITIVE_INFINITY) : [value]).filter(isLeaf);
  if (leaves.length === 0) return field.matchesAbsent;
  return leaves.some((leaf) => field.tests.some((test) => test(leaf)));
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

function singleOperator(value: Record<string, unknown>, where: string): { name: string; operand: unknown } {
  const keys = Object.keys(value);
  const [name] = keys;
  if (keys.length !== 1 || name === undefined) {
    throw invalid(
      where,
      `an operator object has exactly one key, got ${keys.length ? keys.join(', ') : 'none'}`,
    );
  }
  return { name, operand: value[name] };
}

function requireString(value: unknown, operator: string, where: string): string {
  if (typeof value !== 'string')
    throw invalid(where, `"${operator}" expects a string, got ${describe(value)}`);
  return value;
}

function stringOrStrings(value: unknown, operator: string, where: string): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'string'))
    return value;
  throw invalid(
    where,
    `"${operator}" expects a string or a non-empty list of strings, got ${describe(value)}`,
  );
}

function isLeaf(value: unknown): value is Leaf {
  return (
    value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
  );
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  return 'an object';
}

function invalid(where: string, message: string): EventPatternError {
  return new EventPatternError(`invalid event pattern at ${where}: ${message}`);
}
