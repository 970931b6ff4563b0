// The `gatehouse` command: the root command, `--help` on every command, unknown flags refused,
// and every error turned into a message and an exit code (0 done, 1 failed, 2 usage).
import { defineCommand, renderUsage, runCommand, type ArgsDef, type CommandDef } from 'citty';
import { outboxCommands, sessionCommands } from './commands/activity';
import { configCommands } from './commands/config';
import { eventCommands } from './commands/events';
import { identityProviderCommands } from './commands/identity-providers';
import { keyCommands } from './commands/keys';
import { loginCommand } from './commands/login';
import { ecosystemCommands, environmentCommands, serverTokenCommands } from './commands/operator';
import { userTokenCommands } from './commands/user';
import { userCommands } from './commands/users';
import { CliError, EXIT_FAILED, EXIT_USAGE, type Io, type Stream } from './io';

const ENVIRONMENT = `
ENVIRONMENT

  GATEHOUSE_URL           The deployment, when --url is not given
  GATEHOUSE_TOKEN         The account token (never a flag: it would land in shell history)
  GATEHOUSE_SERVER_TOKEN  A server token for \`user create-token\` (else the account token is used)
  GATEHOUSE_CLIENT_ID     The OAuth client \`login\` uses (one the operator allowed the device grant)
  GATEHOUSE_CONFIG        The config file (default ~/.config/gatehouse/config.json, {"url", "token", "user"}, mode 600)

EXIT CODES  0 done, 1 failed (the server refused or was unreachable, a config problem), 2 usage`;

export function rootCommand(io: Io): CommandDef {
  return defineCommand({
    meta: { name: 'gatehouse', description: 'Operate a Gatehouse deployment' },
    subCommands: {
      login: loginCommand(io),
      keys: keyCommands(io),
      config: configCommands(io),
      ecosystems: ecosystemCommands(io),
      environments: environmentCommands(io),
      'server-tokens': serverTokenCommands(io),
      'identity-providers': identityProviderCommands(io),
      user: userTokenCommands(io),
      users: userCommands(io),
      sessions: sessionCommands(io),
      outbox: outboxCommands(io),
      events: eventCommands(io),
    },
  }) as CommandDef;
}

interface Resolved {
  command: CommandDef;
  names: string[];
  /** The word that named no subcommand, if any. */
  unknown?: string;
}

/** The command the words of argv name, walking subcommands until a flag or a word that is none. */
async function resolve(root: CommandDef, argv: string[]): Promise<Resolved> {
  let command = root;
  const names: string[] = [];
  for (const word of argv) {
    if (word.startsWith('-')) break;
    const subCommands = (await command.subCommands) as Record<string, CommandDef> | undefined;
    if (!subCommands) break;
    if (!(word in subCommands)) return { command, names, unknown: word };
    command = subCommands[word]!;
    names.push(word);
  }
  return { command, names };
}

const kebab = (name: string) => name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);

/** The first `--flag` the command does not take. */
function unknownFlag(argv: string[], args: ArgsDef): string | undefined {
  const known = new Set(['help', 'h']);
  for (const [name, def] of Object.entries(args)) {
    if (def.type === 'positional') continue;
    known.add(name).add(kebab(name));
    if (def.type === 'boolean') known.add(`no-${name}`);
  }
  for (const word of argv) {
    if (word === '--') break;
    if (!word.startsWith('-') || word === '-') continue;
    const name = word.replace(/^--?/, '').split('=')[0]!;
    if (!known.has(name)) return word.split('=')[0];
  }
  return undefined;
}

const plain = (stream: Stream, text: string) => (stream.isTTY ? text : text.replace(/\x1b\[[0-9;]*m/g, ''));

async function usageOf(resolved: Resolved): Promise<string> {
  const parent = { meta: { name: ['gatehouse', ...resolved.names.slice(0, -1)].join(' ') } };
  const text =
    resolved.names.length === 0 ? await renderUsage(resolved.command) : await renderUsage(resolved.command, parent as CommandDef);
  return resolved.names.length === 0 ? `${text}\n${ENVIRONMENT}\n` : `${text}\n`;
}

/** Runs one command line; the exit code. */
export async function main(argv: string[], io: Io): Promise<number> {
  const root = rootCommand(io);
  const resolved = await resolve(root, argv);
  const usage = async (message: string) => {
    io.stderr.write(plain(io.stderr, `${await usageOf(resolved)}\n${message}\n`));
    return EXIT_USAGE;
  };
  const words = argv.slice(0, argv.includes('--') ? argv.indexOf('--') : argv.length);
  if (words.includes('--help') || words.includes('-h')) {
    io.stdout.write(plain(io.stdout, await usageOf(resolved)));
    return 0;
  }
  if (resolved.unknown !== undefined)
    return usage(`Unknown command "${resolved.unknown}" for "${['gatehouse', ...resolved.names].join(' ')}".`);
  if (!resolved.command.run)
    return usage(`Missing command: "${['gatehouse', ...resolved.names].join(' ')}" needs one of the commands above.`);
  const flag = unknownFlag(argv, ((await resolved.command.args) ?? {}) as ArgsDef);
  if (flag) return usage(`Unknown flag ${flag} for "${['gatehouse', ...resolved.names].join(' ')}".`);
  try {
    await runCommand(root, { rawArgs: argv });
    return 0;
  } catch (error) {
    if (error instanceof CliError) {
      if (error.message) io.stderr.write(`gatehouse: ${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof Error && error.name === 'CLIError') return usage(plain(io.stderr, error.message));
    io.stderr.write(`gatehouse: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_FAILED;
  }
}
