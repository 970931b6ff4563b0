// Extracting credentials from the Authorization header.
import { AppError } from '../core/errors';

/**
 * The token of `Authorization: Bearer <token>`. No header: UNAUTHENTICATED; a header in another
 * form: MALFORMED_AUTHORIZATION (faces may render the two differently).
 */
export function bearerToken(header: string | undefined): string {
  if (header === undefined || header.trim() === '') throw new AppError('UNAUTHENTICATED');
  const match = /^Bearer +([^\s]+) *$/i.exec(header);
  if (!match) throw new AppError('MALFORMED_AUTHORIZATION');
  return match[1]!;
}

/** droplit's form: the raw token, or `Bearer <token>`. */
export function rawOrBearerToken(header: string | undefined): string {
  if (header === undefined || header.trim() === '') throw new AppError('UNAUTHENTICATED');
  const match = /^Bearer +([^\s]+) *$/i.exec(header);
  if (match) return match[1]!;
  const raw = header.trim();
  if (/\s/.test(raw)) throw new AppError('MALFORMED_AUTHORIZATION');
  return raw;
}
