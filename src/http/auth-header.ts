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

/**
 * HTTP Basic credentials as RFC 6749 2.3.1 sends a client's: `base64(urlencoded id ":" urlencoded
 * secret)`, both decoded; null when the header is not Basic. A Basic header that does not decode
 * is MALFORMED_AUTHORIZATION.
 */
export function basicCredentials(header: string | undefined): { id: string; secret: string } | null {
  const basic = header === undefined ? null : /^Basic +([A-Za-z0-9+/=]+) *$/i.exec(header);
  if (!basic) return null;
  try {
    const decoded = atob(basic[1]!);
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new Error('no colon');
    const formDecoded = (value: string) => decodeURIComponent(value.replaceAll('+', ' '));
    return { id: formDecoded(decoded.slice(0, colon)), secret: formDecoded(decoded.slice(colon + 1)) };
  } catch {
    throw new AppError('MALFORMED_AUTHORIZATION');
  }
}

/**
 * A server or account token sent by an OAuth client: `Basic` (RFC 6749 2.3.1: the token is the
 * client secret, form-url-encoded), `Bearer`, or raw.
 */
export function clientSecretToken(header: string | undefined): string {
  return basicCredentials(header)?.secret ?? rawOrBearerToken(header);
}
