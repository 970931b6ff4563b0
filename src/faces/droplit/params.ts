// Reading droplit requests: the `ECOSYSTEM-ID;USER-ID` path segment, the query string (only the
// fields a route names, with droplit's validator messages) and the body of a user PUT. Every
// problem found is reported at once, as droplit's validator did.
import type { Grant } from '../../core/access';
import { MAX_GRANTS_PER_USER, MAX_USER_TOKEN_TTL_SECONDS, type AppUserChanges, type TokenRequest } from '../../core/external-users';
import { DEFAULT_USER_TOKEN_TTL_SECONDS, EXPIRY_TYPES, type ExpiryType } from '../../core/user-tokens';
import { EMAIL_MAX_LENGTH } from '../../core/users';
import { isObject, type Fields } from '../../http/body';
import { InvalidParams, notAllowedMessage, type DroplitIssue } from './errors';

const MAX_UNIQUE_ID_LENGTH = 256;
const MAX_ECOSYSTEM_ID_LENGTH = 64;
const MAX_ENVIRONMENT_ID_LENGTH = 64;
const MAX_ACCESS_LEVEL_LENGTH = 64;
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

const MESSAGES = {
  number: 'expected field to be a number',
  expiryType: `field must be one of the following values: ${EXPIRY_TYPES.join(', ')}`,
  boolean: 'expected field to be a boolean',
  string: 'expected field to be a string',
  object: 'expected field to be an object',
};

interface UserRef {
  ecosystemId: string;
  uniqueId: string;
}

function fail(issues: DroplitIssue[]): void {
  if (issues.length > 0) throw new InvalidParams(issues as [DroplitIssue, ...DroplitIssue[]]);
}

/** Splits the (already percent-decoded) segment on its first `;`. */
export function parseUserRef(segment: string): UserRef {
  const split = segment.indexOf(';');
  const ecosystemId = split < 0 ? '' : segment.slice(0, split);
  const uniqueId = split < 0 ? '' : segment.slice(split + 1);
  if (ecosystemId === '' || ecosystemId.length > MAX_ECOSYSTEM_ID_LENGTH || CONTROL_CHARACTERS.test(ecosystemId)) {
    fail([{ in: 'path', path: 'ecosystemId', message: 'expected the path to name ECOSYSTEM-ID;USER-ID' }]);
  }
  if (uniqueId === '' || uniqueId.length > MAX_UNIQUE_ID_LENGTH || CONTROL_CHARACTERS.test(uniqueId)) {
    fail([{ in: 'path', path: 'userId', message: `User Invalid: expected a user id of 1 to ${MAX_UNIQUE_ID_LENGTH} characters` }]);
  }
  return { ecosystemId, uniqueId };
}

type Query = Map<string, string[]>;

/** The query string's fields; any name outside `allowed` is one InvalidParams issue. */
function readQuery(url: string, allowed: readonly string[], issues: DroplitIssue[]): Query {
  const query: Query = new Map();
  for (const [name, value] of new URL(url).searchParams) query.set(name, [...(query.get(name) ?? []), value]);
  const unknown = [...query.keys()].filter((name) => !allowed.includes(name));
  if (unknown.length > 0) issues.push({ in: 'query', path: 'additional parameters', message: notAllowedMessage(unknown) });
  return query;
}

/** A field given once; given twice it is a list, which no droplit query field is. */
function single(query: Query, name: string, message: string, issues: DroplitIssue[]): string | undefined {
  const values = query.get(name);
  if (values === undefined) return undefined;
  if (values.length === 1) return values[0];
  issues.push({ in: 'query', path: name, message });
  return undefined;
}

function readTtl(query: Query, issues: DroplitIssue[]): number {
  const text = single(query, 'ttl', MESSAGES.number, issues);
  if (text === undefined) return DEFAULT_USER_TOKEN_TTL_SECONDS;
  const seconds = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !(seconds > 0)) {
    issues.push({ in: 'query', path: 'ttl', message: MESSAGES.number });
  } else if (seconds > MAX_USER_TOKEN_TTL_SECONDS) {
    issues.push({ in: 'query', path: 'ttl', message: `expected field to be a number of seconds up to ${MAX_USER_TOKEN_TTL_SECONDS}` });
  }
  // Tokens live whole seconds (JWT times are seconds): a fraction rounds up.
  return Math.ceil(seconds);
}

function readExpiryType(query: Query, issues: DroplitIssue[]): ExpiryType {
  const text = single(query, 'expiryType', MESSAGES.expiryType, issues);
  if (text === undefined) return 'FixedTtl';
  if (!EXPIRY_TYPES.includes(text as ExpiryType)) issues.push({ in: 'query', path: 'expiryType', message: MESSAGES.expiryType });
  return text as ExpiryType;
}

function readGenerateToken(query: Query, issues: DroplitIssue[]): boolean {
  const text = single(query, 'generateToken', MESSAGES.boolean, issues);
  if (text === undefined || text === 'false') return false;
  if (text === 'true') return true;
  issues.push({ in: 'query', path: 'generateToken', message: MESSAGES.boolean });
  return false;
}

/** A route that takes no query string. */
export function refuseQuery(url: string): void {
  const issues: DroplitIssue[] = [];
  readQuery(url, [], issues);
  fail(issues);
}

/** POST .../tokens: `expiryType` (default FixedTtl) and `ttl` (default 3600 s). */
export function readTokenQuery(url: string): TokenRequest {
  const issues: DroplitIssue[] = [];
  const query = readQuery(url, ['expiryType', 'ttl'], issues);
  const request = { expiryType: readExpiryType(query, issues), ttlSeconds: readTtl(query, issues) };
  fail(issues);
  return request;
}

/** PUT: the token query fields plus `generateToken`; the token request only when it is true. */
export function readPutQuery(url: string): TokenRequest | undefined {
  const issues: DroplitIssue[] = [];
  const query = readQuery(url, ['generateToken', 'expiryType', 'ttl'], issues);
  const generate = readGenerateToken(query, issues);
  const request = { expiryType: readExpiryType(query, issues), ttlSeconds: readTtl(query, issues) };
  fail(issues);
  return generate ? request : undefined;
}

/** GET /users: `ecosystemId` (required), `limit`, `cursor`. */
export function readListQuery(url: string): { ecosystemId: string; limit?: string; cursor?: string } {
  const issues: DroplitIssue[] = [];
  const query = readQuery(url, ['ecosystemId', 'limit', 'cursor'], issues);
  const ecosystemId = single(query, 'ecosystemId', MESSAGES.string, issues);
  const limit = single(query, 'limit', MESSAGES.number, issues);
  const cursor = single(query, 'cursor', MESSAGES.string, issues);
  if (!query.has('ecosystemId')) issues.push({ in: 'query', path: 'ecosystemId', message: 'field is required' });
  fail(issues);
  return { ecosystemId: ecosystemId!, limit, cursor };
}

function boundedString(value: unknown, min: number, max: number): value is string {
  return typeof value === 'string' && value.length >= min && value.length <= max;
}

function readGrant(item: unknown, index: number, issues: DroplitIssue[]): Grant {
  const path = `access[${index}]`;
  if (!isObject(item)) {
    issues.push({ in: 'body', path, message: MESSAGES.object });
    return { environmentId: '', accessLevel: '' };
  }
  const unknown = Object.keys(item).filter((name) => name !== 'environmentId' && name !== 'accessLevel');
  if (unknown.length > 0) issues.push({ in: 'body', path, message: notAllowedMessage(unknown) });
  const { environmentId, accessLevel = 'all' } = item;
  if (!boundedString(environmentId, 1, MAX_ENVIRONMENT_ID_LENGTH)) {
    issues.push({ in: 'body', path: `${path}.environmentId`, message: `expected field to be a string of 1 to ${MAX_ENVIRONMENT_ID_LENGTH} characters` });
  }
  if (!boundedString(accessLevel, 1, MAX_ACCESS_LEVEL_LENGTH)) {
    issues.push({ in: 'body', path: `${path}.accessLevel`, message: `expected field to be a string of 1 to ${MAX_ACCESS_LEVEL_LENGTH} characters` });
  }
  return { environmentId: environmentId as string, accessLevel: accessLevel as string };
}

function readAccess(value: unknown, issues: DroplitIssue[]): Grant[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length > MAX_GRANTS_PER_USER) {
    issues.push({ in: 'body', path: 'access', message: `expected field to be an array of at most ${MAX_GRANTS_PER_USER} grants` });
    return undefined;
  }
  return value.map((item, index) => readGrant(item, index, issues));
}

/** The body of a user PUT: `email` (null clears it), `meta` (an object), `access` (grants). */
export function readUserChanges(body: Fields): AppUserChanges {
  const issues: DroplitIssue[] = [];
  const unknown = Object.keys(body).filter((name) => !['email', 'meta', 'access'].includes(name));
  if (unknown.length > 0) issues.push({ in: 'body', path: 'additional parameters', message: notAllowedMessage(unknown) });
  const { email, meta } = body;
  if (email !== undefined && email !== null && !boundedString(email, 0, EMAIL_MAX_LENGTH)) {
    issues.push({ in: 'body', path: 'email', message: `expected field to be a string of at most ${EMAIL_MAX_LENGTH} characters` });
  }
  if (meta !== undefined && !isObject(meta)) issues.push({ in: 'body', path: 'meta', message: MESSAGES.object });
  const access = readAccess(body.access, issues);
  fail(issues);
  return { email: email as string | null | undefined, meta: meta as Fields | undefined, access };
}
