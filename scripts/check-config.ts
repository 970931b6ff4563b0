// `npm run dev` runs this before starting wrangler, and `gatehouse config check` uses its
// functions: the Worker's own start-up check (src/startup.ts) on exactly the vars `wrangler dev`
// will pass: wrangler.toml's [vars], then .dev.vars, then the `--var NAME:VALUE` arguments given
// after `--` (read with wrangler's own functions). Every problem is named, not only the first: after
// each one the check runs again with that var at its default (or, for a secret, a valid stand-in).
// A bad value exits 1 with the message the Worker would answer every request with.
// Usage: node_modules/.bin/tsx scripts/check-config.ts [wrangler dev arguments]
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unstable_getVarsForDev, unstable_readConfig } from 'wrangler';
import { ConfigError, type Env } from '../src/config';
import { checkStartup } from '../src/startup';
import { generateKeySet } from './signing-keys.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The values of `--var A:1 B:2` and `--var=A:1`, as wrangler's array option reads them. */
export function varArgs(args: string[]): Record<string, string> {
  const vars: Record<string, string> = {};
  const add = (word: string) => {
    const colon = word.indexOf(':');
    if (colon > 0) vars[word.slice(0, colon)] = word.slice(colon + 1);
  };
  for (let i = 0; i < args.length; i++) {
    if (args[i]!.startsWith('--var=')) add(args[i]!.slice('--var='.length));
    if (args[i] !== '--var') continue;
    while (i + 1 < args.length && !args[i + 1]!.startsWith('-')) add(args[++i]!);
  }
  return vars;
}

/** What `wrangler dev` passes the Worker from `dir`: wrangler.toml's [vars], then .dev.vars, and
 * a stand-in for a declared SEND_EMAIL binding (the check only asks whether it exists). */
export function devVars(dir: string): Record<string, unknown> {
  const configPath = join(dir, 'wrangler.toml');
  const wrangler = unstable_readConfig({ config: configPath }, { hideWarnings: true });
  const bindings = unstable_getVarsForDev(configPath, undefined, wrangler.vars, undefined, true);
  const vars: Record<string, unknown> = {};
  for (const [name, binding] of Object.entries(bindings)) vars[name] = 'value' in binding ? binding.value : undefined;
  if (wrangler.send_email.some((binding: { name?: string }) => binding.name === 'SEND_EMAIL'))
    vars.SEND_EMAIL = { send: async () => undefined };
  return vars;
}

/** Valid values for what has no default, so the check can go on past a missing or bad secret. */
const STAND_INS: Record<string, () => unknown> = {
  ACCOUNT_TOKEN: () => 'x'.repeat(32),
  SIGNING_KEYS: () => generateKeySet(['ES256', 'RS256']),
  RESEND_API_KEY: () => 'x'.repeat(32),
  MAIL_WEBHOOK_SECRET: () => 'x'.repeat(32),
  MAIL_WEBHOOK_URL: () => 'https://stand-in.invalid/',
  SEND_EMAIL: () => ({ send: async () => undefined }),
};

/** Every problem the Worker's start-up check finds in `vars`, in its order: one ConfigError per variable. */
export async function configProblems(vars: Record<string, unknown>): Promise<ConfigError[]> {
  const trial = { ...vars };
  const problems: ConfigError[] = [];
  const defaulted = new Set<string>();
  const stoodIn = new Set<string>();
  for (;;) {
    try {
      await checkStartup(trial as Env);
      return problems;
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      const name = error.variable;
      if (!problems.some((problem) => problem.variable === name)) problems.push(error);
      if (!defaulted.has(name) && trial[name] !== undefined) {
        defaulted.add(name);
        delete trial[name];
      } else if (!stoodIn.has(name) && STAND_INS[name]) {
        stoodIn.add(name);
        trial[name] = STAND_INS[name]();
      } else {
        return problems;
      }
    }
  }
}

async function main(): Promise<void> {
  const vars = { ...devVars(root), ...varArgs(process.argv.slice(2)) };
  const problems = await configProblems(vars);
  if (problems.length === 0) return;
  const lines = problems.map((problem) => problem.message).join('\n');
  console.error(`\n${lines}\n(wrangler.toml [vars], .dev.vars or a --var argument; npm run dev did not start wrangler)\n`);
  process.exit(1);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
