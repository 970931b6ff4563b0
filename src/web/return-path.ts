// Where a page sends the browser next: only a path on this host. An absolute URL, a
// scheme-relative `//host`, a backslash (which browsers read as a slash) or a control character
// would make the sign-in page an open redirect, so any of them falls back to the account page.
export const DEFAULT_RETURN = '/account';

/**
 * Long enough for an OAuth authorize URL coming back through sign-in (a 1024-character state and
 * a 512-character nonce grow threefold when percent-encoded), short of the 16 KiB a URL may be.
 */
const MAX_RETURN_LENGTH = 8192;

export function safeReturnPath(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_RETURN_LENGTH) return DEFAULT_RETURN;
  if (!value.startsWith('/') || value.startsWith('//') || /[\\\u0000-\u001f\u007f]/.test(value)) return DEFAULT_RETURN;
  return value;
}
