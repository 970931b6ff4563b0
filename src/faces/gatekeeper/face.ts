// The Gatekeeper face as the service sees it: its paths (its root, GET /api, is registered by it
// but lies in droplit's /api), its error dialect and body.
import { z } from 'zod';
import type { Face } from '../../http/face';
import { TAGS } from '../../openapi/describe';
import { renderGatekeeperError } from './errors';

/** `{"error": {"code": <status>, "message"}}` (errors.ts); `requestId` only on a 500. */
const GatekeeperErrorBody = z.object({
  error: z.object({ code: z.number().int().meta({ example: 400 }), message: z.string().meta({ example: 'User name is missing' }) }),
  requestId: z.string().optional(),
});

export const gatekeeper: Face = {
  name: 'gatekeeper',
  paths: ['/api/v2'],
  browser: false,
  renderError: renderGatekeeperError,
  tags: [{ name: TAGS.gatekeeper, description: 'The SONATA Gatekeeper’s user and session API (trailing slashes accepted).' }],
  errorBody: { name: 'GatekeeperError', schema: GatekeeperErrorBody },
};
