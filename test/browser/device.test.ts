// The device authorization grant (RFC 8628) end to end: oauth4webapi in Node is the device (it asks
// for the codes and polls), real Chromium is the person, who opens verification_uri_complete, signs
// in on the hosted page, lands back on /device with the code filled in, sees which application asks
// and approves. Both pages pass axe. The device's next poll gets the tokens.
import * as oauth from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import { admin, checkAccessibility, createUser, gatehouse, useBrowser } from './support/index.ts';

const chromium = useBrowser();
const insecure = { [oauth.allowInsecureRequests]: true } as const;

describe('the device flow in Chromium, with oauth4webapi as the device', () => {
  it('approves on /device after signing in, and the device’s poll gets tokens', async () => {
    const { clientId } = await admin<{ clientId: string }>('/clients', {
      body: { name: 'Living-room TV', public: true, redirectUris: [], allowDeviceGrant: true },
    });
    const issuer = new URL(gatehouse().url);
    const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...insecure }));
    const device: oauth.Client = { client_id: clientId };
    const started = await oauth.processDeviceAuthorizationResponse(
      as,
      device,
      await oauth.deviceAuthorizationRequest(as, device, oauth.None(), { scope: 'openid email' }, insecure),
    );
    expect(started.verification_uri).toBe(`${gatehouse().url}/device`);

    // Not approved yet: the poll says so.
    const early = await oauth.deviceCodeGrantRequest(as, device, oauth.None(), started.device_code, insecure);
    await expect(oauth.processDeviceCodeResponse(as, device, early)).rejects.toMatchObject({ error: 'authorization_pending' });

    const user = await createUser();
    const page = await chromium.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(started.verification_uri_complete!);
    expect(new URL(page.url()).pathname).toBe('/signin');
    await page.getByLabel('E-mail or username').fill(user.email);
    await page.getByLabel('Password', { exact: true }).fill(user.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/device');
    expect(await page.getByLabel('Code').inputValue()).toBe(started.user_code);
    await checkAccessibility(page);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Allow Living-room TV?' }).waitFor();
    expect(await page.getByRole('listitem').allTextContents()).toEqual(['Know who you are (your account id)', 'Your e-mail address']);
    await checkAccessibility(page);
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.getByRole('heading', { name: 'Device connected' }).waitFor();
    await checkAccessibility(page);

    // The device waits its interval, as the server asked, then polls again.
    await new Promise((resolve) => setTimeout(resolve, (started.interval ?? 5) * 1000));
    const polled = await oauth.deviceCodeGrantRequest(as, device, oauth.None(), started.device_code, insecure);
    const tokens = await oauth.processDeviceCodeResponse(as, device, polled);
    expect(oauth.getValidatedIdTokenClaims(tokens)).toMatchObject({ aud: clientId, email: user.email });
    await page.close();
  }, 60_000);
});
