// The droplit Users API (/api), shaped as droplit's SDK: `users.createToken("ECOSYSTEM-ID",
// "USER-ID", TTL, "EXPIRY-TYPE")`. Calls send the server token raw in `authorization`, as droplit
// did, or the account token when no server token was given.
import { pages, queryNumber, required, unwrap, type ApiClient, type JsonBody, type Query, type Schemas } from './http.ts';

export type ExpiryType = NonNullable<Query<'/api/users/{user}/tokens', 'post'>['expiryType']>;
export type DroplitUser = Schemas['DroplitUser'];
export type DroplitUserChanges = JsonBody<'/api/users/{user}', 'put'>;

export interface TokenOptions {
  /** Seconds (default 3600); ignored by the server for Infinite tokens. */
  ttl?: number;
  expiryType?: ExpiryType;
}

/**
 * `/api/users/ECOSYSTEM-ID;USER-ID` with a literal `;`, each id percent-encoded once (the path
 * template's one parameter holds both ids, which openapi-fetch would otherwise encode whole).
 */
function userRef(ecosystemId: string, userId: string) {
  const segment = `${encodeURIComponent(ecosystemId)};${encodeURIComponent(userId)}`;
  return {
    params: { path: { user: `${ecosystemId};${userId}` } },
    pathSerializer: (path: string) => path.replace('{user}', segment),
  };
}

export function droplitUsers(api: ApiClient, tokens: { serverToken?: string; accountToken?: string }) {
  const auth = () => ({ authorization: required(tokens.serverToken ?? tokens.accountToken, 'serverToken or accountToken') });

  async function put(ecosystemId: string, userId: string, changes?: DroplitUserChanges): Promise<{ created: boolean; user: DroplitUser }>;
  async function put(
    ecosystemId: string,
    userId: string,
    changes: DroplitUserChanges | undefined,
    token: { generateToken: true } & TokenOptions,
  ): Promise<{ created: boolean; token: string }>;
  async function put(
    ecosystemId: string,
    userId: string,
    changes?: DroplitUserChanges,
    token?: { generateToken: true } & TokenOptions,
  ): Promise<{ created: boolean; user?: DroplitUser; token?: string }> {
    const ref = userRef(ecosystemId, userId);
    const query = token ? { generateToken: 'true' as const, ttl: queryNumber(token.ttl), expiryType: token.expiryType } : {};
    const call = api.PUT('/api/users/{user}', {
      ...ref,
      params: { ...ref.params, query },
      body: changes ?? {},
      headers: auth(),
    });
    const body = await unwrap(call);
    const created = (await call).response.status === 201;
    return 'token' in body ? { created, token: body.token } : { created, user: body };
  }

  return {
    /** droplit SDK's `users.createToken`: a user token of the given expiry type (default FixedTtl, 3600 s). */
    async createToken(ecosystemId: string, userId: string, ttl?: number, expiryType?: ExpiryType): Promise<string> {
      const ref = userRef(ecosystemId, userId);
      const call = api.POST('/api/users/{user}/tokens', {
        ...ref,
        params: { ...ref.params, query: { ttl: queryNumber(ttl), expiryType } },
        headers: auth(),
      });
      return (await unwrap(call)).token;
    },
    /** Creates or updates a user (201 vs 200 as `created`); with `{ generateToken: true }` answers a token instead. */
    put,
    async get(ecosystemId: string, userId: string): Promise<DroplitUser> {
      return unwrap(api.GET('/api/users/{user}', { ...userRef(ecosystemId, userId), headers: auth() }));
    },
    /** The ecosystem's users, a page (an array) per iteration: `for await (const page of users.list(eco))`. */
    list(ecosystemId: string, options: { limit?: number } = {}): AsyncGenerator<DroplitUser[]> {
      return pages((cursor) =>
        unwrap(api.GET('/api/users', { params: { query: { ecosystemId, limit: queryNumber(options.limit), cursor } }, headers: auth() })),
      );
    },
    /** Deletes the user with its tokens and grants. */
    async delete(ecosystemId: string, userId: string): Promise<void> {
      await unwrap(api.DELETE('/api/users/{user}', { ...userRef(ecosystemId, userId), headers: auth() }));
    },
    /** Logs the user out: every token of the user stops working. */
    async logout(ecosystemId: string, userId: string): Promise<void> {
      await unwrap(api.DELETE('/api/users/{user}/tokens', { ...userRef(ecosystemId, userId), headers: auth() }));
    },
  };
}
