// The hosted pages in /openapi.json (documentation only: the pages read their forms themselves and
// answer every problem with a page, so nothing here validates). Each route: its summary, the form
// fields as an application/x-www-form-urlencoded body, its text/html answers and its 303 redirects
// (with Location), the session cookie as the security scheme where a page needs a signed-in
// browser, and the CSRF cookie that every form POST must bring back with its `csrf` field.
import { describeRoute, resolver, type ResponsesWithResolver } from 'hono-openapi';
import { z } from 'zod';
import { EMAIL_MAX_LENGTH, NAME_MAX_LENGTH } from '../../core/users';
import { CSRF_COOKIE } from '../../http/browser-cookies';
import { SECURITY, TAGS } from '../../openapi/describe';
import { DEFAULT_RETURN } from '../../web/return-path';

const csrf = z.string().meta({ description: `The hidden field of the form: the value of the ${CSRF_COOKIE} cookie.` });
const returnPath = z
  .string()
  .max(2048)
  .optional()
  .meta({ description: `A path on this host to go to next; anything else reads as ${DEFAULT_RETURN}.`, example: '/account' });
const password = z.string().meta({ format: 'password' });

const forms = {
  signIn: z.object({
    csrf,
    return: returnPath,
    login: z.string().max(EMAIL_MAX_LENGTH).meta({ description: 'The e-mail address or username.' }),
    password,
  }),
  signUp: z.object({
    csrf,
    return: returnPath,
    email: z.string().max(EMAIL_MAX_LENGTH),
    password,
    firstName: z.string().max(NAME_MAX_LENGTH).optional(),
    lastName: z.string().max(NAME_MAX_LENGTH).optional(),
  }),
  forgotPassword: z.object({ csrf, email: z.string().max(EMAIL_MAX_LENGTH) }),
  resetPassword: z.object({ csrf, code: z.string().max(256).meta({ description: 'The code of the mailed link.' }), password }),
  signOut: z.object({ csrf, return: returnPath.meta({ description: 'Where to go once signed out; default /signin.' }) }),
  signOutDevice: z.object({
    csrf,
    session: z.string().max(64).meta({ description: 'The id of one of the user’s sessions (this browser’s: a sign-out).' }),
  }),
  signOutOthers: z.object({ csrf }),
  signInCode: z.object({
    csrf,
    return: returnPath,
    challenge: z.string().max(200).meta({ description: 'The hidden field of the code page: the sign-in challenge its password opened.' }),
    code: z.string().max(64).meta({ description: 'A code from the authenticator app, or a recovery code.' }),
  }),
  totpConfirm: z.object({ csrf, code: z.string().max(64).meta({ description: 'The code the app shows.' }) }),
  passkeyOptions: z.object({ csrf }),
  newPassword: z.object({ csrf, password }),
  newEmail: z.object({ csrf, email: z.string().max(EMAIL_MAX_LENGTH) }),
  passkeySignIn: z.object({
    csrf,
    return: returnPath,
    challenge: z.string().max(64).meta({ description: 'The `challengeId` of POST /signin/passkey/options.' }),
    response: z.string().max(16_384).meta({ description: 'The browser’s answer (PublicKeyCredential.toJSON()) as JSON text.' }),
  }),
  addPasskey: z.object({
    csrf,
    challenge: z.string().max(64).meta({ description: 'The `challengeId` of POST /account/passkeys/options.' }),
    response: z.string().max(16_384).meta({ description: 'The browser’s answer (PublicKeyCredential.toJSON()) as JSON text.' }),
    name: z.string().max(64).optional().meta({ description: 'A name for the passkey; default “Passkey added <date>”.' }),
  }),
  removePasskey: z.object({ csrf, passkey: z.string().max(1024).meta({ description: 'The passkey’s credential id.' }) }),
  mfaAction: z.object({ csrf }),
  linkIdentity: z.object({
    csrf,
    provider: z.string().max(64).meta({ description: 'The id of an identity provider of the sign-in page.' }),
  }),
  deviceCode: z.object({
    csrf,
    user_code: z.string().max(32).meta({ description: 'The code the device shows (XXXX-XXXX; case, dashes and spaces do not matter).' }),
  }),
  deviceDecide: z.object({
    csrf,
    user_code: z.string().max(32),
    decision: z.enum(['approve', 'deny']).meta({ description: 'The button pressed.' }),
  }),
  unlinkIdentity: z.object({
    csrf,
    identity: z.string().max(64).meta({ description: 'The id of one of the user’s linked identities (from the account page).' }),
  }),
};
type FormName = keyof typeof forms;

const html = (description: string) => ({ description, content: { 'text/html': { schema: { type: 'string' as const } } } });

/** A 303 See Other to `to`; `cookie` when it sets or clears the session cookie. */
function seeOther(description: string, to: string, cookie?: string): ResponsesWithResolver {
  const headers: Record<string, { description: string; schema: { type: 'string' } }> = {
    Location: { description: `Where to go: ${to}.`, schema: { type: 'string' } },
  };
  if (cookie) headers['Set-Cookie'] = { description: cookie, schema: { type: 'string' } };
  return { 303: { description, headers } };
}

const query = (name: string, description: string) => ({
  in: 'query' as const,
  name,
  required: false,
  description,
  schema: { type: 'string' as const },
});
const RETURN_QUERY = query('return', `A path on this host to go to next; anything else reads as ${DEFAULT_RETURN}.`);
const CSRF_PARAMETER = {
  in: 'cookie' as const,
  name: CSRF_COOKIE,
  required: true,
  description:
    'Set by the page that shows the form; without it, or with another `csrf` field, or from another site, the answer is a 403 page.',
  schema: { type: 'string' as const },
};

const FORM_REFUSED = { 403: html('The form expired or came from another site (the CSRF check)') };
const SESSION_SET = 'The browser session cookie (__Host-gatehouse-session, HttpOnly, SameSite=Lax).';
const SESSION_CLEARED = 'Clears the browser session cookie.';

interface Page {
  summary: string;
  responses: ResponsesWithResolver;
  form?: FormName;
  parameters?: object[];
  signedIn?: boolean;
  description?: string;
}

function page({ summary, responses, form, parameters = [], signedIn = false, description }: Page) {
  return describeRoute({
    tags: [TAGS.pages],
    summary,
    ...(description ? { description } : {}),
    security: signedIn ? SECURITY.browser : SECURITY.none,
    ...(form
      ? { requestBody: { required: true, content: { 'application/x-www-form-urlencoded': { schema: resolver(forms[form]) } } } }
      : {}),
    parameters: [...parameters, ...(form ? [CSRF_PARAMETER] : [])] as never,
    responses: form ? { ...FORM_REFUSED, ...responses } : responses,
  });
}

/** The answer of a passkey options route: the challenge's id and what navigator.credentials takes. */
const CEREMONY = {
  description:
    'The ceremony: `challengeId` (sent back with the answer) and `options` (WebAuthn’s JSON form, for PublicKeyCredential.parse…OptionsFromJSON)',
  content: {
    'application/json': {
      schema: resolver(z.object({ challengeId: z.string(), options: z.record(z.string(), z.unknown()) })),
    },
  },
};

const TO_SIGN_IN = seeOther('Not signed in: to the sign-in page, coming back here after', '/signin?return=/account');

export const DESCRIBE = {
  signInPage: page({ summary: 'The sign-in form', parameters: [RETURN_QUERY], responses: { 200: html('The form') } }),
  signIn: page({
    summary: 'Sign in: a browser session',
    form: 'signIn',
    responses: {
      ...seeOther('Signed in: to the return path', 'the form’s `return`', SESSION_SET),
      400: html('The form again: a field is empty'),
      401: html('The form again: the login and password match no account (the same words for both)'),
      403: html('The form again: the e-mail address is not confirmed yet; or the CSRF check failed'),
      429: html('The form again: too many attempts (the account locked for a while, or the per-client budget), with Retry-After'),
    },
  }),
  upstreamStart: page({
    summary: 'Sign in with an upstream identity provider: to its authorization endpoint',
    description:
      'Sets a short-lived sealed cookie (__Host-gatehouse-upstream) with the PKCE verifier, state and nonce that bind the sign-in to this browser.',
    parameters: [{ in: 'path', name: 'providerId', required: true, schema: { type: 'string' } }, RETURN_QUERY],
    responses: {
      302: {
        description: 'To the provider (authorization code with PKCE S256, state and nonce)',
        headers: { Location: { description: 'The provider’s authorization endpoint.', schema: { type: 'string' } } },
      },
      404: html('No such provider'),
      502: html('The provider’s discovery could not be read'),
    },
  }),
  upstreamCallback: page({
    summary: 'The redirect URI registered at an upstream identity provider: completes its sign-in',
    description:
      'Checks state against this browser’s cookie, exchanges the code with PKCE, verifies the ID token (JWKS, iss, aud, exp, nonce); a first sign-in creates the user (or links by verified e-mail when the provider allows it). Every failure is a page.',
    parameters: [
      { in: 'path', name: 'providerId', required: true, schema: { type: 'string' } },
      query('code', 'From the provider.'),
      query('state', 'From the provider: must match this browser’s.'),
      query('error', 'From the provider, when it refused.'),
    ],
    responses: {
      ...seeOther('Signed in: to the return path of the start', 'the start’s `return`', SESSION_SET),
      400: html('The state does not match this browser’s sign-in, or it expired'),
      403: html('Consent denied at the provider, or the account is disabled'),
      404: html('No such provider'),
      409: html('An account holds the address and may not be linked: sign in the usual way and link from the account page'),
      502: html('The provider failed, timed out, or its answer could not be verified'),
    },
  }),
  signUpPage: page({
    summary: 'The registration form (OPEN_REGISTRATION)',
    parameters: [RETURN_QUERY],
    responses: { 200: html('The form'), 404: html('Registration is closed: no such page') },
  }),
  signUp: page({
    summary: 'Register (OPEN_REGISTRATION)',
    description:
      'With EMAIL_CONFIRMATION on, every accepted form (a taken address too) gets the same “check your mail” page; with it off, the new user is signed in.',
    form: 'signUp',
    responses: {
      200: html('Check your mail (EMAIL_CONFIRMATION on)'),
      ...seeOther('Registered and signed in (EMAIL_CONFIRMATION off): to the return path', 'the form’s `return`', SESSION_SET),
      400: html('The form again, the refused field marked'),
      404: html('Registration is closed: no such page'),
      409: html('The form again: the address is registered (EMAIL_CONFIRMATION off)'),
      429: html('Too many registrations from this client'),
    },
  }),
  forgotPasswordPage: page({ summary: 'The form that asks for a password reset link', responses: { 200: html('The form') } }),
  forgotPassword: page({
    summary: 'Mail a password reset link',
    form: 'forgotPassword',
    responses: {
      200: html('Check your mail: the same page for every address'),
      400: html('The form again: no address'),
      429: html('Too many requests from this client'),
    },
  }),
  resetPasswordPage: page({
    summary: 'The new-password form of a mailed reset link (the code is not spent)',
    parameters: [query('code', 'The code of the mailed link.')],
    responses: { 200: html('The form'), 400: html('The link is used, expired or incomplete') },
  }),
  resetPassword: page({
    summary: 'Set a new password with a reset code: every session of the user ends',
    form: 'resetPassword',
    responses: {
      200: html('The sign-in form, saying the password changed; the session cookie is cleared'),
      400: html('The form again (the password refused), or the link is used or expired'),
    },
  }),
  confirmEmail: page({
    summary: 'Confirm an e-mail address (the mailed link)',
    parameters: [query('code', 'The code of the mailed link.')],
    responses: { 200: html('Confirmed, or confirmed before'), 400: html('The link is used, expired or incomplete') },
  }),
  account: page({
    summary: 'The signed-in user and their live sessions, each with a sign-out button',
    signedIn: true,
    parameters: [query('done', 'Set by the sign-out forms: `device` or `others`, for the notice.')],
    responses: { 200: html('The account page'), ...TO_SIGN_IN },
  }),
  signOutDevice: page({
    summary: 'End one of the user’s sessions',
    signedIn: true,
    form: 'signOutDevice',
    responses: {
      303: {
        description:
          'To /account?done=device; this browser’s own session: signed out, to /signin (the cookie cleared); not signed in: to /signin?return=/account',
        headers: { Location: { description: 'Where to go.', schema: { type: 'string' } } },
      },
      404: html('Not one of the user’s sessions, or already ended'),
    },
  }),
  signOutOthers: page({
    summary: 'End every session and token of the user but this browser’s',
    signedIn: true,
    form: 'signOutOthers',
    responses: {
      303: {
        description: 'To /account?done=others; not signed in: to /signin?return=/account',
        headers: { Location: { description: 'Where to go.', schema: { type: 'string' } } },
      },
    },
  }),
  signInCode: page({
    summary: 'Sign in, second step: the code of an account with a second factor',
    form: 'signInCode',
    responses: {
      ...seeOther('Signed in (amr pwd, otp, mfa): to the return path', 'the form’s `return`', SESSION_SET),
      400: html('The code page again (no code), or the sign-in form (the challenge is spent or older than 5 minutes)'),
      401: html('The code page again: the code is wrong or was used (counted toward the lockout)'),
      429: html('The code page again: too many attempts, with Retry-After'),
    },
  }),
  signInEnrol: page({
    summary: 'Sign in, second step where the policy requires a second factor the account lacks: the new app’s first code',
    description:
      'The sign-in form answers such an account (right password) with the enrolment page: a QR code, the secret as text and this form. The first code turns the app on and starts the session (amr pwd, otp, mfa).',
    form: 'signInCode',
    responses: {
      200: html('Signed in (Set-Cookie): the ten recovery codes, shown once, and a link to the return path'),
      400: html('The sign-in form again: the challenge is spent or older than 5 minutes'),
      401: html('The enrolment page again: the code is not right (counted toward the lockout)'),
      429: html('The enrolment page again: too many attempts, with Retry-After'),
    },
  }),
  passkeySignInOptions: page({
    summary: 'Sign in with a passkey, first step: the WebAuthn request options (JSON, for the page’s script)',
    description: 'Opens a challenge (5 minutes, used once) for any discoverable passkey of this relying party (PUBLIC_URL’s host).',
    form: 'passkeyOptions',
    responses: { 200: CEREMONY, 429: html('Too many attempts from this client') },
  }),
  passkeySignIn: page({
    summary: 'Sign in with a passkey alone: a browser session (amr hwk or swk, and mfa when the passkey verified its person)',
    form: 'passkeySignIn',
    responses: {
      ...seeOther('Signed in: to the return path', 'the form’s `return`', SESSION_SET),
      401: html(
        'The sign-in form again: the passkey was refused (unknown, wrong origin, spent or expired challenge, a counter that went back)',
      ),
      403: html('The sign-in form again: the e-mail address is not confirmed'),
    },
  }),
  newPassword: page({
    summary: 'Change your password (needs a sign-in from the last 5 minutes)',
    description: 'Every other session and token of yours ends; this browser stays signed in; the owner is mailed.',
    signedIn: true,
    form: 'newPassword',
    responses: {
      ...seeOther('Changed: to /account?done=password', '/account?done=password'),
      400: html('The form again: the password is empty or the policy refuses it'),
      403: html('The sign-in is older than 5 minutes: a link to sign in again'),
    },
  }),
  newEmail: page({
    summary: 'Change your e-mail address (needs a sign-in from the last 5 minutes)',
    description: 'The new address is unproven until a mailed link or code is used; every other session ends; the old address is mailed.',
    signedIn: true,
    form: 'newEmail',
    responses: {
      ...seeOther('Changed: to /account?done=email', '/account?done=email'),
      400: html('The form again: the address is empty or not valid'),
      403: html('The sign-in is older than 5 minutes: a link to sign in again'),
      409: html('The form again: the address belongs to another account'),
    },
  }),
  addPasskeyOptions: page({
    summary: 'Add a passkey, first step: the WebAuthn creation options (JSON, for the page’s script)',
    description: 'A discoverable credential, user verification preferred. Needs a sign-in from the last 5 minutes.',
    signedIn: true,
    form: 'passkeyOptions',
    responses: { 200: CEREMONY, 401: html('Not signed in'), 403: html('The sign-in is older than 5 minutes') },
  }),
  addPasskey: page({
    summary: 'Add a passkey: the browser’s answer, with a name (needs a sign-in from the last 5 minutes)',
    signedIn: true,
    form: 'addPasskey',
    responses: {
      ...seeOther('Added: to /account?done=passkey-added', '/account?done=passkey-added'),
      400: html('The passkey was refused (wrong origin or relying party, spent or expired challenge), or the name is too long'),
      403: html('The sign-in is older than 5 minutes: a link to sign in again'),
    },
  }),
  removePasskey: page({
    summary: 'Remove one of your passkeys (needs a sign-in from the last 5 minutes)',
    signedIn: true,
    form: 'removePasskey',
    responses: {
      ...seeOther('Removed: to /account?done=passkey-removed', '/account?done=passkey-removed'),
      403: html('The sign-in is older than 5 minutes: a link to sign in again'),
      404: html('Not one of your passkeys'),
    },
  }),
  totpSetup: page({
    summary: 'Set up an authenticator app: a new secret as a QR code and as base32 text, and the form for its first code',
    signedIn: true,
    form: 'mfaAction',
    responses: { 200: html('The setup page'), ...TO_SIGN_IN, 403: html('An app is already on, or MFA_ENCRYPTION_KEY is not set') },
  }),
  totpConfirm: page({
    summary: 'Turn the authenticator app on with its first code: the ten recovery codes, shown once',
    signedIn: true,
    form: 'totpConfirm',
    responses: {
      200: html('The recovery codes, one <li> each'),
      400: html('The setup page again: the code is not right'),
      ...seeOther('No setup is pending (or not signed in): to /account (or /signin?return=/account)', '/account'),
    },
  }),
  newRecoveryCodes: page({
    summary: 'A new set of ten recovery codes; the old set stops working',
    signedIn: true,
    form: 'mfaAction',
    responses: { 200: html('The new codes, one <li> each'), ...TO_SIGN_IN, 403: html('No second factor is on') },
  }),
  turnOffMfa: page({
    summary: 'Turn two-step sign-in off (needs a sign-in from the last 5 minutes)',
    signedIn: true,
    form: 'mfaAction',
    responses: {
      ...seeOther('Off: to /account?done=mfa-off (not signed in: to /signin?return=/account)', '/account?done=mfa-off'),
      403: html('The sign-in is older than 5 minutes: a link to sign in again'),
    },
  }),
  linkIdentity: page({
    summary: 'Link another upstream identity: to the provider, whose answer links it to this account',
    signedIn: true,
    form: 'linkIdentity',
    responses: {
      303: {
        description:
          'To the provider’s authorization endpoint (its answer comes back to /signin/callback/{providerId}, then /account?done=linked); not signed in: to /signin?return=/account',
        headers: { Location: { description: 'Where to go.', schema: { type: 'string' } } },
      },
      404: html('No such identity provider'),
      502: html('The provider could not be reached'),
    },
  }),
  unlinkIdentity: page({
    summary: 'Unlink one of the user’s upstream identities',
    signedIn: true,
    form: 'unlinkIdentity',
    responses: {
      303: {
        description: 'To /account?done=unlinked; not signed in: to /signin?return=/account',
        headers: { Location: { description: 'Where to go.', schema: { type: 'string' } } },
      },
      404: html('Not one of the user’s linked identities'),
      409: html('Refused: it is the user’s only way to sign in (no password, no other link)'),
    },
  }),
  devicePage: page({
    summary: 'Connect a device (RFC 8628): the form for the code it shows',
    signedIn: true,
    parameters: [query('user_code', 'Fills the form in (verification_uri_complete).')],
    responses: {
      200: html('The form'),
      ...seeOther('Not signed in: to the sign-in page, coming back here after', '/signin?return=/device'),
    },
  }),
  deviceCode: page({
    summary: 'Look the code up: which application asks, and for what',
    signedIn: true,
    form: 'deviceCode',
    responses: {
      200: html('The question: Allow or Deny'),
      400: html('The form again: no pending code of that value'),
      429: html('Too many codes tried from this client'),
      ...seeOther('Not signed in: to the sign-in page', '/signin?return=/device'),
    },
  }),
  deviceDecide: page({
    summary: 'Allow or deny the device: recorded once; the device’s next poll gets tokens or access_denied',
    signedIn: true,
    form: 'deviceDecide',
    responses: {
      200: html('Done: go back to the device'),
      400: html('The code was answered already or expired'),
      ...seeOther('Not signed in: to the sign-in page', '/signin?return=/device'),
    },
  }),
  signOutPage: page({
    summary: 'The sign-out form',
    signedIn: true,
    parameters: [query('return', 'Where to go once signed out; default /signin.')],
    responses: { 200: html('The form'), ...seeOther('Not signed in: to the sign-in page', '/signin') },
  }),
  signOut: page({
    summary: 'Sign out this browser',
    signedIn: true,
    form: 'signOut',
    responses: seeOther('Signed out: to the return path', 'the form’s `return`, default /signin', SESSION_CLEARED),
  }),
};
