// Who the client says it is at the token endpoint (RFC 6749 2.3.1): HTTP Basic
// (`client_secret_basic`: the id and secret form-url-encoded), or `client_id` with an optional
// `client_secret` in the body (`client_secret_post`; a public client sends `client_id` alone), or
// a signed `client_assertion` (`private_key_jwt`, RFC 7523 2.2; `client_id` may be left out: the
// assertion's `sub` names the client). Using two methods at once is refused.
import { AppError } from '../../core/errors';
import { clientIdOfAssertion, type ClientCredentials } from '../../core/client-authentication';
import { basicCredentials } from '../../http/auth-header';

export const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

interface ClientFields {
  client_id?: string | undefined;
  client_secret?: string | undefined;
  client_assertion_type?: string | undefined;
  client_assertion?: string | undefined;
}

/** private_key_jwt's credentials: the assertion, of the one type RFC 7523 defines, and no other method beside it. */
function assertionCredentials(header: string | undefined, body: ClientFields): ClientCredentials {
  const { client_id: bodyId, client_assertion: assertion } = body;
  if (body.client_assertion_type !== JWT_BEARER_ASSERTION) {
    throw new AppError('UNAUTHENTICATED', { reason: `client_assertion_type must be ${JWT_BEARER_ASSERTION}` });
  }
  if (header !== undefined && /^basic /i.test(header))
    throw new AppError('UNAUTHENTICATED', { reason: 'use one client authentication method' });
  if (body.client_secret !== undefined) throw new AppError('UNAUTHENTICATED', { reason: 'use one client authentication method' });
  const clientId = bodyId ?? clientIdOfAssertion(assertion!);
  if (clientId === undefined) throw new AppError('UNAUTHENTICATED', { reason: 'the client assertion names no client' });
  return { clientId, assertion: assertion! };
}

/** The client credentials of a token request; undefined when it names no client at all. */
export function clientCredentials(header: string | undefined, body: ClientFields): ClientCredentials | undefined {
  if (body.client_assertion !== undefined || body.client_assertion_type !== undefined) return assertionCredentials(header, body);
  const { client_id: bodyId, client_secret: bodySecret } = body;
  const basic = basicCredentials(header);
  if (!basic) {
    if (bodyId === undefined) {
      if (bodySecret !== undefined) throw new AppError('UNAUTHENTICATED', { reason: 'client_secret without client_id' });
      return undefined;
    }
    return { clientId: bodyId, ...(bodySecret === undefined ? {} : { secret: bodySecret }) };
  }
  if (bodySecret !== undefined) throw new AppError('UNAUTHENTICATED', { reason: 'use one client authentication method' });
  if (bodyId !== undefined && bodyId !== basic.id) throw new AppError('UNAUTHENTICATED', { reason: 'client_id does not match' });
  return { clientId: basic.id, secret: basic.secret };
}
