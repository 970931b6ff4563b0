// The device authorization grant (RFC 8628) as a program without a browser runs it: ask for the
// codes, then poll the token endpoint. Each poll's answer is returned as it is (tokens, or the
// RFC 6749 error such as `authorization_pending`), so the caller decides how to wait; and the
// signed-in person's claims from /oauth/userinfo. Form-encoded bodies, as the RFCs say.
import type { ApiClient } from './http.ts';

export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

export interface DeviceAuthorization {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete: string;
  expires_in: number;
  interval: number;
}

/** A poll's answer: tokens, or an RFC 6749 error (`authorization_pending`, `slow_down`, `access_denied`, `expired_token`, ...). */
export interface DevicePoll {
  status: number;
  access_token?: string;
  refresh_token?: string;
  id_token?: string;
  expires_in?: number;
  scope?: string;
  error?: string;
  error_description?: string;
}

const form = (body: unknown) => new URLSearchParams(body as Record<string, string>).toString();
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

const objectOr = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};

export function deviceFlow(api: ApiClient) {
  return {
    /** POST /oauth/device_authorization: the codes, or the server's error (with its status). */
    async start(clientId: string, scope?: string): Promise<Partial<DeviceAuthorization> & DevicePoll> {
      const body = { client_id: clientId, ...(scope === undefined ? {} : { scope }) };
      const { data, error, response } = await api.POST('/oauth/device_authorization', { body, bodySerializer: form, headers: FORM });
      return { ...objectOr(response.ok ? data : error), status: response.status };
    },
    /** One poll of the token endpoint with the device code. */
    async poll(clientId: string, deviceCode: string): Promise<DevicePoll> {
      const body = { grant_type: DEVICE_CODE_GRANT, device_code: deviceCode, client_id: clientId } as const;
      const { data, error, response } = await api.POST('/oauth/token', { body, bodySerializer: form, headers: FORM });
      return { ...objectOr(response.ok ? data : error), status: response.status };
    },
    /** GET /oauth/userinfo with a user's access token: their claims, or undefined when refused. */
    async userinfo(accessToken: string): Promise<{ sub: string; email?: string; preferred_username?: string } | undefined> {
      const { data, response } = await api.GET('/oauth/userinfo', { headers: { authorization: `Bearer ${accessToken}` } });
      return response.ok ? (data as { sub: string; email?: string; preferred_username?: string }) : undefined;
    },
  };
}
