// Token profiles: the shape of the access tokens a face issues. `default` is today's token (ES256
// or EdDSA, one audience). A deployment whose old clients verify tokens their own way sets a
// face's profile to `legacy` (GATEKEEPER_TOKEN_PROFILE, USER_SERVICE_TOKEN_PROFILE), and that
// face then signs RS256 with the newest RSA key of SIGNING_KEYS:
//   gatekeeper-legacy    `aud` also holds GATEKEEPER_TOKEN_AUDIENCE (son-access verifies
//                        audience "adapter"), `preferred_username` always present.
//   user-service-legacy  `crit: ["exp", "aud"]` (unless USER_SERVICE_TOKEN_CRIT is off), `id`
//                        the user's integer number in its ecosystem (`sub` stays the UUID),
//                        `status` = permissionLevel.
// RS256 (PKCS#1 v1.5) is kept for these consumers only; new systems should not use it.
// Every profile's token verifies everywhere a token of its kind does.
import type { Config } from '../config';
import { publicKeyPem, type KeyRing, type Signer } from '../crypto/keys';
import type { UserRow } from '../store/user-repo';
import type { Deps } from './deps';

export type TokenProfile = 'default' | 'gatekeeper-legacy' | 'user-service-legacy';
export type Face = 'gatekeeper' | 'user-service';

const LEGACY_ALGORITHM = 'RS256';

/** The profile a face issues under this configuration. */
export function profileOf(config: Config, face: Face): TokenProfile {
  if (face === 'gatekeeper') return config.gatekeeperTokenProfile === 'legacy' ? 'gatekeeper-legacy' : 'default';
  return config.userServiceTokenProfile === 'legacy' ? 'user-service-legacy' : 'default';
}

/** The var whose legacy profile needs an RSA key the key set lacks, if any. */
export function profileMissingKey(config: Config, keys: KeyRing): string | null {
  if (keys.signers.has(LEGACY_ALGORITHM)) return null;
  if (config.gatekeeperTokenProfile === 'legacy') return 'GATEKEEPER_TOKEN_PROFILE';
  if (config.userServiceTokenProfile === 'legacy') return 'USER_SERVICE_TOKEN_PROFILE';
  return null;
}

/** The key a profile signs with (checked at startup by profileMissingKey). */
export function signerOf(keys: KeyRing, profile: TokenProfile): Signer {
  return profile === 'default' ? keys.signer : keys.signers.get(LEGACY_ALGORITHM)!;
}

/** The PEM (SPKI) of the public key that signs a face's tokens under its configured profile. */
export function signingKeyPem(deps: Pick<Deps, 'keys' | 'config'>, face: Face): Promise<string> {
  return publicKeyPem(deps.keys, signerOf(deps.keys, profileOf(deps.config, face)));
}

/** The User Service's integer `id` of a user. */
export function userNumberOf(user: Pick<UserRow, 'userNumber'>): number {
  return user.userNumber ?? 0;
}

interface ShapedToken {
  claims: Record<string, unknown>;
  audience: string | string[];
  signer: Signer;
  critical: boolean;
}

/** Today's access token claims, reshaped for the profile. */
export function shapeAccessToken(
  config: Config,
  keys: KeyRing,
  profile: TokenProfile,
  user: UserRow,
  claims: Record<string, unknown>,
): ShapedToken {
  const signer = signerOf(keys, profile);
  if (profile === 'gatekeeper-legacy') {
    const audience = [...new Set([config.audience, config.gatekeeperTokenAudience])];
    const preferred_username = user.username ?? user.email ?? user.id;
    return {
      claims: { ...claims, preferred_username },
      audience: audience.length === 1 ? audience[0]! : audience,
      signer,
      critical: false,
    };
  }
  if (profile === 'user-service-legacy') {
    return {
      claims: { ...claims, id: userNumberOf(user), status: claims.permissionLevel },
      audience: config.audience,
      signer,
      critical: config.userServiceTokenCrit,
    };
  }
  return { claims, audience: config.audience, signer, critical: false };
}
