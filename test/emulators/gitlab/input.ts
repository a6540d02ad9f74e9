import type { IncomingMessage } from 'node:http';
import { ApiError, invalidParameter } from './errors.ts';

/** Query and body parameters merged (the body wins), as the API reads them. */
export type Input = Record<string, unknown>;

export async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const INVALID_JSON = new ApiError(400, { message: 'Invalid json', error: 'Invalid json' });

/** JSON and form bodies are both accepted; anything else is ignored. */
export function parseInput(query: URLSearchParams, body: Buffer, contentType: string | undefined): Input {
  const input: Input = Object.fromEntries(query);
  if (body.length === 0) return input;
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') {
    return { ...input, ...Object.fromEntries(new URLSearchParams(body.toString('utf8'))) };
  }
  if (type !== 'application/json' && type !== '') return input;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw INVALID_JSON;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw INVALID_JSON;
  return { ...input, ...(parsed as Input) };
}

export function optionalString(input: Input, name: string): string | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw invalidParameter(`${name} is invalid`);
}

/** A required parameter; blank counts as missing where GitLab declares `allow_blank: false`. */
export function requiredString(input: Input, name: string, allowBlank = false): string {
  const value = optionalString(input, name);
  if (value === undefined) throw invalidParameter(`${name} is missing`);
  if (!allowBlank && value.trim() === '') throw invalidParameter(`${name} is empty`);
  return value;
}

export function optionalBoolean(input: Input, name: string): boolean | undefined {
  const value = input[name];
  if (value === undefined || value === null || value === '') return undefined;
  if (value === true || value === 'true' || value === '1' || value === 1) return true;
  if (value === false || value === 'false' || value === '0' || value === 0) return false;
  throw invalidParameter(`${name} is invalid`);
}

export function optionalInteger(input: Input, name: string): number | undefined {
  const value = input[name];
  if (value === undefined || value === null || value === '') return undefined;
  const number = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(number)) throw invalidParameter(`${name} is invalid`);
  return number;
}

/** One of `values`, or the validation error GitLab gives for a value outside them. */
export function optionalChoice<T extends string>(
  input: Input,
  name: string,
  values: readonly T[],
): T | undefined {
  const value = optionalString(input, name);
  if (value === undefined) return undefined;
  if (!(values as readonly string[]).includes(value)) {
    throw invalidParameter(`${name} does not have a valid value`);
  }
  return value as T;
}
