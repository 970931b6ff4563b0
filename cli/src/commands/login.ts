// `login`: a person's own token for the CLI, by the device authorization grant (RFC 8628), so it
// works where no browser can open (an SSH session, a container). It prints the page and the code,
// polls at the interval the server gives (5 s more after a slow_down), and stores the tokens in the
// config file the CLI keeps its connection in (mode 600), beside the deployment's URL. The token is
// never printed: only who signed in and where the token went. The calls are @gatehouse/client's.
import { defineCommand } from 'citty';
import type { DevicePoll, Gatehouse } from '../../../client/src/index.ts';
import { anonymousClient } from '../api';
import { configPath, deploymentUrl, saveUserTokens } from '../connection';
import { failure, usageError, type Io } from '../io';
import { printable } from '../output';
import { common } from './common';

const SLOW_DOWN_STEP_SECONDS = 5;

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
      const { device } = anonymousClient(io, url);
      const reach = async <T>(call: () => Promise<T>): Promise<T> => {
        try {
          return await call();
        } catch (error) {
          throw failure(`Could not reach ${url} (${(error as Error).message}). Check --url or GATEHOUSE_URL.`);
        }
      };
      const started = await reach(() => device.start(clientId, 'openid profile email'));
      if (started.status !== 200 || !started.device_code) {
        throw failure(`POST /oauth/device_authorization: the server answered ${started.status}: ${describe(started)}`);
      }
      io.stderr.write(
        `Open ${started.verification_uri} and enter the code ${started.user_code}\n(or open ${started.verification_uri_complete})\nWaiting for you to approve...\n`,
      );
      let interval = started.interval ?? 5;
      const deadline = Date.now() + (started.expires_in ?? 600) * 1000;
      while (Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, interval * 1000));
        const polled = await reach(() => device.poll(clientId, started.device_code!));
        if (polled.status === 200 && polled.access_token) return finish(io, url, clientId, polled, device);
        if (polled.error === 'authorization_pending') continue;
        if (polled.error === 'slow_down') {
          interval += SLOW_DOWN_STEP_SECONDS;
          continue;
        }
        if (polled.error === 'access_denied') throw failure('The request was denied on the /device page: nothing was stored.');
        if (polled.error === 'expired_token') break;
        throw failure(`POST /oauth/token: the server answered ${polled.status}: ${describe(polled)}`);
      }
      throw failure('The code expired before it was approved: run gatehouse login again.');
    },
  });
}

function describe(answer: DevicePoll): string {
  return printable(`${answer.error ?? 'error'}${answer.error_description ? `: ${answer.error_description}` : ''}`);
}

async function finish(io: Io, url: string, clientId: string, tokens: DevicePoll, device: Gatehouse['device']) {
  const who = await device.userinfo(tokens.access_token!).catch(() => undefined);
  saveUserTokens(io, url, {
    clientId,
    accessToken: tokens.access_token!,
    ...(tokens.refresh_token ? { refreshToken: tokens.refresh_token } : {}),
    expiresAt: new Date(Date.now() + (tokens.expires_in ?? 0) * 1000).toISOString(),
  });
  const name = who?.email ?? who?.preferred_username ?? who?.sub ?? 'you';
  io.stdout.write(`Signed in as ${printable(name)}. The token is stored in ${configPath(io)}.\n`);
}
