// Reading request bodies and fields. JSON everywhere; form-encoded too where the original system
// or the RFC accepted it. A body that is not an object, or a field of the wrong type, is a 400
// naming the field, never a 500.
import type { Context } from 'hono';
import type { Config } from '../config';
import { AppError, invalidField } from '../core/errors';
import type { AppEnv } from './types';

export type Fields = Record<string, unknown>;

/** Whether the value is a JSON object (not null, not an array). */
export function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The body as an object: JSON always; form-encoded too when `form` is set. Empty body: {}. */
export async function readBody<E extends AppEnv>(c: Context<E>, options: { form?: boolean } = {}): Promise<Fields> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  // Decoded from bytes: workerd warns when .text() reads a body whose type is not text.
  const text = new TextDecoder().decode(await c.req.arrayBuffer());
  if (text.trim() === '') return {};
  if (options.form && type === 'application/x-www-form-urlencoded') {
    return Object.fromEntries(new URLSearchParams(text));
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new AppError('INVALID_JSON', { reason: 'the body is not valid JSON' });
  }
  if (!isObject(parsed)) throw new AppError('INVALID_JSON', { reason: 'the body must be a JSON object' });
  return parsed;
}

/**
 * The longest password field a face reads, in UTF-16 code units (what `optionalString` measures).
 * The policy counts characters (code points, `passwordMaxLength`) and one character takes at most
 * two code units, so twice the policy's maximum admits every password the policy accepts while a
 * longer field is refused before the core measures it (and long before it is hashed).
 */
export function passwordFieldMaxLength(config: Pick<Config, 'passwordMaxLength'>): number {
  return config.passwordMaxLength * 2;
}

/** A string field: undefined when absent (or null), INVALID_FIELD when of another type. */
export function optionalString(fields: Fields, name: string, maxLength = 1024): string | undefined {
  const value = fields[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidField(name, 'must be a string');
  if (value.length > maxLength) throw invalidField(name, `must be at most ${maxLength} characters`);
  return value;
}

/** A string field that must be present and not empty. */
export function requiredString(fields: Fields, name: string, maxLength = 1024): string {
  const value = optionalString(fields, name, maxLength);
  if (value === undefined || value === '') throw invalidField(name, 'is missing');
  return value;
}

export function optionalBoolean(fields: Fields, name: string): boolean | undefined {
  const value = fields[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw invalidField(name, 'must be a boolean');
  return value;
}

export function optionalInteger(fields: Fields, name: string, min: number, max: number): number | undefined {
  const value = fields[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalidField(name, `must be a whole number from ${min} to ${max}`);
  }
  return value;
}
