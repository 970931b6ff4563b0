// Dynamic client registration (RFC 7591) at POST /oauth/register, and its management protocol (RFC
// 7592) at /oauth/register/:clientId with the registration access token. JSON bodies and answers,
// RFC 7591 3.2.2 errors (`invalid_redirect_uri`, `invalid_client_metadata`), `invalid_token` (401,
// with a Bearer challenge) for a missing or refused token. Answers are `no-store`: they hold secrets.
import { Hono, type Context } from 'hono';
import { describeRoute } from 'hono-openapi';
import * as registration from '../../core/client-registration';
import type { OAuthClientRow } from '../../core/oauth-clients';
import { bearerToken } from '../../http/auth-header';
import { rateLimitPerClient } from '../../http/rate-limit';
import type { AppEnv } from '../../http/types';
import { validate } from '../../http/validate';
import { jsonResponse, operation, SECURITY, TAGS } from '../../openapi/describe';
import * as s from './schemas';

export const registrationRoutes = new Hono<AppEnv>();

const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };

function metadataOf(c: Context<AppEnv>, client: OAuthClientRow) {
  return registration.registeredMetadata(client, `${c.env.deps.issuer}/oauth/register/${client.id}`);
}

const ERRORS = s.oauthErrors({
  400: 'invalid_redirect_uri, invalid_client_metadata (the description names the field), invalid_request (not JSON)',
  401: 'invalid_token: no initial access token where open registration is off, or a token that is not live',
  429: 'slow_down: too many registrations from this address',
});

registrationRoutes.post(
  '/register',
  describeRoute(
    operation(TAGS.oauth, 'Register a client (RFC 7591)', SECURITY.bearer, {
      201: jsonResponse(
        'The client’s metadata, its secret (confidential) and its registration access token, shown this once',
        s.ClientInformation,
      ),
      ...ERRORS,
    }),
  ),
  rateLimitPerClient({ scope: 'oauth-register' }),
  validate('json', s.ClientMetadata, { example: s.CLIENT_METADATA_EXAMPLE }),
  async (c) => {
    const header = c.req.header('authorization');
    const initialToken = header === undefined ? undefined : bearerToken(header);
    const registered = await registration.registerClient(c.env.deps, initialToken, c.req.valid('json'));
    const secret = registered.clientSecret === undefined ? {} : { client_secret: registered.clientSecret, client_secret_expires_at: 0 };
    return c.json(
      { ...metadataOf(c, registered.client), ...secret, registration_access_token: registered.registrationAccessToken },
      201,
      NO_STORE,
    );
  },
);

/** The client the registration access token manages, or invalid_token (RFC 7592 3). */
function registeredClient(c: Context<AppEnv>): Promise<OAuthClientRow> {
  return registration.authenticateRegistration(c.env.deps, c.req.param('clientId') ?? '', bearerToken(c.req.header('authorization')));
}

const MANAGE_ERRORS = s.oauthErrors({
  400: 'invalid_redirect_uri or invalid_client_metadata',
  401: 'invalid_token: not this client’s registration access token (or no such client)',
});

registrationRoutes.get(
  '/register/:clientId',
  describeRoute(
    operation(TAGS.oauth, 'Read a client’s registration (RFC 7592)', SECURITY.bearer, {
      200: jsonResponse('The client’s metadata (no secret)', s.ClientInformation),
      ...MANAGE_ERRORS,
    }),
  ),
  async (c) => c.json(metadataOf(c, await registeredClient(c)), 200, NO_STORE),
);

registrationRoutes.put(
  '/register/:clientId',
  describeRoute(
    operation(TAGS.oauth, 'Replace a client’s registration (RFC 7592)', SECURITY.bearer, {
      200: jsonResponse('The client’s metadata as now registered', s.ClientInformation),
      ...MANAGE_ERRORS,
    }),
  ),
  validate('json', s.ClientMetadata),
  async (c) => {
    const client = await registeredClient(c);
    return c.json(metadataOf(c, await registration.replaceRegistration(c.env.deps, client, c.req.valid('json'))), 200, NO_STORE);
  },
);

registrationRoutes.delete(
  '/register/:clientId',
  describeRoute(
    operation(TAGS.oauth, 'Delete a client’s registration (RFC 7592)', SECURITY.bearer, {
      204: { description: 'Deleted: its codes and machine tokens end with it' },
      ...MANAGE_ERRORS,
    }),
  ),
  async (c) => {
    await registration.deleteRegistration(c.env.deps, await registeredClient(c));
    return c.body(null, 204);
  },
);
