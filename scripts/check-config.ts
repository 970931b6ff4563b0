// `npm run dev` runs this before starting wrangler: the Worker's own start-up check (src/startup.ts)
// on exactly the vars `wrangler dev` will pass: wrangler.toml's [vars], then .dev.vars, then the
// `--var NAME:VALUE` arguments given after `--` (read with wrangler's own functions). A bad value
// exits 1 with the message the Worker would answer every request with, naming the variable.
// Usage: node_modules/.bin/tsx scripts/check-config.ts [wrangler dev arguments]
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unstable_getVarsForDev, unstable_readConfig } from 'wrangler';
import { ConfigError, type Env } from '../src/config';
import { checkStartup } from '../src/startup';

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

async function main(): Promise<void> {
  const configPath = join(root, 'wrangler.toml');
  const wrangler = unstable_readConfig({ config: configPath }, { hideWarnings: true });
  const bindings = unstable_getVarsForDev(configPath, undefined, wrangler.vars, undefined, true);
  const vars: Record<string, unknown> = {};
  for (const [name, binding] of Object.entries(bindings)) vars[name] = 'value' in binding ? binding.value : undefined;
  Object.assign(vars, varArgs(process.argv.slice(2)));
  try {
    await checkStartup(vars as Env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`\n${error.message}\n(wrangler.toml [vars], .dev.vars or a --var argument; npm run dev did not start wrangler)\n`);
    process.exit(1);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
