// The OAuth/OIDC face as the service sees it: /oauth, RFC 6749 error bodies, and the two routes a
// browser is sent to (authorize, logout), whose errors are pages.
import { z } from 'zod';
import type { Face } from '../../http/face';
import { TAGS } from '../../openapi/describe';
import { renderOAuthError } from './errors';

/** RFC 6749 section 5.2 (errors.ts); `requestId` only with a server_error. */
const OAuthErrorBody = z.object({
  error: z.string().meta({ example: 'invalid_grant' }),
  error_description: z.string().meta({ example: 'The credentials are incorrect.' }),
  requestId: z.string().optional(),
});

export const oauth: Face = {
  name: 'oauth',
  paths: ['/oauth'],
  browser: ['/oauth/authorize', '/oauth/logout'],
  renderError: renderOAuthError,
  tags: [{ name: TAGS.oauth, description: 'OAuth 2 token, revocation, introspection and OpenID Connect userinfo.' }],
  errorBody: { name: 'OAuthError', schema: OAuthErrorBody },
};
