// The operator's view of users: list and search (a page, or every page with --all and a progress
// line on a terminal), show, disable, enable, set-role.
import { defineCommand } from 'citty';
import type { AdminUser, Role } from '../../../client/src/index.ts';
import { withGatehouse } from '../api';
import { connect, type Connection } from '../connection';
import type { Io } from '../io';
import { printJson, printRecord, printRows } from '../output';
import { common, intFlag } from './common';

const USER_COLUMNS = ['id', 'ecosystemId', 'email', 'username', 'uniqueId', 'role', 'disabled', 'createdAt'];
const MAX_PAGE_SIZE = 100;

const listArgs = {
  ...common,
  ecosystem: { type: 'string', description: 'Only this ecosystem (default: every ecosystem)' },
  limit: { type: 'string', description: `Users per page, 1 to ${MAX_PAGE_SIZE} (the server's default: 50)` },
  cursor: { type: 'string', description: 'Start at this cursor (the "next" of an earlier page)' },
  all: { type: 'boolean', description: 'Follow every page to the end' },
} as const;

/** "Fetched 1200 users..." on one rewritten line of stderr, only when it is a terminal. */
function progress(io: Io) {
  const shown = io.stderr.isTTY === true;
  return {
    update: (count: number) => shown && io.stderr.write(`\rFetched ${count} users...`),
    done: () => shown && io.stderr.write('\r\x1b[K'),
  };
}

async function listUsers(
  io: Io,
  args: { url?: string; json?: boolean; ecosystem?: string; limit?: string; cursor?: string; all?: boolean },
  q?: string,
) {
  const connection: Connection = connect(io, args.url);
  const limit = intFlag('limit', args.limit, 1, MAX_PAGE_SIZE);
  const items: AdminUser[] = [];
  const meter = progress(io);
  let cursor = args.cursor;
  let next: string | null;
  try {
    next = await withGatehouse(io, connection, async (gatehouse) => {
      let last: string | null;
      do {
        const page = await gatehouse.admin.users.page({
          ecosystemId: args.ecosystem,
          q,
          limit: args.all ? (limit ?? MAX_PAGE_SIZE) : limit,
          cursor,
        });
        items.push(...page.items);
        last = page.next;
        cursor = last ?? undefined;
        if (args.all) meter.update(items.length);
      } while (args.all && last);
      return last;
    });
  } finally {
    if (args.all) meter.done();
  }
  if (args.json) return printJson(io, { items, next });
  printRows(io, false, items, USER_COLUMNS);
  if (next) io.stderr.write(`More users: add --cursor ${next} (or --all for every page).\n`);
}

export function userCommands(io: Io) {
  type Change = { disabled: boolean } | { role: Role };
  const patch = (name: string, description: string, change: (args: Record<string, string>) => Change, extra = {}) =>
    defineCommand({
      meta: { name, description },
      args: { ...common, id: { type: 'positional', required: true, description: 'The user id (as `users list` shows it)' }, ...extra },
      async run({ args }) {
        const user = await withGatehouse(io, connect(io, args.url), (gatehouse) =>
          gatehouse.admin.users.update(args.id, change(args as Record<string, string>)),
        );
        printRecord(io, args.json, user);
      },
    });
  return defineCommand({
    meta: { name: 'users', description: 'List, search, show, disable and enable users, and set their role' },
    subCommands: {
      list: defineCommand({
        meta: { name: 'list', description: 'List users, a page at a time or every page with --all' },
        args: listArgs,
        run: ({ args }) => listUsers(io, args),
      }),
      search: defineCommand({
        meta: { name: 'search', description: 'Users whose e-mail, username or unique id starts with QUERY' },
        args: { ...listArgs, query: { type: 'positional', required: true, description: 'The start of an e-mail, username or unique id' } },
        run: ({ args }) => listUsers(io, args, args.query),
      }),
      show: defineCommand({
        meta: { name: 'show', description: 'One user' },
        args: { ...common, id: { type: 'positional', required: true, description: 'The user id' } },
        async run({ args }) {
          const user = await withGatehouse(io, connect(io, args.url), (gatehouse) => gatehouse.admin.users.get(args.id));
          printRecord(io, args.json, user);
        },
      }),
      disable: patch('disable', 'Disable a user: every session and token of theirs ends', () => ({ disabled: true })),
      enable: patch('enable', 'Enable a disabled user', () => ({ disabled: false })),
      'set-role': patch(
        'set-role',
        "Set a user's role (admin, moderator, developer, customer or user)",
        (args) => ({ role: args.role as Role }),
        {
          role: { type: 'positional', required: true, description: 'admin | moderator | developer | customer | user' },
        },
      ),
    },
  });
}
