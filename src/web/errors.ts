// The hosted pages' error dialect: a page, never JSON, with the status the error carries and a
// message safe to show (no value a person typed is echoed back but in its own field).
import { minutesInWords } from '../core/durations';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { html } from 'hono/html';
import type { AppError } from '../core/errors';
import { errorHeaders, messageOf, STATUS_OF, type ErrorRenderer } from '../http/errors';
import { renderPage, type PageOptions } from './layout';

/** What a person reads for the errors a page can meet; others fall back to the API's text. */
export function pageMessageOf(error: AppError): string {
  switch (error.code) {
    case 'INVALID_CREDENTIALS':
      return 'The e-mail or username and password do not match an account.';
    case 'ACCOUNT_LOCKED':
    case 'RATE_LIMITED': {
      // Rounded up: "try again in 1 minute" must not come before the lock is over.
      return `Too many attempts. Try again in ${minutesInWords(Math.ceil((error.detail.retryAfterSeconds ?? 60) / 60) * 60)}.`;
    }
    case 'USER_NOT_CONFIRMED':
      return 'Confirm your e-mail address first: follow the link in the mail we sent you.';
    default:
      return messageOf(error);
  }
}

export const renderPageError: ErrorRenderer = (c, error) => {
  const status = STATUS_OF[error.code] as ContentfulStatusCode;
  for (const [name, value] of Object.entries(errorHeaders(error))) c.header(name, value);
  const shown = (status >= 500 ? 503 : status) as PageOptions['status'];
  const requestId = error.code === 'INTERNAL' ? html`<p>Reference: ${c.get('requestId')}</p>` : '';
  return renderPage(c, {
    title: status >= 500 ? 'Something went wrong' : 'That did not work',
    status: error.code === 'INTERNAL' ? 503 : shown,
    body: html`<p class="error" role="alert">${pageMessageOf(error)}</p>${requestId}<p><a href="/signin">Back to sign in</a></p>`,
  });
};
