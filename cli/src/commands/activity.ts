// Sessions (list a user's, revoke one) and the mail outbox (list, retry).
import { defineCommand } from 'citty';
import type { OutboxStatus } from '../../../client/src/index.ts';
import { withGatehouse } from '../api';
import { connect } from '../connection';
import type { Io } from '../io';
import { printRecord, printRows } from '../output';
import { common, intFlag } from './common';

export function sessionCommands(io: Io) {
  return defineCommand({
    meta: { name: 'sessions', description: "List a user's live sessions and revoke one" },
    subCommands: {
      list: defineCommand({
        meta: { name: 'list', description: "A user's live sessions" },
        args: { ...common, user: { type: 'positional', required: true, description: 'The user id' } },
        async run({ args }) {
          const items = await withGatehouse(io, connect(io, args.url), (gatehouse) => gatehouse.admin.sessions.list(args.user));
          printRows(io, args.json, items, ['id', 'kind', 'createdAt', 'lastUsedAt', 'expiresAt']);
        },
      }),
      revoke: defineCommand({
        meta: { name: 'revoke', description: "Revoke one session: its tokens stop working (the token's `sid` claim)" },
        args: { ...common, id: { type: 'positional', required: true, description: 'The session id' } },
        async run({ args }) {
          await withGatehouse(io, connect(io, args.url), (gatehouse) => gatehouse.admin.sessions.revoke(args.id));
          printRecord(io, args.json, { id: args.id, revoked: true });
        },
      }),
    },
  });
}

export function outboxCommands(io: Io) {
  return defineCommand({
    meta: { name: 'outbox', description: 'The mail outbox: list messages, retry one' },
    subCommands: {
      list: defineCommand({
        meta: { name: 'list', description: 'Messages, newest first' },
        args: {
          ...common,
          to: { type: 'string', description: 'Only messages to this address' },
          status: { type: 'enum', options: ['pending', 'sent', 'failed'], description: 'Only messages in this state' },
          limit: { type: 'string', description: 'At most this many, 1 to 100 (default 50)' },
        },
        async run({ args }) {
          const filter = { to: args.to, status: args.status as OutboxStatus | undefined, limit: intFlag('limit', args.limit, 1, 100) };
          const items = await withGatehouse(io, connect(io, args.url), (gatehouse) => gatehouse.admin.outbox.list(filter));
          printRows(io, Boolean(args.json), items, ['id', 'to', 'subject', 'status', 'attempts', 'createdAt', 'sentAt', 'lastError']);
        },
      }),
      retry: defineCommand({
        meta: { name: 'retry', description: 'Send a pending or failed message again now' },
        args: { ...common, id: { type: 'positional', required: true, description: 'The message id' } },
        async run({ args }) {
          const item = await withGatehouse(io, connect(io, args.url), (gatehouse) => gatehouse.admin.outbox.retry(args.id));
          const { text: _text, html: _html, ...summary } = item;
          printRecord(io, args.json, args.json ? item : summary);
        },
      }),
    },
  });
}
