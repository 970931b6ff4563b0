// Screenshots of a page at desktop (1280x800) and phone (390x844) widths, full page, as
// <dir>/<name>-desktop.png and <name>-phone.png. `dir` defaults to SCREENSHOT_DIR (below; the
// README shows docs/screenshots); tests that only prove the harness pass a temporary directory.
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { DESKTOP, PHONE } from './browser.ts';

/**
 * Where screenshots go: docs/screenshots (committed, shown in the README) when the run was started
 * with UPDATE_SCREENSHOTS=1, else a directory under the system's temp dir. Pages that show a time
 * or the run's port differ on every run, so a plain test run must not rewrite committed files.
 */
export const SCREENSHOT_DIR =
  process.env.UPDATE_SCREENSHOTS === '1'
    ? join(import.meta.dirname, '..', '..', '..', 'docs', 'screenshots')
    : join(tmpdir(), 'gatehouse-screenshots');

/** Writes both screenshots and returns their paths; the page's viewport is restored afterwards. */
export async function screenshot(page: Page, name: string, dir: string = SCREENSHOT_DIR): Promise<{ desktop: string; phone: string }> {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) throw new Error(`screenshot name "${name}": use lower-case letters, digits and "-"`);
  mkdirSync(dir, { recursive: true });
  const before = page.viewportSize();
  const paths = { desktop: join(dir, `${name}-desktop.png`), phone: join(dir, `${name}-phone.png`) };
  try {
    await page.setViewportSize(DESKTOP);
    await page.screenshot({ path: paths.desktop, fullPage: true, animations: 'disabled' });
    await page.setViewportSize(PHONE);
    await page.screenshot({ path: paths.phone, fullPage: true, animations: 'disabled' });
  } finally {
    if (before) await page.setViewportSize(before);
  }
  return paths;
}
