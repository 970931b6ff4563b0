// The operator console as the service sees it: pages under /console for admins of the console's
// ecosystem, signed in through the hosted sign-in with a second factor. Every answer, errors
// included, is a page (errors.ts).
import type { Face } from '../../http/face';
import { TAGS } from '../../openapi/describe';
import { renderConsoleError } from './errors';

export const consoleFace: Face = {
  name: 'console',
  paths: ['/console'],
  browser: true,
  renderError: renderConsoleError,
  tags: [{ name: TAGS.console, description: 'The operator’s console: pages for admins signed in with a second factor.' }],
};
