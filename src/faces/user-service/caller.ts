// Who is calling the User Service: the user a bearer token names (before a route's fields are
// checked, as the routes always did), the original's token re-issue by a bare bearer login, and
// the token offered to the register route.
import type { Context, MiddlewareHandler } from 'hono';
import { logInWithAccessToken, userOfAccessToken } from '../../core/email-accounts';
import type { StartedSession } from '../../core/sessions';
import type { UserRow } from '../../core/users';
import { bearerToken, rawOrBearerToken } from '../../http/auth-header';
import { readBody } from '../../http/body';
import type { AppEnv } from '../../http/types';

/** The bearer routes read their user from `c.get('user')`. */
export type ServiceEnv = { Bindings: AppEnv['Bindings']; Variables: AppEnv['Variables'] & { user: UserRow } };

/** The signed-in user of a bearer route; anything but a good access token is a 401. */
export const signedIn: MiddlewareHandler<ServiceEnv> = async function signedIn(c, next) {
  c.set('user', await userOfAccessToken(c.env.deps, bearerToken(c.req.header('authorization'))));
  await next();
};

/**
 * A login that sends no e-mail or password but a bearer token gets new tokens for the token's
 * user, as the original re-issued them; any other login goes on to the credentials' check.
 */
export type LoginAnswer = (c: Context<ServiceEnv>, login: { user: UserRow; session: StartedSession }) => Response;

export function bearerOnlyLogin(answer: LoginAnswer): MiddlewareHandler<ServiceEnv> {
  return async function bearerOnlyLogin(c, next) {
    const fields = await readBody(c, { form: true });
    const header = c.req.header('authorization');
    if (fields.email !== undefined || fields.password !== undefined || header === undefined || header.trim() === '') return next();
    return answer(c, await logInWithAccessToken(c.env.deps, bearerToken(header)));
  };
}

/** A token offered to the register route (the account token raw or as Bearer); none when absent or malformed. */
export function offeredToken(header: string | undefined): string | undefined {
  try {
    return rawOrBearerToken(header);
  } catch {
    return undefined;
  }
}
