import { fail } from './errors.ts';

/**
 * Readers for request members. A member of the wrong JSON type is a deserialization failure on the
 * service side (`SerializationException`, the generic awsJson error for an unreadable body); a
 * missing member is left to each operation, which answers with its own `...RequiredException`.
 */
export type Input = Record<string, unknown>;

export function parseBody(body: string): Input {
  let value: unknown;
  try {
    value = body.trim() === '' ? {} : JSON.parse(body);
  } catch {
    return fail('SerializationException', 'The request body is not valid JSON.');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return fail('SerializationException', 'The request body must be a JSON object.');
  }
  return value as Input;
}

export function optionalString(input: Input, member: string): string | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') fail('SerializationException', `Member '${member}' must be a string.`);
  return value as string;
}

export function optionalBoolean(input: Input, member: string): boolean | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') fail('SerializationException', `Member '${member}' must be a boolean.`);
  return value as boolean;
}

export function optionalList(input: Input, member: string): Input[] {
  const value = input[member];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return fail('SerializationException', `Member '${member}' must be a list.`);
  return value.map((item, index) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      return fail('SerializationException', `Member '${member}[${index}]' must be a structure.`);
    }
    return item as Input;
  });
}

export function optionalStructure(input: Input, member: string): Input | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    return fail('SerializationException', `Member '${member}' must be a structure.`);
  }
  return value as Input;
}

/** A flat pattern plus a length check: a grouped one overflows the regexp stack on megabytes. */
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Blob members travel as base64 strings in awsJson. */
export function optionalBlob(input: Input, member: string): Buffer | undefined {
  const text = optionalString(input, member);
  if (text === undefined) return undefined;
  if (text.length % 4 !== 0 || !BASE64.test(text))
    fail('SerializationException', `Member '${member}' is not valid base64.`);
  return Buffer.from(text, 'base64');
}

/** The JSON body kept in the call log: blob contents replaced by their decoded size. */
export function withoutBlobs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutBlobs);
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    copy[key] =
      key === 'fileContent' && typeof member === 'string'
        ? `[${Buffer.from(member, 'base64').length} bytes]`
        : withoutBlobs(member);
  }
  return copy;
}
