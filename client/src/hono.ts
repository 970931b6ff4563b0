// A Hono middleware that protects another Worker's routes with Gatehouse tokens. It imports only
// Hono's types, so the rest of the client does not need Hono.
import type { Context, MiddlewareHandler } from 'hono';
import { GatehouseError } from './errors.ts';
import { verify, type GatehouseClaims, type VerifyOptions } from './verify.ts';

/** Who called, as `c.var.gatehouse`. */
export interface GatehouseIdentity {
  /** Gatehouse's user id (the token's `sub`). */
  userId: string;
  email: string | null;
  role: string;
  ecosystemId: string;
  /** The token's claims: set when it was checked against the JWKS, absent through a binding. */
  claims?: GatehouseClaims;
}

export interface GatehouseVariables {
  gatehouse: GatehouseIdentity;
}

/** A service binding to the Gatehouse Worker (or anything with its `fetch`). */
export interface GatehouseBinding {
  fetch(request: Request): Promise<Response>;
}

interface CommonOptions {
  /** Only tokens of this ecosystem (`*` for any); through a binding the default is the service's DEFAULT_ECOSYSTEM, through the JWKS any. */
  ecosystem?: string;
  /** The realm of the WWW-Authenticate challenge (default `gatehouse`). */
  realm?: string;
}

export type GatehouseAuthOptions = CommonOptions &
  (
    | {
        binding: GatehouseBinding;
        /**
         * Gatehouse's public URL (e.g. `https://auth.example.com`), which the binding's requests are
         * addressed to. It matters when the service's ISSUER var is unset: Gatehouse then takes its
         * issuer from the request's URL, and an access token of another issuer is refused.
         */
        url?: string;
        jwksUrl?: never;
      }
    | ({ binding?: never } & Extract<VerifyOptions, { jwksUrl: string | URL }>)
    | ({ binding?: never } & Extract<VerifyOptions, { jwks: object }>)
  );

class Refused extends Error {
  constructor(
    readonly status: 401 | 503,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer +([^\s]+) *$/i.exec(header ?? '');
  return match?.[1];
}

/** Asks the service's forward-auth route, which also knows about revocation and SlidingTtl. */
async function viaBinding(
  binding: GatehouseBinding,
  base: string | undefined,
  token: string,
  ecosystem: string | undefined,
): Promise<GatehouseIdentity> {
  const url = new URL('/auth/verify', base ?? 'https://gatehouse');
  if (ecosystem !== undefined) url.searchParams.set('ecosystem', ecosystem);
  let response: Response;
  try {
    response = await binding.fetch(new Request(url, { headers: { authorization: `Bearer ${token}` } }));
  } catch {
    throw new Refused(503, 'GATEHOUSE_UNAVAILABLE', 'Gatehouse could not be reached');
  }
  await response.body?.cancel();
  if (response.status === 401 || response.status === 403) throw new Refused(401, 'INVALID_TOKEN', 'The token is invalid');
  if (response.status !== 200) throw new Refused(503, 'GATEHOUSE_UNAVAILABLE', 'Gatehouse could not check the token');
  const header = (name: string) => response.headers.get(name) ?? '';
  return {
    userId: header('X-User-Id'),
    email: header('X-User-Email') || null,
    role: header('X-User-Role'),
    ecosystemId: header('X-Ecosystem-Id'),
  };
}

async function viaJwks(options: GatehouseAuthOptions, token: string): Promise<GatehouseIdentity> {
  let claims: GatehouseClaims;
  try {
    claims = await verify(token, options as VerifyOptions);
  } catch (error) {
    if (error instanceof GatehouseError && error.status === 503) throw new Refused(503, error.code, error.message);
    throw new Refused(401, 'INVALID_TOKEN', 'The token is invalid');
  }
  const { ecosystem } = options;
  if (ecosystem !== undefined && ecosystem !== '*' && claims.eco !== ecosystem)
    throw new Refused(401, 'INVALID_TOKEN', 'The token is invalid');
  return { userId: claims.sub, email: claims.email ?? null, role: claims.role, ecosystemId: claims.eco, claims };
}

function refuse(c: Context, realm: string, refused: Refused, tokenGiven: boolean): Response {
  const challenge = tokenGiven && refused.status === 401 ? `Bearer realm="${realm}", error="invalid_token"` : `Bearer realm="${realm}"`;
  const headers: Record<string, string> = { 'Cache-Control': 'no-store' };
  if (refused.status === 401) headers['WWW-Authenticate'] = challenge;
  return c.json({ error: { code: refused.code, message: refused.message } }, refused.status, headers);
}

/**
 * Lets a request through only with a valid Gatehouse access or user token in
 * `Authorization: Bearer`, and sets `c.var.gatehouse` to who it belongs to; otherwise 401 with a
 * `WWW-Authenticate: Bearer` challenge (503 when Gatehouse or its keys cannot be reached).
 *
 * - `{ binding }`: asks Gatehouse's `/auth/verify` through a service binding. Sees everything the
 *   service knows: logout, revocation, disabled users, SlidingTtl's last use. One subrequest per call.
 * - `{ jwksUrl }` or `{ jwks }`: checks the signature, token type, issuer/audience (when given)
 *   and expiry only, locally. A revoked or logged-out token, or a disabled user's, passes until it
 *   expires; Infinite and SlidingTtl user tokens never expire this way. Use the binding where that
 *   matters.
 *
 * `options` may be a function of the Worker's env, for a binding: `gatehouseAuth((env) => ({ binding: env.GATEHOUSE }))`.
 */
export function gatehouseAuth<Bindings extends object = object>(
  options: GatehouseAuthOptions | ((env: Bindings) => GatehouseAuthOptions),
): MiddlewareHandler<{ Bindings: Bindings; Variables: GatehouseVariables }> {
  return async function gatehouse(c, next) {
    const chosen = typeof options === 'function' ? options(c.env) : options;
    const token = bearerToken(c.req.header('authorization'));
    try {
      if (token === undefined) throw new Refused(401, 'UNAUTHENTICATED', 'A Gatehouse bearer token is required');
      c.set(
        'gatehouse',
        chosen.binding ? await viaBinding(chosen.binding, chosen.url, token, chosen.ecosystem) : await viaJwks(chosen, token),
      );
    } catch (error) {
      if (error instanceof Refused) return refuse(c, chosen.realm ?? 'gatehouse', error, token !== undefined);
      throw error;
    }
    await next();
  };
}
