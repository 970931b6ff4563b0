// Sessions (list a user's, revoke one) and the mail outbox (list, retry).
import { defineCommand } from 'citty';
import { connect, request } from '../connection';
import type { Io } from '../io';
import { printRecord, printRows } from '../output';
import { common, intFlag, path } from './common';

interface Items {
  items: Record<string, unknown>[];
}

export function sessionCommands(io: Io) {
  return defineCommand({
    meta: { name: 'sessions', description: "List a user's live sessions and revoke one" },
    subCommands: {
      list: defineCommand({
        meta: { name: 'list', description: "A user's live sessions" },
        args: { ...common, user: { type: 'positional', required: true, description: 'The user id' } },
        async run({ args }) {
          const page = (await request(io, connect(io, args.url), 'GET', `/admin/v1/users/${path(args.user)}/sessions`)) as Items;
          printRows(io, args.json, page.items, ['id', 'kind', 'createdAt', 'lastUsedAt', 'expiresAt']);
        },
      }),
      revoke: defineCommand({
        meta: { name: 'revoke', description: "Revoke one session: its tokens stop working (the token's `sid` claim)" },
        args: { ...common, id: { type: 'positional', required: true, description: 'The session id' } },
        async run({ args }) {
          await request(io, connect(io, args.url), 'DELETE', `/admin/v1/sessions/${path(args.id)}`);
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
          const query = { to: args.to, status: args.status, limit: intFlag('limit', args.limit, 1, 100) };
          const page = (await request(io, connect(io, args.url), 'GET', '/admin/v1/outbox', { query })) as Items;
          printRows(io, Boolean(args.json), page.items, ['id', 'to', 'subject', 'status', 'attempts', 'createdAt', 'sentAt', 'lastError']);
        },
      }),
      retry: defineCommand({
        meta: { name: 'retry', description: 'Send a pending or failed message again now' },
        args: { ...common, id: { type: 'positional', required: true, description: 'The message id' } },
        async run({ args }) {
          const item = (await request(io, connect(io, args.url), 'POST', `/admin/v1/outbox/${path(args.id)}/retry`)) as Record<string, unknown>;
          const { text: _text, html: _html, ...summary } = item;
          printRecord(io, args.json, args.json ? item : summary);
        },
      }),
    },
  });
}
