// `login`: a person's own token for the CLI, by the device authorization grant (RFC 8628), so it
// works where no browser can open (an SSH session, a container). It prints the page and the code,
// polls at the interval the server gives (5 s more after a slow_down), and stores the tokens in the
// config file the CLI keeps its connection in (mode 600), beside the deployment's URL. The token is
// never printed: only who signed in and where the token went.
import { defineCommand } from 'citty';
import { createGatehouse } from '../../../client/src/index.ts';
import { configPath, deploymentUrl, saveUserTokens } from '../connection';
import { failure, usageError, type Io } from '../io';
import { printable } from '../output';
import { common } from './common';

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const form = (body: Record<string, string>) => new URLSearchParams(body).toString();
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

interface TokenAnswer {
  access_token?: string;
  refresh_token?: string;
  expires_in?: number;
  scope?: string;
  error?: string;
  error_description?: string;
}

export function loginCommand(io: Io) {
  return defineCommand({
    meta: {
      name: 'login',
      description:
        'Sign in as yourself: approve the code this prints on the deployment’s /device page; the token is stored in the config file',
    },
    args: {
      url: common.url,
      'client-id': {
        type: 'string',
        valueHint: 'id',
        description: 'The OAuth client the operator registered for the CLI with allowDeviceGrant (default: GATEHOUSE_CLIENT_ID)',
      },
    },
    async run({ args }) {
      const url = deploymentUrl(io, args.url);
      const clientId = args['client-id'] ?? io.env.GATEHOUSE_CLIENT_ID;
      if (!clientId) throw usageError('No client: pass --client-id or set GATEHOUSE_CLIENT_ID (a client allowed the device grant).');
      const { api } = createGatehouse({ baseUrl: url, fetch: (request) => io.fetch(request) });
      const post = async (path: '/oauth/device_authorization' | '/oauth/token', body: Record<string, string>) => {
        try {
          const { data, error, response } = await api.POST(path, { body: body as never, bodySerializer: form as never, headers: FORM });
          const answer: unknown = response.ok ? data : error;
          return {
            status: response.status,
            body: (typeof answer === 'object' && answer !== null ? answer : {}) as Record<string, unknown>,
          };
        } catch (error) {
          throw failure(`Could not reach ${url} (${(error as Error).message}). Check --url or GATEHOUSE_URL.`);
        }
      };
      const started = await post('/oauth/device_authorization', { client_id: clientId, scope: 'openid profile email' });
      if (started.status !== 200)
        throw failure(`POST /oauth/device_authorization: the server answered ${started.status}: ${describe(started.body)}`);
      const {
        device_code: deviceCode,
        user_code: userCode,
        verification_uri: page,
        verification_uri_complete: complete,
      } = started.body as Record<string, string>;
      io.stderr.write(`Open ${page} and enter the code ${userCode}\n(or open ${complete})\nWaiting for you to approve...\n`);
      let interval = Number(started.body.interval) || 5;
      const deadline = Date.now() + (Number(started.body.expires_in) || 600) * 1000;
      while (Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, interval * 1000));
        const polled = await post('/oauth/token', { grant_type: DEVICE_GRANT, device_code: deviceCode!, client_id: clientId });
        const answer = polled.body as TokenAnswer;
        if (polled.status === 200 && answer.access_token) return finish(io, url, clientId, answer);
        if (answer.error === 'authorization_pending') continue;
        if (answer.error === 'slow_down') {
          interval += 5;
          continue;
        }
        if (answer.error === 'access_denied') throw failure('The request was denied on the /device page: nothing was stored.');
        if (answer.error === 'expired_token') break;
        throw failure(`POST /oauth/token: the server answered ${polled.status}: ${describe(polled.body)}`);
      }
      throw failure('The code expired before it was approved: run gatehouse login again.');
    },
  });
}

function describe(body: Record<string, unknown>): string {
  return printable(`${String(body.error ?? 'error')}${body.error_description ? `: ${String(body.error_description)}` : ''}`);
}

async function finish(io: Io, url: string, clientId: string, answer: TokenAnswer) {
  const response = await io.fetch(`${url}/oauth/userinfo`, { headers: { authorization: `Bearer ${answer.access_token}` } });
  const who = response.ok ? ((await response.json()) as { email?: string; preferred_username?: string; sub?: string }) : {};
  saveUserTokens(io, url, {
    clientId,
    accessToken: answer.access_token!,
    ...(answer.refresh_token ? { refreshToken: answer.refresh_token } : {}),
    expiresAt: new Date(Date.now() + (answer.expires_in ?? 0) * 1000).toISOString(),
  });
  const name = who.email ?? who.preferred_username ?? who.sub ?? 'you';
  io.stdout.write(`Signed in as ${printable(name)}. The token is stored in ${configPath(io)}.\n`);
}
