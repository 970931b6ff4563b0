// `keys generate` prints a new SIGNING_KEYS value; `keys rotate` prints the current set with a
// new key of each algorithm first (the first key of an algorithm signs; every key verifies). Key
// generation is scripts/signing-keys.mjs, the same as `npm run keys` and `npm run dev`.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineCommand } from 'citty';
import { generateSigningKey, keyAlgorithms, type KeyAlgorithm } from '../../../scripts/signing-keys.mjs';
import { failure, usageError, type Io } from '../io';

const algArg = {
  type: 'string',
  valueHint: 'ES256,EdDSA,RS256',
  description: 'Algorithms, comma-separated or repeated (generate: ES256,RS256; rotate: those of the current set)',
} as const;

function algorithmsOf(value: string | string[] | undefined): KeyAlgorithm[] {
  const names = [value ?? []]
    .flat()
    .flatMap((item) => item.split(','))
    .map((item) => item.trim())
    .filter(Boolean);
  try {
    return keyAlgorithms(names);
  } catch (error) {
    throw usageError(`--alg: ${(error as Error).message}`);
  }
}

/** A .dev.vars value: NAME=value, NAME="value" or NAME='value' on one line. */
function devVar(text: string, name: string): string | undefined {
  const match = new RegExp(`^\\s*${name}\\s*=\\s*(.*)$`, 'm').exec(text);
  if (!match) return undefined;
  const value = match[1]!.trim();
  return /^(["']).*\1$/.test(value) ? value.slice(1, -1) : value;
}

/** SIGNING_KEYS from the environment, else from .dev.vars in the project directory. */
function currentKeys(io: Io, dir: string): { value: string; source: string } {
  if (io.env.SIGNING_KEYS) return { value: io.env.SIGNING_KEYS, source: 'the SIGNING_KEYS environment variable' };
  const file = join(dir, '.dev.vars');
  const value = existsSync(file) ? devVar(readFileSync(file, 'utf8'), 'SIGNING_KEYS') : undefined;
  if (value === undefined)
    throw usageError(
      `No current keys: set SIGNING_KEYS in the environment, or run in a directory whose .dev.vars has it (looked in ${file}).`,
    );
  return { value, source: file };
}

export function keyCommands(io: Io) {
  return defineCommand({
    meta: { name: 'keys', description: 'Make and rotate the SIGNING_KEYS secret' },
    subCommands: {
      generate: defineCommand({
        meta: { name: 'generate', description: 'Print a new SIGNING_KEYS value (pipe it to `npx wrangler secret put SIGNING_KEYS`)' },
        args: { alg: algArg },
        run({ args }) {
          const keys = algorithmsOf(args.alg as string | string[] | undefined).map((alg) => generateSigningKey(alg));
          io.stdout.write(`${JSON.stringify({ keys })}\n`);
        },
      }),
      rotate: defineCommand({
        meta: { name: 'rotate', description: 'Print the current SIGNING_KEYS with a new key first; the old keys stay, for verification' },
        args: { alg: algArg, dir: { type: 'string', description: 'Where .dev.vars is (default: the current directory)' } },
        async run({ args }) {
          const { value, source } = currentKeys(io, args.dir ?? io.cwd);
          const { keyRing } = await import('../../../src/crypto/keys');
          let old: { keys: { kid: string; alg: KeyAlgorithm }[] };
          try {
            old = JSON.parse(value);
            await keyRing(value);
          } catch (error) {
            throw failure(`SIGNING_KEYS from ${source} is not a key set the Worker accepts: ${(error as Error).message}`);
          }
          const present = [...new Set(old.keys.map((key) => key.alg))];
          const algorithms = args.alg === undefined ? present : algorithmsOf(args.alg as string | string[]);
          const fresh = algorithms.map((alg) => generateSigningKey(alg));
          io.stdout.write(`${JSON.stringify({ keys: [...fresh, ...old.keys] })}\n`);
          io.stderr.write(
            `New signing key${fresh.length > 1 ? 's' : ''}: ${fresh.map((key) => `${key.kid} (${key.alg})`).join(', ')}; ` +
              `kept for verification: ${old.keys.map((key) => key.kid).join(', ')}.\n` +
              'Remove an old key once the tokens it signed have expired (REFRESH_TOKEN_TTL_SECONDS, 30 days by default).\n',
          );
        },
      }),
    },
  });
}
