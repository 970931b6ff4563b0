// Where a page sends the browser next: only a path on this host. An absolute URL, a
// scheme-relative `//host`, a backslash (which browsers read as a slash) or a control character
// would make the sign-in page an open redirect, so any of them falls back to the account page.
export const DEFAULT_RETURN = '/account';

export function safeReturnPath(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2048) return DEFAULT_RETURN;
  if (!value.startsWith('/') || value.startsWith('//') || /[\\\u0000-\u001f\u007f]/.test(value)) return DEFAULT_RETURN;
  return value;
}
