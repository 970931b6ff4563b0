// The one Worker every browser test file talks to: its vars and gateway routes. The global setup
// starts it once per run with these; add a route or a var here when a test needs one (tests share
// the Worker, so they use unique users rather than changing its configuration).

/**
 * Gateway routes, all to the stub origin. `/app/` is a plain bearer-token route; `/site-login/` a
 * website (`"login": true`); `/site-mfa/` a website that needs a sign-in with a second factor.
 */
export function gatewayRoutes(originUrl: string): Record<string, unknown>[] {
  return [
    { prefix: '/app/', origin: originUrl },
    { prefix: '/site-login/', origin: originUrl, login: true },
    { prefix: '/site-mfa/', origin: originUrl, login: true, mfa: true },
  ];
}

/** The Worker's vars and secrets. `url` is its own address (ISSUER and PUBLIC_URL). */
export function workerBindings(
  url: string,
  originUrl: string,
  secrets: { ACCOUNT_TOKEN: string; SIGNING_KEYS: string; MFA_ENCRYPTION_KEY: string; IDP_SECRET_KEY?: string },
): Record<string, string> {
  return {
    ACCOUNT_TOKEN: secrets.ACCOUNT_TOKEN,
    SIGNING_KEYS: secrets.SIGNING_KEYS,
    MFA_ENCRYPTION_KEY: secrets.MFA_ENCRYPTION_KEY,
    // Seals the identity providers' client secrets (identity-providers.test.ts).
    ...(secrets.IDP_SECRET_KEY ? { IDP_SECRET_KEY: secrets.IDP_SECRET_KEY } : {}),
    ISSUER: url,
    PUBLIC_URL: url,
    // Cheap hashing keeps the run fast, as in vitest.config.ts.
    PASSWORD_HASH: 'scrypt:ln=10,r=8,p=1',
    EMAIL_CONFIRMATION: 'on',
    MAIL_TRANSPORT: 'log',
    GATEWAY_ROUTES: JSON.stringify(gatewayRoutes(originUrl)),
  };
}

/**
 * Every request reaches the Worker from one loopback client, so the per-client limit of
 * wrangler.toml (30 a minute) would throttle a run's sign-ins; the binding stays, with room.
 */
export const RATE_LIMIT = { limit: 10_000, period: 60 } as const;
