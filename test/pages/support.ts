// Helpers for the hosted pages' tests: comparing two pages for sameness, and the page's shape.
import { expect } from 'vitest';
import { PASSKEY_SCRIPT } from '../../src/web/passkey-script';

export const SESSION = '__Host-gatehouse-session';

/** A page without what differs on every answer (CSP nonces, CSRF tokens, typed values). */
export function strip(page: string): string {
  return page.replace(/value="[^"]*"/g, '').replace(/nonce(-|=")[A-Za-z0-9_-]+/g, '');
}

/**
 * What every hosted page must be: HTML with a language, one h1, under the strict CSP, running no
 * script but the passkey forms' one, and that only by the response's nonce.
 */
export async function expectPage(response: Response, status: number): Promise<string> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^text\/html/);
  const csp = response.headers.get('content-security-policy')!;
  expect(csp).toContain("default-src 'none'");
  expect(csp).toContain("frame-ancestors 'none'");
  const page = await response.text();
  expect(page).toMatch(/<html lang="en">/);
  expect(page.match(/<h1[ >]/g)).toHaveLength(1);
  const script = /<script nonce="([A-Za-z0-9_-]+)">([\s\S]*?)<\/script>/.exec(page);
  if (script) {
    expect(script[2]).toBe(PASSKEY_SCRIPT);
    expect(csp).toContain(`script-src 'nonce-${script[1]}'`);
  } else {
    expect(csp).not.toContain('script-src');
  }
  expect(page.replace(script?.[0] ?? '', '')).not.toMatch(/<script|style="/);
  return page;
}
