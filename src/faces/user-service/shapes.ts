// How the User Service shows a user: the original's field names (firstname, lastname,
// permissionLevel), attributes as a {key: text} map. Never a hash, a code or a token. Under the
// legacy token profile `id` is the user's integer number, as in the original's MySQL rows and tokens.
import { userNumberOf } from '../../core/token-profiles';
import { permissionLevelOf } from '../../core/users';
import type { AttributeRow } from '../../core/attributes';
import type { UserRow } from '../../core/users';

export function serviceUser(user: UserRow, integerIds = false) {
  return {
    id: integerIds ? userNumberOf(user) : user.id,
    email: user.email,
    firstname: user.firstName,
    lastname: user.lastName,
    language: user.language,
    confirmed: user.confirmed,
    permissionLevel: permissionLevelOf(user.role),
  };
}

export function attributeMap(rows: AttributeRow[]): Record<string, string> {
  return Object.fromEntries(rows.map((row) => [row.key, row.text]));
}

export function serviceUserWithAttributes(user: UserRow, rows: AttributeRow[], integerIds = false) {
  return { ...serviceUser(user, integerIds), attributes: attributeMap(rows) };
}
