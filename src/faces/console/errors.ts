// The console's error dialect: the hosted pages' error page, leading back to the console rather
// than to the sign-in page. No value a person typed is echoed back.
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { html } from 'hono/html';
import { errorHeaders, STATUS_OF, type ErrorRenderer } from '../../http/errors';
import { pageMessageOf } from '../../web/errors';
import { renderPage, type PageOptions } from '../../web/layout';

export const renderConsoleError: ErrorRenderer = (c, error) => {
  const status = STATUS_OF[error.code] as ContentfulStatusCode;
  for (const [name, value] of Object.entries(errorHeaders(error))) c.header(name, value);
  const internal = status >= 500;
  return renderPage(c, {
    title: internal ? 'Something went wrong' : 'That did not work',
    status: (internal ? 503 : status) as PageOptions['status'],
    wide: true,
    body: html`<p class="error" role="alert">${pageMessageOf(error)}</p>${internal ? html`<p>Reference: ${c.get('requestId')}</p>` : ''}
<p class="links"><a href="/console">Back to the console</a></p>`,
  });
};
