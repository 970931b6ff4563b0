// What must hold before the Worker serves anything: every var and secret (readConfig), signing keys
// that import, and an RS256 key wherever a legacy token profile is on. The Worker runs this once per
// environment; `npm run dev` runs it on the vars wrangler will pass before starting wrangler
// (scripts/check-config.ts), so a broken var stops the dev server instead of failing the first request.
import { ConfigError, readConfig, type Config, type Env } from './config';
import { refuseOwnedPrefixes } from './config/gateway-routes';
import { profileMissingKey } from './core/token-profiles';
import { keyRing, type KeyRing } from './crypto/keys';
import { FACES } from './faces';
import { isOwnedFirstSegment, ownedFirstSegments } from './http/face';

/** The signing keys of a read configuration; a ConfigError naming the variable if they cannot serve it. */
export async function signingKeysOf(config: Config): Promise<KeyRing> {
  const keys = await keyRing(config.signingKeys).catch((error: unknown) => {
    throw new ConfigError('SIGNING_KEYS', error instanceof Error ? error.message : 'is invalid');
  });
  const needsRsa = profileMissingKey(config, keys);
  if (needsRsa)
    throw new ConfigError(needsRsa, 'is "legacy", which signs RS256, but SIGNING_KEYS holds no RS256 key (add one: `npm run keys`)');
  return keys;
}

/** The configuration, read and checked against the faces' paths (GATEWAY_ROUTES may not shadow one). */
export function readServiceConfig(env: Env): Config {
  const config = readConfig(env);
  try {
    refuseOwnedPrefixes(config.gatewayRoutes, (segment) => isOwnedFirstSegment(FACES, segment), ownedFirstSegments(FACES));
  } catch (error) {
    throw new ConfigError('GATEWAY_ROUTES', (error as Error).message);
  }
  return config;
}

/** The whole start-up check: throws the first ConfigError, naming its variable and never a secret's value. */
export async function checkStartup(env: Env): Promise<{ config: Config; keys: KeyRing }> {
  const config = readServiceConfig(env);
  return { config, keys: await signingKeysOf(config) };
}
