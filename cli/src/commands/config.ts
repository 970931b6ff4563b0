// `config check`: wrangler.toml's [vars] and .dev.vars, read as `wrangler dev` reads them, through
// the Worker's own start-up check (src/startup.ts, via scripts/check-config.ts); every problem named.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { defineCommand } from 'citty';
import { failure, usageError, type Io } from '../io';
import { printJson } from '../output';

export function configCommands(io: Io) {
  return defineCommand({
    meta: { name: 'config', description: 'Check the configuration before deploying or starting the dev server' },
    subCommands: {
      check: defineCommand({
        meta: { name: 'check', description: "Validate every var of wrangler.toml and .dev.vars with the Worker's own start-up check" },
        args: {
          dir: { type: 'string', description: 'The project directory, with wrangler.toml (default: the current directory)' },
          json: { type: 'boolean', description: 'Print {"ok", "problems": [{"variable", "message"}]}' },
        },
        async run({ args }) {
          const dir = args.dir ?? io.cwd;
          if (!existsSync(join(dir, 'wrangler.toml')))
            throw usageError(`No wrangler.toml in ${dir}: run in the project directory or pass --dir.`);
          const { configProblems, devVars } = await import('../../../scripts/check-config');
          const vars = devVars(dir);
          const problems = await configProblems(vars);
          const sources = existsSync(join(dir, '.dev.vars')) ? 'wrangler.toml [vars] and .dev.vars' : 'wrangler.toml [vars] (no .dev.vars)';
          if (args.json)
            printJson(io, { ok: problems.length === 0, problems: problems.map((p) => ({ variable: p.variable, message: p.message })) });
          if (problems.length === 0) {
            if (!args.json)
              io.stdout.write(`Configuration OK: ${Object.keys(vars).length} vars from ${sources} pass the Worker's start-up check.\n`);
            return;
          }
          const list = problems.map((problem) => `  ${problem.message.replace(/^Invalid configuration: /, '')}`).join('\n');
          throw failure(args.json ? '' : `${problems.length} problem${problems.length > 1 ? 's' : ''} in ${sources}:\n${list}`);
        },
      }),
    },
  });
}
