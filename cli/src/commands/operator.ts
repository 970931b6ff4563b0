// Ecosystems, environments and server tokens: the operator routes under /admin/v1 that droplit
// kept in its portal.
import { defineCommand } from 'citty';
import { withGatehouse } from '../api';
import { connect } from '../connection';
import type { Io } from '../io';
import { printRecord, printRows } from '../output';
import { common } from './common';

export function ecosystemCommands(io: Io) {
  return defineCommand({
    meta: { name: 'ecosystems', description: 'List and create ecosystems (the tenants that hold users)' },
    subCommands: {
      list: defineCommand({
        meta: { name: 'list', description: 'List every ecosystem' },
        args: { ...common },
        async run({ args }) {
          const items = await withGatehouse(io, connect(io, args.url), (gatehouse) => gatehouse.admin.ecosystems.list());
          printRows(io, args.json, items, ['id', 'name', 'createdAt']);
        },
      }),
      create: defineCommand({
        meta: { name: 'create', description: 'Create an ecosystem; prints its id' },
        args: { ...common, name: { type: 'string', description: 'A name for people (optional)' } },
        async run({ args }) {
          const created = await withGatehouse(io, connect(io, args.url), (gatehouse) => gatehouse.admin.ecosystems.create(args.name));
          printRecord(io, args.json, created);
        },
      }),
    },
  });
}

export function environmentCommands(io: Io) {
  return defineCommand({
    meta: { name: 'environments', description: 'Create environments (what a droplit user may be granted)' },
    subCommands: {
      create: defineCommand({
        meta: { name: 'create', description: 'Create an environment in an ecosystem; prints its id' },
        args: {
          ...common,
          ecosystem: { type: 'positional', required: true, description: 'The ecosystem id' },
          name: { type: 'string', description: 'A name for people (optional)' },
        },
        async run({ args }) {
          const created = await withGatehouse(io, connect(io, args.url), (gatehouse) =>
            gatehouse.admin.environments.create(args.ecosystem, args.name),
          );
          printRecord(io, args.json, created);
        },
      }),
    },
  });
}

export function serverTokenCommands(io: Io) {
  return defineCommand({
    meta: { name: 'server-tokens', description: "Create and revoke server tokens (an application backend's key to one ecosystem)" },
    subCommands: {
      create: defineCommand({
        meta: { name: 'create', description: 'Create a server token; the token is shown this once' },
        args: {
          ...common,
          ecosystem: { type: 'positional', required: true, description: 'The ecosystem id' },
          name: { type: 'string', description: 'A name for people (optional)' },
        },
        async run({ args }) {
          const created = await withGatehouse(io, connect(io, args.url), (gatehouse) =>
            gatehouse.admin.serverTokens.create(args.ecosystem, args.name),
          );
          printRecord(io, args.json, created);
          if (!args.json) io.stderr.write("The token is shown only this once: store it now (e.g. as your backend's secret).\n");
        },
      }),
      revoke: defineCommand({
        meta: { name: 'revoke', description: 'Revoke a server token by its id; it stops working at once' },
        args: { ...common, id: { type: 'positional', required: true, description: 'The server token id (not the token)' } },
        async run({ args }) {
          await withGatehouse(io, connect(io, args.url), (gatehouse) => gatehouse.admin.serverTokens.revoke(args.id));
          printRecord(io, args.json, { id: args.id, revoked: true });
        },
      }),
    },
  });
}
