// The operator API (/admin/v1), with the account token as a bearer token.
import { pages, queryNumber, required, unwrap, type ApiClient, type JsonBody, type Schemas } from './http.ts';

export type Ecosystem = Schemas['Ecosystem'];
export type Environment = Schemas['Environment'];
export type AdminUser = Schemas['AdminUser'];
export type AdminNewUser = JsonBody<'/admin/v1/users', 'post'>;
export type Role = AdminUser['role'];
export type Session = Schemas['Session'];
export type OutboxItem = Schemas['OutboxItem'];
export type OutboxStatus = OutboxItem['status'];
export type OAuthClient = Schemas['Client'];
export type OAuthNewClient = JsonBody<'/admin/v1/clients', 'post'>;
export type OAuthClientChanges = JsonBody<'/admin/v1/clients/{clientId}', 'patch'>;
export type IdentityProvider = Schemas['IdentityProvider'];
export type AuthEvent = Schemas['Event'];

/** Filters of the event log; each narrows it (times are ISO 8601). */
export interface EventFilter {
  ecosystemId?: string;
  userId?: string;
  type?: string;
  since?: string;
  until?: string;
  limit?: number;
}
export type NewIdentityProvider = JsonBody<'/admin/v1/identity-providers', 'post'>;
export type IdentityProviderChanges = JsonBody<'/admin/v1/identity-providers/{providerId}', 'patch'>;

export interface UserListOptions {
  ecosystemId?: string;
  /** A literal prefix of the e-mail, username or unique id (at most 64 characters). */
  q?: string;
  limit?: number;
}

/** One page of users and the cursor of the next (null on the last page). */
export interface UserPage {
  items: AdminUser[];
  next: string | null;
}

export function operatorApi(api: ApiClient, accountToken: string | undefined) {
  const headers = () => ({ authorization: `Bearer ${required(accountToken, 'accountToken')}` });
  const id = (value: string) => ({ params: { path: { id: value } } });
  const eco = (ecosystemId: string) => ({ params: { path: { ecosystemId } } });
  const changeUser = (userId: string, body: JsonBody<'/admin/v1/users/{id}', 'patch'>): Promise<AdminUser> =>
    unwrap(api.PATCH('/admin/v1/users/{id}', { ...id(userId), body, headers: headers() }));
  const userPage = (options: UserListOptions & { cursor?: string }): Promise<UserPage> =>
    unwrap(api.GET('/admin/v1/users', { params: { query: { ...options, limit: queryNumber(options.limit) } }, headers: headers() }));
  const listUsers = (options: UserListOptions): AsyncGenerator<AdminUser[]> => pages((cursor) => userPage({ ...options, cursor }));
  const client = (clientId: string) => ({ params: { path: { clientId } } });
  const provider = (providerId: string) => ({ params: { path: { providerId } } });

  return {
    ecosystems: {
      async list(): Promise<Ecosystem[]> {
        return (await unwrap(api.GET('/admin/v1/ecosystems', { headers: headers() }))).items;
      },
      create(name?: string): Promise<Ecosystem> {
        return unwrap(api.POST('/admin/v1/ecosystems', { body: { name }, headers: headers() }));
      },
    },
    environments: {
      create(ecosystemId: string, name?: string): Promise<Environment> {
        return unwrap(
          api.POST('/admin/v1/ecosystems/{ecosystemId}/environments', { ...eco(ecosystemId), body: { name }, headers: headers() }),
        );
      },
    },
    serverTokens: {
      /** `{id, token}`: the token is shown this once; keep `id` to revoke it. */
      create(ecosystemId: string, name?: string): Promise<Schemas['ServerToken']> {
        return unwrap(
          api.POST('/admin/v1/ecosystems/{ecosystemId}/server-tokens', { ...eco(ecosystemId), body: { name }, headers: headers() }),
        );
      },
      async revoke(tokenId: string): Promise<void> {
        await unwrap(api.DELETE('/admin/v1/server-tokens/{id}', { ...id(tokenId), headers: headers() }));
      },
    },
    users: {
      /** Every user (or an ecosystem's), a page per iteration. */
      list: listUsers,
      /** Users whose e-mail, username or unique id starts with `q`, a page per iteration. */
      search: (q: string, options: Omit<UserListOptions, 'q'> = {}): AsyncGenerator<AdminUser[]> => listUsers({ ...options, q }),
      /** One page from `cursor` (the `next` of an earlier page), with the next page's cursor. */
      page: userPage,
      get(userId: string): Promise<AdminUser> {
        return unwrap(api.GET('/admin/v1/users/{id}', { ...id(userId), headers: headers() }));
      },
      create(user: AdminNewUser): Promise<AdminUser> {
        return unwrap(api.POST('/admin/v1/users', { body: user, headers: headers() }));
      },
      /** Disabling ends every session and token of the user. */
      disable: (userId: string): Promise<AdminUser> => changeUser(userId, { disabled: true }),
      enable: (userId: string): Promise<AdminUser> => changeUser(userId, { disabled: false }),
      setRole: (userId: string, role: Role): Promise<AdminUser> => changeUser(userId, { role }),
      /** Any change the PATCH route takes (disabled, role, permissionLevel, profile fields). */
      update: changeUser,
      async delete(userId: string): Promise<void> {
        await unwrap(api.DELETE('/admin/v1/users/{id}', { ...id(userId), headers: headers() }));
      },
    },
    sessions: {
      /** The user's live sessions, newest first. */
      async list(userId: string): Promise<Session[]> {
        return (await unwrap(api.GET('/admin/v1/users/{id}/sessions', { ...id(userId), headers: headers() }))).items;
      },
      /** Ends one session (a refresh family, a droplit user token, a browser session). */
      async revoke(sessionId: string): Promise<void> {
        await unwrap(api.DELETE('/admin/v1/sessions/{id}', { ...id(sessionId), headers: headers() }));
      },
      /** Ends every session and token of the user. */
      async revokeAll(userId: string): Promise<void> {
        await unwrap(api.DELETE('/admin/v1/users/{id}/sessions', { ...id(userId), headers: headers() }));
      },
    },
    events: {
      /** One page of the event log, newest first, and the cursor of the next (null on the last page). */
      async page(filter: EventFilter & { cursor?: string } = {}): Promise<{ items: AuthEvent[]; next: string | null }> {
        const page = await unwrap(
          api.GET('/admin/v1/events', { params: { query: { ...filter, limit: queryNumber(filter.limit) } }, headers: headers() }),
        );
        return { items: page.items, next: page.nextCursor ?? null };
      },
    },
    outbox: {
      /** Mail, newest first. */
      async list(filter: { to?: string; status?: OutboxStatus; limit?: number } = {}): Promise<OutboxItem[]> {
        return (
          await unwrap(
            api.GET('/admin/v1/outbox', { params: { query: { ...filter, limit: queryNumber(filter.limit) } }, headers: headers() }),
          )
        ).items;
      },
      retry(mailId: string): Promise<OutboxItem> {
        return unwrap(api.POST('/admin/v1/outbox/{id}/retry', { ...id(mailId), headers: headers() }));
      },
    },
    /** Registered OAuth clients (authorization code with PKCE, OpenID Connect). */
    clients: {
      async list(): Promise<OAuthClient[]> {
        return (await unwrap(api.GET('/admin/v1/clients', { headers: headers() }))).items;
      },
      get(clientId: string): Promise<OAuthClient> {
        return unwrap(api.GET('/admin/v1/clients/{clientId}', { ...client(clientId), headers: headers() }));
      },
      /** A confidential client's `clientSecret` is in this answer only: it is stored hashed. */
      create(registration: OAuthNewClient): Promise<OAuthClient> {
        return unwrap(api.POST('/admin/v1/clients', { body: registration, headers: headers() }));
      },
      /** Whether a client is public cannot change. */
      update(clientId: string, changes: OAuthClientChanges): Promise<OAuthClient> {
        return unwrap(api.PATCH('/admin/v1/clients/{clientId}', { ...client(clientId), body: changes, headers: headers() }));
      },
      /** Its unused authorization codes go with it. */
      async delete(clientId: string): Promise<void> {
        await unwrap(api.DELETE('/admin/v1/clients/{clientId}', { ...client(clientId), headers: headers() }));
      },
    },
    /** Upstream identity providers people sign in with; answers carry the redirectUri, never the secret. */
    identityProviders: {
      async list(): Promise<IdentityProvider[]> {
        return (await unwrap(api.GET('/admin/v1/identity-providers', { headers: headers() }))).items;
      },
      get(providerId: string): Promise<IdentityProvider> {
        return unwrap(api.GET('/admin/v1/identity-providers/{providerId}', { ...provider(providerId), headers: headers() }));
      },
      create(configuration: NewIdentityProvider): Promise<IdentityProvider> {
        return unwrap(api.POST('/admin/v1/identity-providers', { body: configuration, headers: headers() }));
      },
      /** Its id, kind and ecosystem cannot change. */
      update(providerId: string, changes: IdentityProviderChanges): Promise<IdentityProvider> {
        return unwrap(
          api.PATCH('/admin/v1/identity-providers/{providerId}', { ...provider(providerId), body: changes, headers: headers() }),
        );
      },
      /** Its links go with it; the users it created stay. */
      async delete(providerId: string): Promise<void> {
        await unwrap(api.DELETE('/admin/v1/identity-providers/{providerId}', { ...provider(providerId), headers: headers() }));
      },
    },
  };
}
