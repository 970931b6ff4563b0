// Headless Chromium (Debian's package, /usr/bin/chromium) through playwright-core: no browser is
// downloaded. One browser per test file (useBrowser() in a describe or at the top of a file), a
// fresh context (cookies, storage) per page unless the test shares one.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const DESKTOP = { width: 1280, height: 800 } as const;
export const PHONE = { width: 390, height: 844 } as const;

/** Launches headless Chromium; --no-sandbox only when running as root (Chromium refuses otherwise). */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH)`);
  const root = process.getuid?.() === 0;
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: root ? ['--no-sandbox'] : [] });
}

export interface BrowserHandle {
  /** The file's browser (after beforeAll). */
  readonly browser: Browser;
  /** A new context (its own cookies) at desktop size; closed with the browser at the end of the file. */
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
  /** A page in a new context of its own. */
  newPage(options?: BrowserContextOptions): Promise<Page>;
}

/** Registers beforeAll/afterAll hooks that launch one browser for the file and close it. */
export function useBrowser(): BrowserHandle {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  const handle: BrowserHandle = {
    get browser() {
      if (!browser) throw new Error('useBrowser(): the browser starts in beforeAll; use it inside a test or hook');
      return browser;
    },
    newContext: (options = {}) => handle.browser.newContext({ viewport: DESKTOP, ...options }),
    newPage: async (options = {}) => (await handle.newContext(options)).newPage(),
  };
  return handle;
}
