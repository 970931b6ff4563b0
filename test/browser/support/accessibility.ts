// axe-core in the page: fails on any violation of impact "serious" or "critical", listing each
// with its rule, impact, help URL and the offending elements' selectors.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AxeResults, Result, RunOptions } from 'axe-core';
import type { Page } from 'playwright-core';

const require = createRequire(import.meta.url);
let axeSource: string | undefined;

const BLOCKING = new Set(['serious', 'critical']);

export interface AccessibilityOptions {
  /** axe rule ids to skip, each with a reason in the calling test. */
  disableRules?: string[];
  /** A CSS selector to check instead of the whole document. */
  include?: string;
}

/** Readable lines for violations: rule (impact): help <url>, then each element's selector and summary. */
export function describeViolations(violations: Result[]): string {
  return violations
    .map((violation) => {
      const nodes = violation.nodes.map(
        (node) => `    ${node.target.join(' ')}\n      ${(node.failureSummary ?? '').replace(/\n/g, '\n      ')}`,
      );
      return `  ${violation.id} (${violation.impact}): ${violation.help} ${violation.helpUrl}\n${nodes.join('\n')}`;
    })
    .join('\n');
}

/** Runs axe on the page; throws listing every serious or critical violation. Returns all results. */
export async function checkAccessibility(page: Page, options: AccessibilityOptions = {}): Promise<AxeResults> {
  axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  // The page's CSP may forbid inline scripts; evaluate() is not subject to it.
  await page.evaluate(axeSource);
  const runOptions: RunOptions = {
    resultTypes: ['violations'],
    rules: Object.fromEntries((options.disableRules ?? []).map((id) => [id, { enabled: false }])),
  };
  const results = (await page.evaluate(
    // Runs in the page, where axe is now a global.
    ([include, opts]) => {
      const page = globalThis as unknown as { document: unknown; axe: { run(context: unknown, options: unknown): Promise<unknown> } };
      return page.axe.run(include ?? page.document, opts);
    },
    [options.include, runOptions] as const,
  )) as AxeResults;
  const blocking = results.violations.filter((violation) => BLOCKING.has(violation.impact ?? ''));
  if (blocking.length > 0) {
    throw new Error(
      `accessibility: ${blocking.length} serious or critical axe violation(s) on ${page.url()}:\n${describeViolations(blocking)}`,
    );
  }
  return results;
}
