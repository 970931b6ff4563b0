// The configuration as this Worker read it (src/config.ts), for the operator's console: every var
// by its name with the value in force (defaults included), and every secret only as "set" or "not
// set". A URL is shown without any user name or password it carries.
import type { Config } from '../config';

export interface ConfigurationEntry {
  name: string;
  value: string;
  secret: boolean;
}

/** A URL without credentials; anything that is no URL as it is. */
function withoutCredentials(value: string | null): string {
  if (value === null) return '(not set)';
  try {
    const url = new URL(value);
    if (!url.username && !url.password) return value;
    url.username = '';
    url.password = '';
    return url.toString();
  } catch {
    return value;
  }
}

const secret = (name: string, value: string | null): ConfigurationEntry => ({
  name,
  value: value ? 'set (hidden)' : 'not set',
  secret: true,
});

const plain = (name: string, value: string | number | boolean | null): ConfigurationEntry => ({
  name,
  value: value === null ? '(not set)' : typeof value === 'boolean' ? (value ? 'on' : 'off') : String(value),
  secret: false,
});

/** PASSWORD_HASH as it is written in the var. */
function passwordHashText(spec: Config['passwordHash']): string {
  return spec.algorithm === 'scrypt'
    ? `scrypt:ln=${spec.logN},r=${spec.r},p=${spec.p}`
    : `argon2id:m=${spec.memoryKiB},t=${spec.iterations},p=${spec.parallelism}`;
}

/** Every setting of the configuration, secrets masked, in the order of docs/configuration.md. */
export function configurationReport(config: Config): ConfigurationEntry[] {
  const routes = config.gatewayRoutes.map((route) => `${route.prefix} → ${withoutCredentials(route.origin)}`).join(', ');
  return [
    plain('ISSUER', withoutCredentials(config.issuer)),
    plain('PUBLIC_URL', withoutCredentials(config.publicUrl)),
    plain('TOKEN_AUDIENCE', config.audience),
    plain('GATEKEEPER_TOKEN_PROFILE', config.gatekeeperTokenProfile),
    plain('USER_SERVICE_TOKEN_PROFILE', config.userServiceTokenProfile),
    plain('USER_SERVICE_TOKEN_CRIT', config.userServiceTokenCrit),
    plain('GATEKEEPER_TOKEN_AUDIENCE', config.gatekeeperTokenAudience),
    plain('DEFAULT_ECOSYSTEM', config.defaultEcosystem),
    plain('CONSOLE_ECOSYSTEM', config.consoleEcosystem),
    plain('EMAIL_CONFIRMATION', config.emailConfirmation),
    plain('OPEN_REGISTRATION', config.openRegistration),
    plain('ACCESS_TOKEN_TTL_SECONDS', config.accessTokenTtlSeconds),
    plain('REFRESH_TOKEN_TTL_SECONDS', config.refreshTokenTtlSeconds),
    plain('REFRESH_GRACE_SECONDS', config.refreshGraceSeconds),
    plain('RESET_CODE_TTL_SECONDS', config.resetCodeTtlSeconds),
    plain('CONFIRMATION_CODE_TTL_SECONDS', config.confirmationCodeTtlSeconds),
    plain('PASSWORD_HASH', passwordHashText(config.passwordHash)),
    plain('PASSWORD_MIN_LENGTH', config.passwordMinLength),
    plain('LOGIN_LOCKOUT_THRESHOLD', config.loginLockoutThreshold),
    plain('LOGIN_ACCOUNT_CEILING', config.loginAccountCeiling),
    plain('MAX_SESSIONS_PER_USER', config.maxSessionsPerUser),
    plain('EDGE_RECHECK_SECONDS', config.edgeRecheckSeconds),
    plain('BODY_LIMIT_BYTES', config.bodyLimitBytes),
    plain('CORS_ORIGINS', config.corsOrigins.join(', ')),
    plain('WEBSITE_ORIGINS', config.websiteOrigins.join(', ') || '(none)'),
    plain('MAIL_TRANSPORT', config.mail.transport),
    plain('MAIL_FROM', config.mail.from),
    plain('MAIL_WEBHOOK_URL', withoutCredentials(config.mail.webhookUrl)),
    plain('MAIL_MAX_ATTEMPTS', config.mail.maxAttempts),
    plain('MAIL_SEND_TIMEOUT_SECONDS', config.mail.sendTimeoutSeconds),
    plain('OUTBOX_RETENTION_DAYS', config.outboxRetentionDays),
    plain('EVENT_RETENTION_DAYS', config.eventRetentionDays),
    plain('WEBHOOK_MAX_ATTEMPTS', config.webhookMaxAttempts),
    plain('GATEWAY_ROUTES', routes || '(none)'),
    plain('PRODUCT_NAME', config.theme.productName),
    plain('LOGO_URL', config.theme.logoUrl),
    plain('ACCENT_COLOR', config.theme.accentColor),
    secret('ACCOUNT_TOKEN', config.accountToken),
    secret('SIGNING_KEYS', config.signingKeys),
    secret('MFA_ENCRYPTION_KEY', config.mfaEncryptionKey),
    secret('IDP_SECRET_KEY', config.idpSecretKey),
    secret('RESEND_API_KEY', config.mail.resendApiKey),
    secret('MAIL_WEBHOOK_SECRET', config.mail.webhookSecret),
  ];
}
