// Step-up at /oauth/authorize: `acr_values=urn:gatehouse:mfa` asks for a sign-in with a second
// factor. A browser signed in with a password alone is sent to sign in again (once); with the
// password and a code the ID token says acr urn:gatehouse:mfa and amr pwd, otp, mfa. A person
// without a second factor comes back with acr urn:gatehouse:1fa (the client decides). Discovery
// advertises the values; a request without acr_values gets no acr claim.
import * as oauth from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import { newBrowser } from '../support/browser';
import { enrolAuthenticator, signInWithCode, totpNow } from '../support/second-factors';
import { authorize, callbackOf, codeCallback, discover, exchange, setUp, type Setup } from './flow';

const MFA = 'urn:gatehouse:mfa';

/** The ID token claims of the code a callback carries. */
async function idTokenClaims(s: Setup, callback: URL, pkce: { state: string; nonce: string; verifier: string }) {
  const params = oauth.validateAuthResponse(s.as, s.app, callback, pkce.state);
  const tokens = await oauth.processAuthorizationCodeResponse(s.as, s.app, await exchange(s, params, pkce.verifier), {
    expectedNonce: pkce.nonce,
    requireIdToken: true,
  });
  return oauth.getValidatedIdTokenClaims(tokens)!;
}

/** The sign-in page a step-up sends the browser to, and the authorization request it comes back to. */
function returnOf(response: Response): string {
  expect(response.status).toBe(302);
  const location = new URL(response.headers.get('location')!, 'https://gatehouse.test');
  expect(location.pathname).toBe('/signin');
  const back = location.searchParams.get('return')!;
  expect(back).toMatch(/^\/oauth\/authorize\?.*auth_after=\d+/);
  return back;
}

describe('step-up with acr_values', () => {
  it('discovery lists the acr values', async () => {
    const s = await setUp();
    const metadata = await discover(s.client);
    expect(metadata.acr_values_supported).toEqual([MFA, 'urn:gatehouse:1fa']);
    expect(metadata.claims_supported).toEqual(expect.arrayContaining(['acr', 'amr']));
  });

  it('sends a password-only session to sign in again; password and code answer with acr urn:gatehouse:mfa', async () => {
    const s = await setUp();
    // The authenticator app is set up in the password-only session, which stays one factor.
    const { key } = await enrolAuthenticator(s.client, s.user.email, s.user.password, s.browser);
    const { response, pkce } = await authorize(s, { acr_values: MFA });
    const back = returnOf(response);

    s.client.clock.advance(1);
    expect((await signInWithCode(s.browser, s.user.email, s.user.password, totpNow(s.client, key), back)).status).toBe(303);
    const claims = await idTokenClaims(s, callbackOf(await s.browser.get(back)), pkce);
    expect(claims.acr).toBe(MFA);
    expect(claims.amr).toEqual(['pwd', 'otp', 'mfa']);

    // That session has its second factor: the next request with acr_values is answered at once.
    const again = await codeCallback(s, { acr_values: MFA });
    expect(again.params.get('code')).toBeTruthy();
  });

  it('a person without a second factor signs in again once, and the ID token says acr urn:gatehouse:1fa', async () => {
    const s = await setUp();
    const { response, pkce } = await authorize(s, { acr_values: MFA });
    const back = returnOf(response);
    s.client.clock.advance(1);
    const browser = newBrowser(s.client);
    expect((await browser.signIn(s.user.email, s.user.password, back)).status).toBe(303);
    const claims = await idTokenClaims(s, callbackOf(await browser.get(back)), pkce);
    expect(claims.acr).toBe('urn:gatehouse:1fa');
    expect(claims.amr).toEqual(['pwd']);
  });

  it('a request without acr_values gets no acr claim', async () => {
    const s = await setUp();
    const { params, pkce } = await codeCallback(s);
    const tokens = await oauth.processAuthorizationCodeResponse(s.as, s.app, await exchange(s, params, pkce.verifier), {
      expectedNonce: pkce.nonce,
      requireIdToken: true,
    });
    expect(oauth.getValidatedIdTokenClaims(tokens)!.acr).toBeUndefined();
  });
});
