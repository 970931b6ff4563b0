// The authorization endpoint's rules (OAuth 2.1 authorization code with PKCE, OpenID Connect):
// which client and redirect URI a request names, what else it asks for, whether the browser's
// session is good enough (signed in, fresh enough for max_age, after a forced sign-in), and the
// single-use code it answers with. There is no consent screen: every registered client is a
// first-party application of this deployment, registered by its operator.
import { sha256Base64url, sha256Hex } from '../crypto/digest';
import { randomToken } from '../crypto/random';
import * as repo from '../store/oauth-client-repo';
import type { BrowserSession } from './browser-sessions';
import { ACR_MFA, decodeAmr, usedSeveralFactors } from './amr';
import type { Deps } from './deps';
import { findClient, SUPPORTED_SCOPES, type OAuthClientRow } from './oauth-clients';

/** How long a code lives: it is meant to be exchanged at once. */
export const CODE_TTL_SECONDS = 60;
const PKCE_SHAPE = /^[A-Za-z0-9._~-]{43,128}$/;
const MAX_STATE_LENGTH = 1024;

/** Where a refusal may go back to: the client's registered redirect URI, with the request's `state`. */
export interface AuthorizationRedirect {
  uri: string;
  state?: string;
  /** How the answer travels: in the redirect's query (default), or as a form the browser posts (OAuth 2.0 Form Post Response Mode). */
  mode?: ResponseMode;
}

export const RESPONSE_MODES = ['query', 'form_post'] as const;
export type ResponseMode = (typeof RESPONSE_MODES)[number];

/**
 * A refusal at the browser's OAuth routes (authorize, RP-initiated logout): an RFC 6749 error code
 * and a description. With `redirect` it goes back to the client (RFC 6749 4.1.2.1); without, it is
 * a page, because the client or the address cannot be trusted with a redirect. Only
 * withAuthorizationRedirect gives it one, once the client and its redirect URI are known good.
 */
export class AuthorizationError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
    readonly redirect: AuthorizationRedirect | null = null,
  ) {
    super(description);
    this.name = 'AuthorizationError';
  }
}

/** Runs the steps after the client is known: any refusal they make goes back to `redirect`. */
export async function withAuthorizationRedirect<T>(redirect: AuthorizationRedirect, run: () => T | Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof AuthorizationError && error.redirect === null)
      throw new AuthorizationError(error.error, error.description, redirect);
    throw error;
  }
}

/** A refusal that is a page, never a redirect. */
const pageRefusal = (description: string) => new AuthorizationError('invalid_request', description);

/** The query as a map of single values; a parameter given twice is refused (RFC 6749 3.1). */
export type Params = Record<string, string[]>;

function single(params: Params, name: string): string | undefined {
  const values = params[name];
  if (values === undefined || values.length === 0) return undefined;
  if (values.length > 1) throw new AuthorizationError('invalid_request', `${name} is given more than once`);
  return values[0] === '' ? undefined : values[0];
}

/** The scopes a request asks for: its `scope` parameter's, or the client's when it names none. */
function scopesAsked(scopeParam: string | undefined, client: OAuthClientRow): string[] {
  return scopeParam === undefined || scopeParam === '' ? client.scopes : [...new Set(scopeParam.split(' ').filter(Boolean))];
}

/** The client and the redirect URI to answer at, or a refusal that is a page: never a redirect before this holds. */
export async function resolveClient(deps: Deps, params: Params): Promise<{ client: OAuthClientRow; redirectUri: string }> {
  const clientIds = params.client_id ?? [];
  const redirects = params.redirect_uri ?? [];
  if (clientIds.length !== 1 || !clientIds[0]) throw pageRefusal('The request names no client, or more than one.');
  const client = await findClient(deps, clientIds[0]);
  if (!client) throw pageRefusal('The application that sent you here is not registered.');
  if (redirects.length > 1) throw pageRefusal('The request names more than one redirect address.');
  const asked = redirects[0];
  if (asked === undefined || asked === '') {
    if (client.redirectUris.length !== 1) throw pageRefusal('The request names no redirect address.');
    // OAuth 2.1 lets a client with one registered address leave it out; OpenID Connect Core 3.1.2.1
    // requires it of every OpenID request (one whose scopes, asked or the client's default, have openid).
    if (scopesAsked(params.scope?.[0], client).includes('openid')) {
      throw pageRefusal('An OpenID Connect request must name its redirect address (redirect_uri).');
    }
    return { client, redirectUri: client.redirectUris[0]! };
  }
  if (!client.redirectUris.includes(asked)) throw pageRefusal('The redirect address is not registered for this application.');
  return { client, redirectUri: asked };
}

/** Where this request's refusals go: the client's redirect URI, with `state` when it was sent once and is not too long. */
export function redirectFor(target: { redirectUri: string }, params: Params): AuthorizationRedirect {
  const states = params.state ?? [];
  const state = states.length === 1 && states[0] !== '' && states[0]!.length <= MAX_STATE_LENGTH ? states[0] : undefined;
  const modes = params.response_mode ?? [];
  const mode = modes.length === 1 && modes[0] === 'form_post' ? 'form_post' : 'query';
  return { uri: target.redirectUri, state, mode };
}

export interface AuthorizationRequest {
  state?: string;
  nonce?: string;
  scopes: string[];
  codeChallenge: string;
  prompt?: 'login' | 'none';
  maxAge?: number;
  /** Seconds: a sign-in must have happened at or after this (what `prompt=login` became). */
  authAfter?: number;
  /** The `acr_values` asked for, in order of preference; the ID token then carries `acr`. */
  acrValues?: string[];
}

function nonNegativeInteger(params: Params, name: string): number | undefined {
  const value = single(params, name);
  if (value === undefined) return undefined;
  if (!/^\d{1,10}$/.test(value)) throw new AuthorizationError('invalid_request', `${name} must be a whole number of seconds`);
  return Number(value);
}

/** The rest of the request, checked (run it within withAuthorizationRedirect: its refusals go back to the client). */
export function parseAuthorizationRequest(client: OAuthClientRow, params: Params): AuthorizationRequest {
  // OpenID Connect Core 6: request objects are not supported, and say so rather than be ignored.
  if (params.request !== undefined) throw new AuthorizationError('request_not_supported', 'request objects are not supported');
  if (params.request_uri !== undefined) throw new AuthorizationError('request_uri_not_supported', 'request_uri is not supported');
  const responseMode = single(params, 'response_mode');
  if (responseMode !== undefined && !(RESPONSE_MODES as readonly string[]).includes(responseMode)) {
    throw new AuthorizationError('invalid_request', 'response_mode must be query or form_post');
  }
  const responseType = single(params, 'response_type');
  if (responseType !== 'code') throw new AuthorizationError('unsupported_response_type', 'response_type must be code');
  const codeChallenge = single(params, 'code_challenge');
  const withoutPkce = codeChallenge === undefined && !client.requirePkce;
  if (codeChallenge === undefined && !withoutPkce) throw new AuthorizationError('invalid_request', 'code_challenge is required (PKCE)');
  if (!withoutPkce && single(params, 'code_challenge_method') !== 'S256') {
    throw new AuthorizationError('invalid_request', 'code_challenge_method must be S256');
  }
  if (codeChallenge !== undefined && !PKCE_SHAPE.test(codeChallenge))
    throw new AuthorizationError('invalid_request', 'code_challenge is malformed');
  const scopes = scopesAsked(single(params, 'scope'), client);
  const refused = scopes.filter((scope) => !client.scopes.includes(scope) || !(SUPPORTED_SCOPES as readonly string[]).includes(scope));
  if (refused.length > 0) throw new AuthorizationError('invalid_scope', 'a requested scope is not allowed for this client');
  const prompt = single(params, 'prompt');
  if (prompt !== undefined && prompt !== 'login' && prompt !== 'none') {
    throw new AuthorizationError('invalid_request', 'prompt must be login or none');
  }
  const state = single(params, 'state');
  const nonce = single(params, 'nonce');
  // RFC 9700 2.1.1: without PKCE, an OpenID request's nonce is what binds the code to the browser.
  if (withoutPkce && scopes.includes('openid') && nonce === undefined) {
    throw new AuthorizationError('invalid_request', 'nonce is required when PKCE is not used');
  }
  if ((state?.length ?? 0) > MAX_STATE_LENGTH || (nonce?.length ?? 0) > 512)
    throw new AuthorizationError('invalid_request', 'state or nonce is too long');
  return {
    state,
    nonce,
    scopes,
    codeChallenge: codeChallenge ?? NO_CHALLENGE,
    prompt,
    maxAge: nonNegativeInteger(params, 'max_age'),
    authAfter: nonNegativeInteger(params, 'auth_after'),
    acrValues: acrValuesOf(params),
  };
}

/** The `acr_values` parameter as a list (OpenID Connect Core 3.1.2.1): unknown values are kept and simply never met. */
function acrValuesOf(params: Params): string[] | undefined {
  const value = single(params, 'acr_values');
  if (value === undefined) return undefined;
  if (value.length > 512) throw new AuthorizationError('invalid_request', 'acr_values is too long');
  const values = value.split(' ').filter(Boolean);
  return values.length > 0 ? values : undefined;
}

/** Clock difference tolerated between the isolate that wrote auth_after and the one reading it. */
const AUTH_AFTER_SKEW_SECONDS = 5;

export type SessionVerdict = { ok: true } | { ok: false; signInAfter?: number };

/**
 * Whether the browser session may answer this request now. Not signed in, or a sign-in before
 * `auth_after`: no. `prompt=login`, or a sign-in older than `max_age`: no, and a sign-in at or after
 * now is required (`signInAfter`): the caller re-makes the URL with `auth_after` in place of
 * `prompt` and `max_age`, so coming back signed in does not loop, however slow the person was.
 */
export function judgeSession(deps: Deps, request: AuthorizationRequest, session: BrowserSession | null): SessionVerdict {
  const now = Math.floor(deps.now() / 1000);
  if (request.prompt === 'login') return { ok: false, signInAfter: now };
  // Gatehouse writes auth_after itself, never later than the moment it does; one from the future
  // (a crafted link) could never be met and would send the person round sign-in forever.
  if (request.authAfter !== undefined && request.authAfter > now + AUTH_AFTER_SKEW_SECONDS) {
    throw new AuthorizationError('invalid_request', 'auth_after is in the future');
  }
  if (!session) return { ok: false };
  if (request.authAfter !== undefined && session.authTime < request.authAfter) return { ok: false };
  if (request.maxAge !== undefined && session.authTime + request.maxAge < now) return { ok: false, signInAfter: now };
  // Step-up: acr_values asks for a second factor and this sign-in had none. A fresh sign-in is asked
  // once (auth_after marks it); a person who has no second factor then gets a code whose ID token
  // says the acr it met (urn:gatehouse:1fa), and the client decides.
  if (request.acrValues?.[0] === ACR_MFA && !usedSeveralFactors(decodeAmr(session.session.amr)) && request.authAfter === undefined) {
    return { ok: false, signInAfter: now };
  }
  return { ok: true };
}

/** Issues a code for the signed-in user; only its SHA-256 is stored. */
export async function issueCode(
  deps: Deps,
  grant: { client: OAuthClientRow; redirectUri: string; request: AuthorizationRequest; session: BrowserSession },
): Promise<string> {
  const code = randomToken(32);
  const now = deps.now();
  await repo.insertCode(deps.db, {
    codeHash: sha256Hex(code),
    clientId: grant.client.id,
    redirectUri: grant.redirectUri,
    codeChallenge: grant.request.codeChallenge,
    scope: grant.request.scopes.join(' '),
    nonce: grant.request.nonce ?? null,
    acrValues: grant.request.acrValues?.join(' ') ?? null,
    userId: grant.session.user.id,
    browserSessionId: grant.session.session.id,
    authTime: grant.session.authTime,
    createdAt: now,
    expiresAt: now + CODE_TTL_SECONDS * 1000,
  });
  return code;
}

/** The stored challenge of a code requested without PKCE (a confidential client let off it). */
export const NO_CHALLENGE = '';

/**
 * Whether the token request's verifier fits the code's challenge: BASE64URL(SHA-256(verifier)).
 * A code requested without PKCE takes no verifier: one sent anyway is refused (RFC 9700 2.1.1,
 * so a PKCE downgrade cannot pass unnoticed).
 */
export function verifierMatches(verifier: string | undefined, challenge: string): boolean {
  if (challenge === NO_CHALLENGE) return verifier === undefined;
  return verifier !== undefined && PKCE_SHAPE.test(verifier) && sha256Base64url(verifier) === challenge;
}
