// The droplit face as the service sees it: everything under /api but the Gatekeeper's /api/v2
// (the Gatekeeper's root, GET /api, shares droplit's errors as it always did), its error dialect and body.
import { z } from 'zod';
import type { Face } from '../../http/face';
import { TAGS } from '../../openapi/describe';
import { renderDroplitError } from './errors';

/** `{"errorType", "errors": [{"in", "path", "message"}]}`, for every status (errors.ts). */
const DroplitErrorBody = z.object({
  errorType: z.string().meta({ example: 'InvalidParams' }),
  errors: z.array(z.object({ in: z.enum(['body', 'query', 'path', 'header', 'request']), path: z.string(), message: z.string() })),
  requestId: z.string().optional(),
});

export const droplit: Face = {
  name: 'droplit',
  paths: ['/api'],
  browser: false,
  renderError: renderDroplitError,
  tags: [
    { name: TAGS.droplit, description: 'The droplit-style Users API: an ecosystem’s backend manages its users and issues their tokens.' },
  ],
  errorBody: { name: 'DroplitError', schema: DroplitErrorBody },
};
