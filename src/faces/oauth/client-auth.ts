// Who the client says it is at the token endpoint (RFC 6749 2.3.1): HTTP Basic
// (`client_secret_basic`: the id and secret form-url-encoded), or `client_id` with an optional
// `client_secret` in the body (`client_secret_post`; a public client sends `client_id` alone).
// Using two methods at once is refused.
import { AppError } from '../../core/errors';
import type { ClientCredentials } from '../../core/oauth-clients';
import { basicCredentials } from '../../http/auth-header';

/** The client credentials of a token request; undefined when it names no client at all. */
export function clientCredentials(
  header: string | undefined,
  body: { client_id?: string | undefined; client_secret?: string | undefined },
): ClientCredentials | undefined {
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
