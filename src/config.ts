// Reads and validates every var and secret once per environment object; a bad value fails
// loudly at the first request with a message naming the variable (never its value for secrets).
import { isSealingKey } from './crypto/sealed';
import { parsePasswordHashSpec, type PasswordHashSpec } from './crypto/password';
import { parseGatewayRoutes, type GatewayRoute } from './config/gateway-routes';

export interface Env {
  DB: D1Database;
  TOKENS: KVNamespace;
  AUTH_RATE_LIMITER?: RateLimit;
  /** The Workers send_email binding, for MAIL_TRANSPORT=cloudflare. */
  SEND_EMAIL?: SendEmail;
  ACCOUNT_TOKEN?: string;
  SIGNING_KEYS?: string;
  [name: string]: unknown;
}

type TokenProfileSetting = 'default' | 'legacy';

export interface Config {
  issuer: string | null;
  audience: string;
  /** GATEKEEPER_TOKEN_PROFILE, USER_SERVICE_TOKEN_PROFILE: the token shape each face issues. */
  gatekeeperTokenProfile: TokenProfileSetting;
  userServiceTokenProfile: TokenProfileSetting;
  /**
   * USER_SERVICE_TOKEN_CRIT: whether the User Service's legacy tokens mark `exp` and `aud` critical
   * (JWTVapor needs it; jose, PyJWT and Authlib refuse a `crit` they were not told of).
   */
  userServiceTokenCrit: boolean;
  /** The extra `aud` of the Gatekeeper's legacy tokens (the original's Keycloak client). */
  gatekeeperTokenAudience: string;
  defaultEcosystem: string;
  /** The ecosystem whose admins may use the console (/console): CONSOLE_ECOSYSTEM, else DEFAULT_ECOSYSTEM. */
  consoleEcosystem: string;
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
  /** Live sign-in sessions (refresh and browser) a user may hold; a new one ends the oldest beyond it. */
  maxSessionsPerUser: number;
  edgeRecheckSeconds: number;
  bodyLimitBytes: number;
  corsOrigins: string[];
  /**
   * WEBSITE_ORIGINS: origins besides PUBLIC_URL's whose proxy serves the hosted pages for a website
   * behind forward-auth (`https://wiki2.example.com`): their forms pass the CSRF origin check, and
   * /auth/verify?login=1 sends a browser of that host to sign in there.
   */
  websiteOrigins: string[];
  publicUrl: string | null;
  mail: MailConfig;
  /** How many days delivered mail stays in the outbox before upkeep deletes it. */
  outboxRetentionDays: number;
  /** How many days events are kept before upkeep deletes them. */
  eventRetentionDays: number;
  /** How many times a webhook delivery is tried before it is marked failed. */
  webhookMaxAttempts: number;
  gatewayRoutes: GatewayRoute[];
  /** How the hosted pages look: PRODUCT_NAME, LOGO_URL (https), ACCENT_COLOR (#rgb or #rrggbb). */
  theme: { productName: string; logoUrl: string | null; accentColor: string };
  accountToken: string;
  signingKeys: string;
  /** MFA_ENCRYPTION_KEY (a secret, 32 bytes in base64): seals authenticator-app secrets at rest; null turns enrolment off. */
  mfaEncryptionKey: string | null;
  /**
   * IDP_SECRET_KEY: the key (at least 32 characters) that seals identity providers' client secrets
   * and the upstream sign-in's state; null when not set (no provider can then be configured).
   */
  idpSecretKey: string | null;
}

const MAIL_TRANSPORTS = ['log', 'cloudflare', 'resend', 'webhook'] as const;
type MailTransport = (typeof MAIL_TRANSPORTS)[number];

interface MailConfig {
  transport: MailTransport;
  /** MAIL_FROM as given ("Name <address>" or an address) and its address alone. */
  from: string;
  fromAddress: string;
  /** Attempts before a message is marked failed. */
  maxAttempts: number;
  sendTimeoutSeconds: number;
  /** resend: the API key (a secret). */
  resendApiKey: string | null;
  /** webhook: where to POST and the HMAC key (a secret). */
  webhookUrl: string | null;
  webhookSecret: string | null;
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

export const PASSWORD_MAX_LENGTH = 1024;

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

/** Comma-separated origins (scheme, host and port only; https, or http on loopback). */
function originList(text: string): string[] {
  const origins = text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  for (const origin of origins) {
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      throw new Error(`"${origin}" is not an origin`);
    }
    const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
    if (url.origin !== origin || (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback))) {
      throw new Error(`"${origin}" must be an origin like https://site.example (no path; http only on loopback)`);
    }
  }
  return origins;
}

function profileVar(env: Env, name: string): TokenProfileSetting {
  const text = raw(env, name, 'default').toLowerCase();
  if (text === 'default' || text === 'legacy') return text;
  throw new ConfigError(name, `must be "default" or "legacy" (got "${text}")`);
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

/** An optional secret holding a 32-byte key in base64: null when unset, loud when malformed. */
function sealingKeyVar(env: Env, name: string): string | null {
  const value = env[name];
  if (value === undefined || value === '') return null;
  if (typeof value !== 'string' || !isSealingKey(value))
    throw new ConfigError(name, 'must be 32 bytes in base64 (openssl rand -base64 32)');
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
  const gatekeeperTokenAudience = raw(env, 'GATEKEEPER_TOKEN_AUDIENCE', 'adapter');
  if (gatekeeperTokenAudience === '') throw new ConfigError('GATEKEEPER_TOKEN_AUDIENCE', 'must not be empty');
  const defaultEcosystem = raw(env, 'DEFAULT_ECOSYSTEM', 'default');
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(defaultEcosystem)) {
    throw new ConfigError('DEFAULT_ECOSYSTEM', 'must be 1 to 64 letters, digits, "-" or "_"');
  }
  const consoleEcosystem = raw(env, 'CONSOLE_ECOSYSTEM', '') || defaultEcosystem;
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(consoleEcosystem)) {
    throw new ConfigError('CONSOLE_ECOSYSTEM', 'must be 1 to 64 letters, digits, "-" or "_"');
  }
  const corsOrigins = raw(env, 'CORS_ORIGINS', '*')
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  return {
    issuer: urlVar(env, 'ISSUER'),
    audience,
    gatekeeperTokenProfile: profileVar(env, 'GATEKEEPER_TOKEN_PROFILE'),
    userServiceTokenProfile: profileVar(env, 'USER_SERVICE_TOKEN_PROFILE'),
    userServiceTokenCrit: switchVar(env, 'USER_SERVICE_TOKEN_CRIT', 'on'),
    gatekeeperTokenAudience,
    defaultEcosystem,
    consoleEcosystem,
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
    maxSessionsPerUser: integerVar(env, 'MAX_SESSIONS_PER_USER', 100, 1, 10_000),
    edgeRecheckSeconds: integerVar(env, 'EDGE_RECHECK_SECONDS', 10, 0, 300),
    bodyLimitBytes: integerVar(env, 'BODY_LIMIT_BYTES', 65_536, 1024, 10_485_760),
    corsOrigins: corsOrigins.length > 0 ? corsOrigins : ['*'],
    websiteOrigins: wrap('WEBSITE_ORIGINS', () => originList(raw(env, 'WEBSITE_ORIGINS', ''))),
    publicUrl: urlVar(env, 'PUBLIC_URL'),
    mail: readMailConfig(env),
    outboxRetentionDays: integerVar(env, 'OUTBOX_RETENTION_DAYS', 30, 1, 3650),
    eventRetentionDays: integerVar(env, 'EVENT_RETENTION_DAYS', 90, 1, 3650),
    webhookMaxAttempts: integerVar(env, 'WEBHOOK_MAX_ATTEMPTS', 8, 1, 20),
    gatewayRoutes: wrap('GATEWAY_ROUTES', () => parseGatewayRoutes(raw(env, 'GATEWAY_ROUTES', '[]'))),
    theme: readTheme(env),
    accountToken: secretVar(env, 'ACCOUNT_TOKEN', 24),
    signingKeys: secretVar(env, 'SIGNING_KEYS', 2),
    mfaEncryptionKey: sealingKeyVar(env, 'MFA_ENCRYPTION_KEY'),
    idpSecretKey: env.IDP_SECRET_KEY === undefined || env.IDP_SECRET_KEY === '' ? null : secretVar(env, 'IDP_SECRET_KEY', 32),
  };
}

function readTheme(env: Env): Config['theme'] {
  const productName = raw(env, 'PRODUCT_NAME', 'Gatehouse').trim();
  if (productName === '' || productName.length > 64 || /[\u0000-\u001f]/.test(productName)) {
    throw new ConfigError('PRODUCT_NAME', 'must be 1 to 64 printable characters');
  }
  const logoUrl = urlVar(env, 'LOGO_URL');
  if (logoUrl && !logoUrl.startsWith('https://')) throw new ConfigError('LOGO_URL', `must be an https URL (got "${logoUrl}")`);
  const accentColor = raw(env, 'ACCENT_COLOR', '#1f5fbf');
  if (!/^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/.test(accentColor)) {
    throw new ConfigError('ACCENT_COLOR', `must be a hex colour such as #1f5fbf (got "${accentColor}")`);
  }
  return { productName, logoUrl, accentColor };
}

/** The address inside "Name <address>", or the whole value when it is a bare address. */
function addressOf(from: string): string | null {
  const match = /^(?:[^<>]*<([^<>\s]+@[^<>\s]+)>|([^<>\s]+@[^<>\s]+))$/.exec(from);
  return match ? (match[1] ?? match[2])! : null;
}

function readMailConfig(env: Env): MailConfig {
  const transport = raw(env, 'MAIL_TRANSPORT', 'log') as MailTransport;
  if (!MAIL_TRANSPORTS.includes(transport)) {
    throw new ConfigError('MAIL_TRANSPORT', `must be one of ${MAIL_TRANSPORTS.join(', ')} (got "${transport}")`);
  }
  const from = raw(env, 'MAIL_FROM', 'Gatehouse <no-reply@localhost>');
  const fromAddress = addressOf(from);
  if (!fromAddress || /[\r\n]/.test(from)) throw new ConfigError('MAIL_FROM', `must be "Name <address>" or an address (got "${from}")`);
  const webhook = transport === 'webhook';
  if (transport === 'cloudflare') {
    const binding = env.SEND_EMAIL as { send?: unknown } | undefined;
    if (typeof binding?.send !== 'function') {
      throw new ConfigError('SEND_EMAIL', 'binding is missing: add a [[send_email]] binding named SEND_EMAIL to wrangler.toml');
    }
  }
  const webhookUrl = webhook ? urlVar(env, 'MAIL_WEBHOOK_URL') : null;
  if (webhook && !webhookUrl) throw new ConfigError('MAIL_WEBHOOK_URL', 'must be set when MAIL_TRANSPORT is "webhook"');
  return {
    transport,
    from,
    fromAddress,
    maxAttempts: integerVar(env, 'MAIL_MAX_ATTEMPTS', 8, 1, 20),
    sendTimeoutSeconds: integerVar(env, 'MAIL_SEND_TIMEOUT_SECONDS', 10, 1, 30),
    resendApiKey: transport === 'resend' ? secretVar(env, 'RESEND_API_KEY', 8) : null,
    webhookUrl,
    webhookSecret: webhook ? secretVar(env, 'MAIL_WEBHOOK_SECRET', 16) : null,
  };
}
