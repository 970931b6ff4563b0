// The event log (GET /admin/v1/events): `events list` shows the newest events, `events tail`
// follows them as they are written, as `tail -f` follows a file.
import { defineCommand } from 'citty';
import type { AuthEvent, EventFilter } from '../../../client/src/index.ts';
import { withGatehouse } from '../api';
import { connect } from '../connection';
import type { Io } from '../io';
import { printRows } from '../output';
import { common, intFlag } from './common';

const COLUMNS = ['at', 'type', 'userId', 'actor', 'ecosystemId', 'requestId'];

const filterArgs = {
  user: { type: 'string', description: 'Only this user’s events' },
  ecosystem: { type: 'string', description: 'Only this ecosystem’s events' },
  type: { type: 'string', description: 'Only events of this type (e.g. signin.failed)' },
} as const;

function filterOf(args: { user?: string; ecosystem?: string; type?: string }): EventFilter {
  return {
    ...(args.user ? { userId: args.user } : {}),
    ...(args.ecosystem ? { ecosystemId: args.ecosystem } : {}),
    ...(args.type ? { type: args.type } : {}),
  };
}

/** A row of the table: the actor as `<type>` or `<type>:<id>`. */
const rowOf = (event: AuthEvent) => ({ ...event, actor: event.actor.id ? `${event.actor.type}:${event.actor.id}` : event.actor.type });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function eventCommands(io: Io) {
  return defineCommand({
    meta: { name: 'events', description: 'The audit log: who did what, from where' },
    subCommands: {
      list: defineCommand({
        meta: { name: 'list', description: 'The newest events, newest first' },
        args: {
          ...common,
          ...filterArgs,
          since: { type: 'string', description: 'Only events at or after this ISO 8601 time' },
          until: { type: 'string', description: 'Only events at or before this ISO 8601 time' },
          limit: { type: 'string', description: 'At most this many, 1 to 100 (default 50)' },
        },
        async run({ args }) {
          const filter = {
            ...filterOf(args),
            ...(args.since ? { since: args.since } : {}),
            ...(args.until ? { until: args.until } : {}),
            limit: intFlag('limit', args.limit, 1, 100),
          };
          const page = await withGatehouse(io, connect(io, args.url), (gatehouse) => gatehouse.admin.events.page(filter));
          printRows(io, Boolean(args.json), args.json ? page.items : page.items.map(rowOf), COLUMNS);
        },
      }),
      tail: defineCommand({
        meta: {
          name: 'tail',
          description: 'The newest events, oldest first, then each new one as it is written (one line each; JSON lines with --json)',
        },
        args: {
          ...common,
          ...filterArgs,
          lines: { type: 'string', description: 'How many of the newest to show first, 0 to 100 (default 10)' },
          interval: { type: 'string', description: 'Seconds between looks for new events, 1 to 60 (default 2)' },
          count: { type: 'string', description: 'Stop after printing this many events (default: run until interrupted)' },
        },
        async run({ args }) {
          const filter = filterOf(args);
          const lines = intFlag('lines', args.lines, 0, 100) ?? 10;
          const interval = (intFlag('interval', args.interval, 1, 60) ?? 2) * 1000;
          const count = intFlag('count', args.count, 1, 1_000_000);
          const seen = new Set<string>();
          let printed = 0;
          let since: string | undefined;
          const print = (events: AuthEvent[]) => {
            for (const event of events) {
              if (seen.has(event.id) || (count !== undefined && printed >= count)) continue;
              seen.add(event.id);
              printed += 1;
              if (args.json) io.stdout.write(`${JSON.stringify(event)}\n`);
              else {
                const row = rowOf(event);
                io.stdout.write(`${[row.at, row.type, row.userId ?? '-', row.actor, row.requestId].join('  ')}\n`);
              }
            }
          };
          await withGatehouse(io, connect(io, args.url), async (gatehouse) => {
            const first = lines === 0 ? [] : (await gatehouse.admin.events.page({ ...filter, limit: lines })).items.reverse();
            print(first);
            // Everything at or after the newest shown: events of the same millisecond come again and are skipped by id.
            since = first.at(-1)?.at ?? new Date().toISOString();
            while (count === undefined || printed < count) {
              await sleep(interval);
              const fresh = (await gatehouse.admin.events.page({ ...filter, since, limit: 100 })).items.reverse();
              print(fresh);
              since = fresh.at(-1)?.at ?? since;
            }
          });
        },
      }),
    },
  });
}
