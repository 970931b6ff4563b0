// The words of the OAuth routes' refusals, pinned: the requests are checked by zod schemas
// (src/faces/oauth/schemas.ts) that must refuse exactly what the hand-written checks refused, in
// the same RFC 6749 error and error_description, field by field and grant by grant.
import { describe, expect, it } from 'vitest';
import { json, newClient } from '../support/driver';

type Case = [
  name: string,
  path: string,
  body: { form?: Record<string, string>; body?: Record<string, unknown> },
  error: string,
  description: string,
];

const LONG = 'x'.repeat(65);

const CASES: Case[] = [
  ['no grant_type', '/oauth/token', { form: {} }, 'invalid_request', 'grant_type is missing.'],
  ['an empty grant_type', '/oauth/token', { form: { grant_type: '' } }, 'invalid_request', 'grant_type is missing.'],
  ['grant_type not a string', '/oauth/token', { body: { grant_type: 5 } }, 'invalid_request', 'grant_type must be a string.'],
  ['grant_type too long', '/oauth/token', { form: { grant_type: LONG } }, 'invalid_request', 'grant_type must be at most 64 characters.'],
  [
    'an unknown grant',
    '/oauth/token',
    { form: { grant_type: 'magic', username: 'x' } },
    'unsupported_grant_type',
    'The grant type is not supported. (grant_type)',
  ],
  [
    'a password grant without username',
    '/oauth/token',
    { form: { grant_type: 'password', password: 'p' } },
    'invalid_request',
    'username is missing.',
  ],
  [
    'a password grant without password',
    '/oauth/token',
    { form: { grant_type: 'password', username: 'u' } },
    'invalid_request',
    'password is missing.',
  ],
  ['a password grant without either', '/oauth/token', { form: { grant_type: 'password' } }, 'invalid_request', 'username is missing.'],
  [
    'a password that is no string',
    '/oauth/token',
    { body: { grant_type: 'password', username: 'u', password: 7 } },
    'invalid_request',
    'password must be a string.',
  ],
  [
    'a null username',
    '/oauth/token',
    { body: { grant_type: 'password', username: null, password: 'p' } },
    'invalid_request',
    'username is missing.',
  ],
  [
    'a refresh grant without its token',
    '/oauth/token',
    { form: { grant_type: 'refresh_token' } },
    'invalid_request',
    'refresh_token is missing.',
  ],
  [
    'a refresh token too long',
    '/oauth/token',
    { form: { grant_type: 'refresh_token', refresh_token: 'r'.repeat(513) } },
    'invalid_request',
    'refresh_token must be at most 512 characters.',
  ],
  [
    'a wrong refresh token',
    '/oauth/token',
    { form: { grant_type: 'refresh_token', refresh_token: 'nope' } },
    'invalid_grant',
    'The refresh token is invalid or expired.',
  ],
  ['revoke without a token', '/oauth/revoke', { form: {} }, 'invalid_request', 'token is missing.'],
  ['revoke with a token that is no string', '/oauth/revoke', { body: { token: ['a'] } }, 'invalid_request', 'token must be a string.'],
];

describe('OAuth request errors', () => {
  it.each(CASES)('answers %s in RFC 6749 words', async (_name, path, request, error, description) => {
    const response = await newClient().post(path, request);
    expect(response.status).toBe(400);
    expect(await json(response)).toEqual({ error, error_description: description });
  });

  it('authenticates the introspecting caller before it reads the body', async () => {
    const response = await newClient().post('/oauth/introspect', { form: {} });
    expect(response.status).toBe(401);
    expect(await json(response)).toMatchObject({ error: 'invalid_client' });
  });

  it('refuses introspection without a token from a known caller', async () => {
    const client = newClient();
    const response = await client.post('/oauth/introspect', { token: client.accountToken, form: {} });
    expect(response.status).toBe(400);
    expect(await json(response)).toEqual({ error: 'invalid_request', error_description: 'token is missing.' });
  });
});
