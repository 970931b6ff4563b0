// Reading the stub origin's echo page (origin.ts) from a browser test.
import type { Page } from 'playwright-core';

/** The headers the origin received for the page shown, lower-case names; {} when it is not the echo page. */
export async function originHeaders(page: Page): Promise<Record<string, string>> {
  const cells = await page.locator('td[data-header]').all();
  const headers: Record<string, string> = {};
  for (const cell of cells) {
    const name = await cell.getAttribute('data-header');
    if (name)
      headers[name] =
        headers[name] === undefined ? ((await cell.textContent()) ?? '') : `${headers[name]}, ${(await cell.textContent()) ?? ''}`;
  }
  return headers;
}
