// `user create-token ECO;USER`: droplit Console's command, a user token from the droplit face
// (POST /api/users/ECO;USER/tokens). That route takes a server token of the ecosystem or the
// account token: GATEHOUSE_SERVER_TOKEN when set (what an application backend holds), else the
// account token. The CLI never mints a server token for this, which would leave one behind.
import { defineCommand } from 'citty';
import type { ExpiryType } from '../../../client/src/index.ts';
import { withGatehouse } from '../api';
import { connect } from '../connection';
import { usageError, type Io } from '../io';
import { printJson } from '../output';
import { common, intFlag } from './common';

export function userTokenCommands(io: Io) {
  return defineCommand({
    meta: { name: 'user', description: "droplit Console's user commands" },
    subCommands: {
      'create-token': defineCommand({
        meta: {
          name: 'create-token',
          description: 'Print a user token for ECOSYSTEM-ID;USER-ID (quote it: the shell reads ; as a separator)',
        },
        args: {
          ...common,
          user: {
            type: 'positional',
            required: true,
            valueHint: 'ECOSYSTEM-ID;USER-ID',
            description: "The ecosystem and your application's user id, joined by ;",
          },
          ttl: { type: 'string', description: 'Seconds (the server default: 3600)' },
          'expiry-type': {
            type: 'enum',
            options: ['FixedTtl', 'SlidingTtl', 'Infinite'],
            description: 'How the token expires (default FixedTtl)',
          },
        },
        async run({ args }) {
          const user = String(args.user);
          const split = user.indexOf(';');
          if (split <= 0 || split === user.length - 1) {
            throw usageError(`USER must be ECOSYSTEM-ID;USER-ID (got "${user}"); quote it, e.g. 'my-eco;auth0|5f3c1a'`);
          }
          const ttl = intFlag('ttl', args.ttl, 1, Number.MAX_SAFE_INTEGER);
          const connection = connect(io, args.url, 'GATEHOUSE_SERVER_TOKEN');
          const expiryType = args['expiry-type'] as ExpiryType | undefined;
          const token = await withGatehouse(io, connection, (gatehouse) =>
            gatehouse.users.createToken(user.slice(0, split), user.slice(split + 1), ttl, expiryType),
          );
          if (args.json) printJson(io, { token });
          else io.stdout.write(`${token}\n`);
        },
      }),
    },
  });
}
