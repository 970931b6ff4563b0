// Upstream identities linked to users, and the sign-in step they make (issue 22). An upstream
// identity is `(provider, subject)`, never an e-mail: a first sign-in creates a user, or links to an
// existing account only when the provider has linkByVerifiedEmail, the upstream asserts
// `email_verified: true` and the local address is verified too. Otherwise an account that holds the
// address is not touched: its owner signs in the usual way. The session records `amr: ["fed"]`
// through the authenticator seam, so every revocation rule applies as to any session.
import { randomId } from '../crypto/random';
import { isForeignKeyViolation, uniqueViolation, type Statement } from '../store/db';
import { ensureEcosystemQuery, environmentIdsIn, spendUserNumber } from '../store/ecosystem-repo';
import * as links from '../store/identity-provider-repo';
import * as users from '../store/user-repo';
import type { UserRow } from '../store/user-repo';
import { grantQueries, publishUserGrants } from './access';
import { completeSignIn, type Proof } from './authenticators';
import type { Deps } from './deps';
import { AppError } from './errors';
import { batchWithEvents } from './events';
import type { IdentityProviderRow } from './identity-providers';
import { UpstreamSignInFailure } from './upstream-failures';
import { checkEmail, NAME_MAX_LENGTH } from './users';

export interface UpstreamIdentity {
  subject: string;
  email?: string;
  emailVerified: boolean;
  firstName?: string;
  lastName?: string;
}

/** The droplit unique id of a user a provider created: `<provider id>|<subject>`. */
export function droplitIdOf(providerId: string, subject: string): string {
  return `${providerId}|${subject}`;
}

const MAX_ATTEMPTS = 2;

/** Signs in (and first creates or links, as the rules allow) the user of this upstream identity; a browser session. */
export async function signInWithUpstreamIdentity(deps: Deps, provider: IdentityProviderRow, identity: UpstreamIdentity) {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const user = await userOfIdentity(deps, provider, identity);
    if (!user) continue; // a concurrent first sign-in of the same identity won: read its link
    if (user.disabled) throw new UpstreamSignInFailure('disabled');
    const proof: Proof = { user, method: 'fed', lockKeys: [], clearKeys: [], idp: provider.id };
    const { session } = await completeSignIn(deps, [proof], { rotates: false, kind: 'browser' });
    return { user, cookie: session.refreshToken, maxAgeSeconds: session.refreshExpiresIn };
  }
  throw new UpstreamSignInFailure('upstream', 'identity kept changing');
}

/**
 * Links this upstream identity to the signed-in user (the account page's "link another"): no
 * e-mail rule applies, the person proved both sides. An identity already linked to another account
 * stays with it (`linked_elsewhere`); linked to this one, nothing changes.
 */
export async function linkUpstreamIdentity(
  deps: Deps,
  provider: IdentityProviderRow,
  identity: UpstreamIdentity,
  user: UserRow,
): Promise<void> {
  if (provider.ecosystemId !== user.ecosystemId) throw new UpstreamSignInFailure('unsupported', 'provider of another ecosystem');
  const link = await links.findLinkedIdentity(deps.db, provider.id, identity.subject);
  if (link) {
    if (link.userId !== user.id) throw new UpstreamSignInFailure('linked_elsewhere');
    return;
  }
  if (!(await insertLink(deps, [], provider, identity, user.id))) {
    const now = await links.findLinkedIdentity(deps.db, provider.id, identity.subject);
    if (now?.userId !== user.id) throw new UpstreamSignInFailure('linked_elsewhere');
  }
}

/** The linked user, or a newly linked or created one; null when a concurrent sign-in created it first. */
async function userOfIdentity(deps: Deps, provider: IdentityProviderRow, identity: UpstreamIdentity): Promise<UserRow | null> {
  const now = deps.now();
  const link = await links.findLinkedIdentity(deps.db, provider.id, identity.subject);
  if (link) {
    const user = await users.findUserById(deps.db, link.userId);
    if (!user) return null;
    await links.touchLinkedIdentityQuery(deps.db, link.id, identity.email ?? null, now);
    return user;
  }
  const email = usableEmail(identity.email);
  const holder = email ? await users.findUserByEmail(deps.db, provider.ecosystemId, email) : undefined;
  if (holder) {
    const mayLink = provider.linkByVerifiedEmail && identity.emailVerified && holder.emailVerifiedAt !== null && holder.email !== null;
    if (!mayLink) throw new UpstreamSignInFailure('account_exists');
    return (await insertLink(deps, [], provider, identity, holder.id)) ? holder : null;
  }
  return createUserOfIdentity(deps, provider, identity, email);
}

/** An address the upstream gave that could be a user's (else the user is made without one). */
function usableEmail(email: string | undefined): string | undefined {
  if (!email) return undefined;
  try {
    checkEmail(email);
    return email;
  } catch {
    return undefined;
  }
}

/** Runs `before` and the link's insert in one batch; false when the identity was linked meanwhile. */
async function insertLink(deps: Deps, before: Statement[], provider: IdentityProviderRow, identity: UpstreamIdentity, userId: string) {
  const now = deps.now();
  const insert = links.insertLinkedIdentityQuery(deps.db, {
    id: randomId(),
    providerId: provider.id,
    subject: identity.subject,
    userId,
    email: identity.email ?? null,
    createdAt: now,
    lastUsedAt: now,
  });
  try {
    // The link last: it names the user the batch may insert before it.
    const statements: Statement[] = [...before, insert];
    await batchWithEvents(deps, statements, [{ type: 'identity.linked', userId, details: { providerId: provider.id } }]);
    return true;
  } catch (error) {
    const columns = uniqueViolation(error);
    if (columns?.includes('linked_identities.') || columns?.includes('users.unique_id')) return false;
    if (columns?.includes('users.email_key')) throw new UpstreamSignInFailure('account_exists');
    if (isForeignKeyViolation(error)) throw new UpstreamSignInFailure('upstream', 'provider or user deleted meanwhile');
    throw error;
  }
}

/**
 * A new user of the provider's ecosystem, its link and its default environment grants in one
 * batch: no password, the droplit unique id `<provider>|<subject>`, and the address verified only
 * when the upstream vouched for it (so Gatehouse's own ID token says `email_verified` by the same rule).
 */
async function createUserOfIdentity(
  deps: Deps,
  provider: IdentityProviderRow,
  identity: UpstreamIdentity,
  email: string | undefined,
): Promise<UserRow | null> {
  const now = deps.now();
  const ecosystemId = provider.ecosystemId;
  const name = (value: string | undefined) => (value ? value.slice(0, NAME_MAX_LENGTH) : null);
  const row: users.NewUserRow = {
    id: randomId(),
    userNumber: await spendUserNumber(deps.db, ecosystemId),
    ecosystemId,
    uniqueId: droplitIdOf(provider.id, identity.subject),
    email: email ?? null,
    emailKey: email ? users.emailKeyOf(email) : null,
    emailVerifiedAt: email && identity.emailVerified ? now : null,
    role: 'user',
    firstName: name(identity.firstName),
    lastName: name(identity.lastName),
    confirmed: true,
    createdAt: now,
    updatedAt: now,
  };
  // Environments deleted since the provider was configured are left out rather than failing the sign-in.
  const wanted = provider.defaultEnvironments;
  const present = wanted.length > 0 ? await environmentIdsIn(deps.db, ecosystemId, wanted) : [];
  const grants = present.map((environmentId) => ({ environmentId, accessLevel: 'all' }));
  const before: Statement[] = [ensureEcosystemQuery(deps.db, ecosystemId, now), users.insertUserQuery(deps.db, row)];
  if (grants.length > 0) before.push(...(await grantQueries(deps, ecosystemId, row.id, grants)));
  if (!(await insertLink(deps, before, provider, identity, row.id))) return null;
  if (grants.length > 0) await publishUserGrants(deps, row.id, grants);
  return (await users.findUserById(deps.db, row.id)) ?? null;
}

/** The signed-in user's linked identities, for the account page. */
export function linkedIdentitiesOf(deps: Deps, userId: string) {
  return links.listLinkedIdentitiesWithProvider(deps.db, userId);
}

/** Unlinks one of the user's identities; refused (LAST_SIGN_IN_METHOD) when it would leave no way to sign in. */
export async function unlinkIdentity(deps: Deps, userId: string, linkId: string): Promise<void> {
  const owned = (await links.listLinkedIdentities(deps.db, userId)).find((link) => link.id === linkId);
  if (!owned) throw new AppError('LINKED_IDENTITY_NOT_FOUND', { field: 'identity' });
  // The event only if the link is gone after the delete (which refuses to take the last way in).
  const [[removed]] = (await batchWithEvents(
    deps,
    [links.unlinkIfAnotherWayInQuery(deps.db, userId, linkId)],
    [{ type: 'identity.unlinked', userId, details: { providerId: owned.providerId }, guard: links.linkGoneGuard(linkId) }],
  )) as [unknown[]];
  if (!removed) throw new AppError('LAST_SIGN_IN_METHOD', { field: 'identity' });
}
