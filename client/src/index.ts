// @gatehouse/client: a typed client for Gatehouse's droplit Users API and operator routes, token
// verification against the JWKS, and a Hono middleware. Runs in a Worker and in Node 18+ (fetch,
// URL and WebCrypto only).
import { operatorApi } from './admin.ts';
import { deviceFlow } from './device.ts';
import { apiClient, type FetchLike } from './http.ts';
import { droplitUsers } from './users.ts';

export interface GatehouseOptions {
  /** The deployment, e.g. `https://auth.example.com`. */
  baseUrl: string;
  /** The deployment's ACCOUNT_TOKEN: the operator routes, and the Users API of any ecosystem. */
  accountToken?: string;
  /** A server token: the Users API of its own ecosystem (used there before the account token). */
  serverToken?: string;
  /** Another fetch: a service binding's, a test's. */
  fetch?: FetchLike;
}

export function createGatehouse(options: GatehouseOptions) {
  const api = apiClient(options.baseUrl, options.fetch);
  const users = droplitUsers(api, options);
  return {
    /** The droplit Users API, as droplit's SDK: `users.createToken(ecosystemId, userId, ttl, expiryType)`. */
    users,
    /** Logs a droplit user out (every token of the user stops working). */
    logout: users.logout,
    /** The operator routes (needs `accountToken`). */
    admin: operatorApi(api, options.accountToken),
    /** The device authorization grant (RFC 8628), for a program that signs a person in without a browser. */
    device: deviceFlow(api),
    /** The typed openapi-fetch client for any other documented route. */
    api,
  };
}

export type Gatehouse = ReturnType<typeof createGatehouse>;

export { DEVICE_CODE_GRANT, type DeviceAuthorization, type DevicePoll } from './device.ts';
export { GatehouseError, type GatehouseIssue, type GatehouseRequest } from './errors.ts';
export type { FetchLike, Schemas } from './http.ts';
export type { components, paths } from './openapi.js';
export type { DroplitUser, DroplitUserChanges, ExpiryType, TokenOptions } from './users.ts';
export type {
  AdminNewUser,
  AuthEvent,
  EventFilter,
  AdminUser,
  Ecosystem,
  Environment,
  OAuthClient,
  OAuthClientChanges,
  OAuthNewClient,
  OutboxItem,
  OutboxStatus,
  Role,
  Session,
  UserListOptions,
  UserPage,
} from './admin.ts';
export { verify, type AccessTokenClaims, type GatehouseClaims, type UserTokenClaims, type VerifyOptions } from './verify.ts';
export {
  gatehouseAuth,
  type GatehouseAuthOptions,
  type GatehouseBinding,
  type GatehouseIdentity,
  type GatehouseVariables,
} from './hono.ts';
