// The hosted pages as the service sees it: the paths a person opens in a browser, whose every
// answer, errors included, is a page (src/web/errors.ts).
import type { Face } from '../../http/face';
import { TAGS } from '../../openapi/describe';
import { renderPageError } from '../../web/errors';

export const pages: Face = {
  name: 'pages',
  paths: ['/signin', '/signout', '/signup', '/forgot-password', '/reset-password', '/confirm-email', '/account', '/device'],
  browser: true,
  renderError: renderPageError,
  tags: [{ name: TAGS.pages, description: 'The hosted pages a person sees in a browser.' }],
};
