// Reading request bodies. JSON everywhere; form-encoded too where the original system or the RFC
// accepted it. A body that is not an object is a 400, never a 500; its fields are checked by each
// face's zod schemas (src/http/validate.ts, src/http/fields.ts).
import type { Context } from 'hono';
import type { Config } from '../config';
import { AppError } from '../core/errors';
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
 * The longest password field a face reads, in UTF-16 code units (what a schema's max measures).
 * The policy counts characters (code points, `passwordMaxLength`) and one character takes at most
 * two code units, so twice the policy's maximum admits every password the policy accepts while a
 * longer field is refused before the core measures it (and long before it is hashed).
 */
export function passwordFieldMaxLength(config: Pick<Config, 'passwordMaxLength'>): number {
  return config.passwordMaxLength * 2;
}
