// A browser, as far as the hosted pages can tell: a cookie jar over a test client, that follows
// nothing by itself (tests assert each redirect), sends an Origin on POST like a browser does, and
// reads forms' hidden fields. For real Chromium, see test/browser.
import { expect } from 'vitest';
import type { Client, RequestOptions } from './driver';

export interface Browser {
  cookies: Map<string, string>;
  get(path: string, opts?: RequestOptions): Promise<Response>;
  /** Submits a form as the page would: with the CSRF field of the page it was read from. */
  submit(path: string, fields: Record<string, string>, opts?: RequestOptions): Promise<Response>;
  /** Reads a page and returns its CSRF field (the page sets the cookie). */
  csrfOf(path: string): Promise<string>;
  signIn(login: string, password: string, returnTo?: string): Promise<Response>;
}

export const ORIGIN = 'https://gatehouse.test';

export function newBrowser(client: Client): Browser {
  const cookies = new Map<string, string>();

  function remember(response: Response): Response {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const index = pair!.indexOf('=');
      const name = pair!.slice(0, index).trim();
      const value = pair!.slice(index + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=thu, 01 jan 1970/i.test(a));
      if (expired || value === '') cookies.delete(name);
      else cookies.set(name, value);
    }
    return response;
  }

  function headersOf(opts: RequestOptions = {}): Record<string, string> {
    const cookie = [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    return { ...(cookie ? { cookie } : {}), accept: 'text/html', ...opts.headers };
  }

  const browser: Browser = {
    cookies,
    get: async (path, opts = {}) => remember(await client.get(path, { ...opts, headers: headersOf(opts) })),
    async csrfOf(path) {
      const page = await (await browser.get(path)).text();
      const match = /name="csrf" value="([^"]+)"/.exec(page);
      expect(match, `no CSRF field on ${path}`).not.toBeNull();
      return match![1]!;
    },
    async submit(path, fields, opts = {}) {
      const headers = { origin: ORIGIN, ...headersOf(opts) };
      return remember(await client.post(path, { form: fields, headers }));
    },
    async signIn(login, password, returnTo = '/account') {
      const csrf = await browser.csrfOf(`/signin?return=${encodeURIComponent(returnTo)}`);
      return browser.submit('/signin', { csrf, login, password, return: returnTo });
    },
  };
  return browser;
}
