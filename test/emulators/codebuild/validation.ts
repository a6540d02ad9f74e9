import { fail } from '../codecommit/errors.ts';
import { type Input, optionalString, optionalStructure } from '../codecommit/input.ts';

/**
 * CodeBuild answers every unacceptable input, a missing required member included, with
 * `InvalidInputException`; constraint failures use AWS's usual "validation error detected" wording.
 * Members of the wrong JSON type stay `SerializationException` (input.ts).
 */
export const INVALID_INPUT = 'InvalidInputException';

export function invalidInput(message: string): never {
  return fail(INVALID_INPUT, message);
}

function shown(value: unknown): string {
  return value === undefined ? 'null' : `'${typeof value === 'string' ? value : JSON.stringify(value)}'`;
}

export function violation(path: string, value: unknown, constraint: string): never {
  return invalidInput(
    `1 validation error detected: Value ${shown(value)} at '${path}' failed to satisfy constraint: ${constraint}`,
  );
}

export function requiredString(input: Input, member: string, path = member, minLength = 1): string {
  const value = optionalString(input, member);
  if (value === undefined) return violation(path, value, 'Member must not be null');
  if (value.length < minLength) {
    violation(path, value, `Member must have length greater than or equal to ${minLength}`);
  }
  return value;
}

/** An optional string that, when present, must not be empty. */
export function optionalNonEmptyString(input: Input, member: string, path = member): string | undefined {
  const value = optionalString(input, member);
  if (value !== undefined && value.length === 0) {
    violation(path, value, 'Member must have length greater than or equal to 1');
  }
  return value;
}

export function requiredStructure(input: Input, member: string, path = member): Input {
  return optionalStructure(input, member) ?? violation(path, undefined, 'Member must not be null');
}

export function enumValue<T extends string>(value: string, allowed: readonly T[], path: string): T {
  if (!(allowed as readonly string[]).includes(value)) {
    violation(path, value, `Member must satisfy enum value set: [${allowed.join(', ')}]`);
  }
  return value as T;
}

export function optionalEnum<T extends string>(
  input: Input,
  member: string,
  allowed: readonly T[],
  path = member,
): T | undefined {
  const value = optionalString(input, member);
  return value === undefined ? undefined : enumValue(value, allowed, path);
}

export function optionalInteger(input: Input, member: string): number | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    fail('SerializationException', `Member '${member}' must be an integer.`);
  }
  return value as number;
}

export function integerWithin(
  input: Input,
  member: string,
  bounds: { min: number; max: number },
  path = member,
): number | undefined {
  const value = optionalInteger(input, member);
  if (value === undefined) return undefined;
  if (value < bounds.min)
    violation(path, value, `Member must have value greater than or equal to ${bounds.min}`);
  if (value > bounds.max)
    violation(path, value, `Member must have value less than or equal to ${bounds.max}`);
  return value;
}

/** A list of non-empty strings with `min`..`max` members. */
export function stringList(input: Input, member: string, bounds: { min: number; max: number }): string[] {
  const value = input[member];
  if (value === undefined || value === null) return violation(member, undefined, 'Member must not be null');
  if (!Array.isArray(value)) return fail('SerializationException', `Member '${member}' must be a list.`);
  if (value.length < bounds.min) {
    violation(member, value, `Member must have length greater than or equal to ${bounds.min}`);
  }
  if (value.length > bounds.max) {
    violation(member, value, `Member must have length less than or equal to ${bounds.max}`);
  }
  return value.map((item, index) => {
    if (typeof item !== 'string') {
      return fail('SerializationException', `Member '${member}[${index}]' must be a string.`);
    }
    if (item.length === 0)
      violation(`${member}.${index + 1}.member`, item, 'Member must have length greater than or equal to 1');
    return item;
  });
}
