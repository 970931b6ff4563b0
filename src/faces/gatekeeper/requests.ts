// The Gatekeeper's request fields, read and checked: missing or empty required fields are
// `<field> is missing`, a field of the wrong type names itself; nothing reaches the core unchecked.
import type { Context } from 'hono';
import { AppError, invalidField } from '../../core/errors';
import type { ProfileFields } from '../../core/username-accounts';
import type { NumberedPage } from '../../core/user-listing';
import { EMAIL_MAX_LENGTH } from '../../core/users';
import { optionalString, passwordFieldMaxLength, requiredString, type Fields } from '../../http/body';
import type { AppEnv } from '../../http/types';
import { isUserType, USER_TYPES, type UserType } from './shapes';

const USERNAME_PATTERN = /^[A-Za-z0-9._@-]{1,64}$/;
const USERNAME_MAX_LENGTH = 64;
const NAME_MAX_LENGTH = 200;
const PHONE_MAX_LENGTH = 64;
const KEY_MAX_LENGTH = 16_384;
const DEFAULT_PAGE_SIZE = 10;
const MAX_PAGE_SIZE = 100;
const MAX_PAGE_INDEX = 1_000_000;

function passwordField(c: Context<AppEnv>, body: Fields): string {
  return requiredString(body, 'password', passwordFieldMaxLength(c.env.deps.config));
}

function usernameField(body: Fields): string {
  const username = requiredString(body, 'username', USERNAME_MAX_LENGTH);
  if (!USERNAME_PATTERN.test(username)) {
    throw invalidField('username', 'may hold only letters, digits and the characters . _ @ -');
  }
  return username;
}

function userTypeField(body: Fields): UserType {
  const userType = requiredString(body, 'user_type', 32);
  if (!isUserType(userType)) throw invalidField('user_type', `must be one of ${USER_TYPES.join(', ')}`);
  return userType;
}

/** An optional text: absent keeps the stored value, empty or null clears it. */
function optionalText(body: Fields, name: string, maxLength: number): string | null | undefined {
  if (body[name] === null) return null;
  const value = optionalString(body, name, maxLength);
  return value === '' ? null : value;
}

function profileFields(body: Fields): ProfileFields {
  return {
    firstName: optionalText(body, 'first_name', NAME_MAX_LENGTH),
    lastName: optionalText(body, 'last_name', NAME_MAX_LENGTH),
    phoneNumber: optionalText(body, 'phone_number', PHONE_MAX_LENGTH),
    publicKey: optionalText(body, 'public_key', KEY_MAX_LENGTH),
    certificate: optionalText(body, 'certificate', KEY_MAX_LENGTH),
  };
}

interface AccountFields extends ProfileFields {
  username: string;
  password: string;
  email: string;
  userType: UserType;
}

/** The body of a registration or a profile update: four required fields, the rest optional. */
export function accountFields(c: Context<AppEnv>, body: Fields): AccountFields {
  return {
    username: usernameField(body),
    password: passwordField(c, body),
    email: requiredString(body, 'email', EMAIL_MAX_LENGTH),
    userType: userTypeField(body),
    ...profileFields(body),
  };
}

export function loginFields(c: Context<AppEnv>, body: Fields): { username: string; password: string } {
  // No pattern check here: a name that cannot exist fails like any unknown user.
  return { username: requiredString(body, 'username', 256), password: passwordField(c, body) };
}

/** PATCH user-public-key: `public_key` (the original code's name) or `public-key` (its wiki's). */
export function publicKeyFields(body: Fields): { publicKey: string; certificate?: string | null } {
  const name = body.public_key !== undefined && body.public_key !== null ? 'public_key' : 'public-key';
  const publicKey = requiredString(body, name, KEY_MAX_LENGTH);
  const certificate = optionalText(body, 'certificate', KEY_MAX_LENGTH);
  return certificate === undefined ? { publicKey } : { publicKey, certificate };
}

function wholeNumber(value: string | undefined, name: string, min: number, max: number, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const number = Number(value);
  if (!/^\d{1,9}$/.test(value) || number < min || number > max) {
    throw invalidField(name, `must be a whole number from ${min} to ${max}`);
  }
  return number;
}

/** `offset` is a page number from 0 and `limit` the page size, as in the original. */
export function pageQuery(c: Context<AppEnv>): NumberedPage {
  return {
    index: wholeNumber(c.req.query('offset'), 'offset', 0, MAX_PAGE_INDEX, 0),
    size: wholeNumber(c.req.query('limit'), 'limit', 1, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE),
  };
}

/** A path id that is not a v4 UUID names no user: 404, as the original answered. */
export function uuidParam(value: string): string {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i.test(value)) {
    throw new AppError('USER_NOT_FOUND', { field: 'uuid', reason: 'is not valid' });
  }
  return value.toLowerCase();
}
