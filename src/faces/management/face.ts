// The management face as the service sees it: the operator's routes, discovery, forward-auth, health
// and the API's own documentation (served by src/openapi), and every path no other face holds (`/`):
// an unknown path's error is in its dialect.
import { z } from 'zod';
import type { Face } from '../../http/face';
import { TAGS } from '../../openapi/describe';
import { renderManagementError } from './errors';

/** `{"error": {"code", "message"}, "requestId"}`, for every status (errors.ts). */
const ManagementErrorBody = z.object({
  error: z.object({ code: z.string().meta({ example: 'INVALID_FIELD' }), message: z.string().meta({ example: 'name must be a string.' }) }),
  requestId: z.string(),
});

export const management: Face = {
  name: 'management',
  paths: ['/', '/admin', '/.well-known', '/auth', '/healthz', '/openapi.json', '/docs'],
  browser: false,
  renderError: renderManagementError,
  tags: [
    { name: TAGS.operator, description: 'The operator’s routes under /admin/v1, with the account token.' },
    {
      name: TAGS.edge,
      description:
        'Forward-auth for reverse proxies, keys and discovery. The gateway’s own routes (GATEWAY_ROUTES) are configured per deployment and are not listed.',
    },
  ],
  errorBody: { name: 'ManagementError', schema: ManagementErrorBody },
};
