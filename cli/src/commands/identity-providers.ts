// Upstream identity providers (OpenID Connect, GitHub, Google, Microsoft, Apple): the operator
// routes under /admin/v1/identity-providers. The client secret is read from an environment
// variable, never from the command line, where it would sit in the shell's history and in `ps`.
import { defineCommand } from 'citty';
import { withGatehouse } from '../api';
import { connect } from '../connection';
import { type Io, usageError } from '../io';
import { printRecord, printRows } from '../output';
import { common } from './common';

const KINDS = ['oidc', 'github', 'google', 'microsoft', 'apple'] as const;
type Kind = (typeof KINDS)[number];
const SECRET_VAR = 'GATEHOUSE_IDP_CLIENT_SECRET';
const COLUMNS = ['id', 'name', 'kind', 'ecosystemId', 'issuer', 'redirectUri'];

const list = (text: string | undefined) =>
  text
    ?.split(',')
    .map((item) => item.trim())
    .filter(Boolean);

export function identityProviderCommands(io: Io) {
  return defineCommand({
    meta: { name: 'identity-providers', description: 'Configure the identity providers people sign in with' },
    subCommands: {
      list: defineCommand({
        meta: { name: 'list', description: 'List the providers, with the redirect URI to register at each' },
        args: { ...common },
        async run({ args }) {
          const items = await withGatehouse(io, connect(io, args.url), (gatehouse) => gatehouse.admin.identityProviders.list());
          printRows(io, args.json, items, COLUMNS);
        },
      }),
      create: defineCommand({
        meta: {
          name: 'create',
          description: `Add a provider; the client secret comes from $${SECRET_VAR}. Prints the redirect URI to register upstream`,
        },
        args: {
          ...common,
          id: { type: 'positional', required: true, description: 'Its id, in the redirect URI (letters, digits, -)' },
          kind: { type: 'string', required: true, description: KINDS.join(', ') },
          name: { type: 'string', required: true, description: 'The button says "Continue with <name>"' },
          'client-id': { type: 'string', required: true, description: 'The client id the provider gave' },
          issuer: { type: 'string', description: 'The OpenID issuer (required for oidc)' },
          scopes: { type: 'string', description: 'Comma-separated scopes (default: the kind’s)' },
          ecosystem: { type: 'string', description: 'The ecosystem its users belong to (default DEFAULT_ECOSYSTEM)' },
          'link-by-verified-email': { type: 'boolean', description: 'Link to an account whose verified address matches a verified one' },
          environments: { type: 'string', description: 'Comma-separated droplit environment ids granted to users it creates' },
        },
        async run({ args }) {
          const secret = io.env[SECRET_VAR];
          if (!secret) throw usageError(`set ${SECRET_VAR} to the provider's client secret`);
          if (!(KINDS as readonly string[]).includes(args.kind)) throw usageError(`--kind must be one of ${KINDS.join(', ')}`);
          const created = await withGatehouse(io, connect(io, args.url), (gatehouse) =>
            gatehouse.admin.identityProviders.create({
              id: args.id,
              kind: args.kind as Kind,
              name: args.name,
              clientId: args['client-id'],
              clientSecret: secret,
              ...(args.issuer ? { issuer: args.issuer } : {}),
              ...(args.scopes ? { scopes: list(args.scopes) } : {}),
              ...(args.ecosystem ? { ecosystemId: args.ecosystem } : {}),
              ...(args['link-by-verified-email'] ? { linkByVerifiedEmail: true } : {}),
              ...(args.environments ? { defaultEnvironments: list(args.environments) } : {}),
            }),
          );
          printRecord(io, args.json, created);
        },
      }),
      delete: defineCommand({
        meta: { name: 'delete', description: 'Remove a provider; its links go, the users it made stay' },
        args: { ...common, id: { type: 'positional', required: true, description: 'The provider id' } },
        async run({ args }) {
          await withGatehouse(io, connect(io, args.url), (gatehouse) => gatehouse.admin.identityProviders.delete(args.id));
          printRecord(io, args.json, { id: args.id, deleted: true });
        },
      }),
    },
  });
}
