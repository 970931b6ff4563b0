// Reads and validates every var and secret once per environment object; a bad value fails
// loudly at the first request with a message naming the variable (never its value for secrets).
import { parsePasswordHashSpec, type PasswordHashSpec } from './crypto/password';
import { parseGatewayRoutes, type GatewayRoute } from './gateway/routes';

export interface Env {
  DB: D1Database;
  TOKENS: KVNamespace;
  AUTH_RATE_LIMITER?: RateLimit;
  ACCOUNT_TOKEN?: string;
  SIGNING_KEYS?: string;
  [name: string]: unknown;
}

export interface Config {
  issuer: string | null;
  audience: string;
  defaultEcosystem: string;
  emailConfirmation: boolean;
  openRegistration: boolean;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  refreshGraceSeconds: number;
  resetCodeTtlSeconds: number;
  confirmationCodeTtlSeconds: number;
  passwordHash: PasswordHashSpec;
  passwordMinLength: number;
  passwordMaxLength: number;
  loginLockoutThreshold: number;
  /** Consecutive failures from all clients together that lock an account for everyone. */
  loginAccountCeiling: number;
  edgeRecheckSeconds: number;
  bodyLimitBytes: number;
  corsOrigins: string[];
  publicUrl: string | null;
  mailTransport: 'log';
  mailFrom: string;
  gatewayRoutes: GatewayRoute[];
  accountToken: string;
  signingKeys: string;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    reason: string,
  ) {
    super(`Invalid configuration: ${variable} ${reason}`);
    this.name = 'ConfigError';
  }
}

const PASSWORD_MAX_LENGTH = 1024;

function raw(env: Env, name: string, fallback: string): string {
  const value = env[name];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'string') throw new ConfigError(name, 'must be a string');
  return value.trim();
}

function integerVar(env: Env, name: string, fallback: number, min: number, max: number): number {
  const text = raw(env, name, String(fallback));
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigError(name, `must be a whole number from ${min} to ${max} (got "${text}")`);
  }
  return value;
}

function switchVar(env: Env, name: string, fallback: 'on' | 'off'): boolean {
  const text = raw(env, name, fallback).toLowerCase();
  if (text === 'on' || text === 'true') return true;
  if (text === 'off' || text === 'false') return false;
  throw new ConfigError(name, `must be "on" or "off" (got "${text}")`);
}

function urlVar(env: Env, name: string): string | null {
  const text = raw(env, name, '');
  if (text === '') return null;
  try {
    const url = new URL(text);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('scheme');
    return text.replace(/\/+$/, '');
  } catch {
    throw new ConfigError(name, `must be an http(s) URL (got "${text}")`);
  }
}

function secretVar(env: Env, name: string, minLength: number): string {
  const value = env[name];
  if (typeof value !== 'string' || value.length === 0) {
    throw new ConfigError(name, 'is not set (run `npm run dev` locally, or `wrangler secret put`)');
  }
  if (value.length < minLength) throw new ConfigError(name, `must be at least ${minLength} characters`);
  return value;
}

function wrap<T>(name: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(name, error instanceof Error ? error.message : 'is invalid');
  }
}

export function readConfig(env: Env): Config {
  const audience = raw(env, 'TOKEN_AUDIENCE', 'gatehouse');
  if (audience === '') throw new ConfigError('TOKEN_AUDIENCE', 'must not be empty');
  const defaultEcosystem = raw(env, 'DEFAULT_ECOSYSTEM', 'default');
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(defaultEcosystem)) {
    throw new ConfigError('DEFAULT_ECOSYSTEM', 'must be 1 to 64 letters, digits, "-" or "_"');
  }
  const transport = raw(env, 'MAIL_TRANSPORT', 'log');
  if (transport !== 'log') throw new ConfigError('MAIL_TRANSPORT', `must be "log" (got "${transport}")`);
  const corsOrigins = raw(env, 'CORS_ORIGINS', '*')
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  return {
    issuer: urlVar(env, 'ISSUER'),
    audience,
    defaultEcosystem,
    emailConfirmation: switchVar(env, 'EMAIL_CONFIRMATION', 'off'),
    openRegistration: switchVar(env, 'OPEN_REGISTRATION', 'on'),
    accessTokenTtlSeconds: integerVar(env, 'ACCESS_TOKEN_TTL_SECONDS', 3600, 60, 86_400),
    refreshTokenTtlSeconds: integerVar(env, 'REFRESH_TOKEN_TTL_SECONDS', 2_592_000, 300, 31_536_000),
    refreshGraceSeconds: integerVar(env, 'REFRESH_GRACE_SECONDS', 10, 0, 60),
    resetCodeTtlSeconds: integerVar(env, 'RESET_CODE_TTL_SECONDS', 1800, 60, 86_400),
    confirmationCodeTtlSeconds: integerVar(env, 'CONFIRMATION_CODE_TTL_SECONDS', 259_200, 300, 2_592_000),
    passwordHash: wrap('PASSWORD_HASH', () => parsePasswordHashSpec(raw(env, 'PASSWORD_HASH', 'scrypt:ln=14,r=8,p=5'))),
    passwordMinLength: integerVar(env, 'PASSWORD_MIN_LENGTH', 8, 8, 256),
    passwordMaxLength: PASSWORD_MAX_LENGTH,
    loginLockoutThreshold: integerVar(env, 'LOGIN_LOCKOUT_THRESHOLD', 10, 3, 100),
    loginAccountCeiling: integerVar(env, 'LOGIN_ACCOUNT_CEILING', 100, 3, 100),
    edgeRecheckSeconds: integerVar(env, 'EDGE_RECHECK_SECONDS', 10, 0, 300),
    bodyLimitBytes: integerVar(env, 'BODY_LIMIT_BYTES', 65_536, 1024, 10_485_760),
    corsOrigins: corsOrigins.length > 0 ? corsOrigins : ['*'],
    publicUrl: urlVar(env, 'PUBLIC_URL'),
    mailTransport: 'log',
    mailFrom: raw(env, 'MAIL_FROM', 'Gatehouse <no-reply@localhost>'),
    gatewayRoutes: wrap('GATEWAY_ROUTES', () => parseGatewayRoutes(raw(env, 'GATEWAY_ROUTES', '[]'))),
    accountToken: secretVar(env, 'ACCOUNT_TOKEN', 24),
    signingKeys: secretVar(env, 'SIGNING_KEYS', 2),
  };
}
