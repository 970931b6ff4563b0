// Password hashing. Each hash is a self-describing PHC-style string carrying its algorithm and
// parameters, so the configured cost can change and old hashes still verify (and get rehashed).
// scrypt runs in the runtime's native node:crypto (about 176 ms at N=2^14 r=8 p=5); argon2id
// runs in @noble/hashes (pure JS, slower). Both are capped at 32 MiB: the isolate has 128 MiB.
import { argon2idAsync } from '@noble/hashes/argon2.js';
import { scrypt as nodeScrypt } from 'node:crypto';
import { constantTimeEqual } from './digest';
import { base64, fromBase64, utf8 } from './encoding';

export type PasswordHashSpec =
  | { algorithm: 'scrypt'; logN: number; r: number; p: number }
  | { algorithm: 'argon2id'; memoryKiB: number; iterations: number; parallelism: number };

const MAX_MEMORY_BYTES = 32 * 1024 * 1024;
const SALT_BYTES = 16;
const KEY_BYTES = 32;

function parseParams(text: string, names: string[]): Record<string, number> {
  const params: Record<string, number> = {};
  for (const part of text.split(',')) {
    const [name, value] = part.split('=');
    if (!name || value === undefined || !names.includes(name) || !/^\d{1,9}$/.test(value)) {
      throw new Error(`has an unknown or bad parameter "${part}"`);
    }
    params[name] = Number(value);
  }
  for (const name of names) if (params[name] === undefined) throw new Error(`is missing "${name}"`);
  return params;
}

/** Parses the PASSWORD_HASH var: `scrypt:ln=14,r=8,p=5` or `argon2id:m=19456,t=2,p=1`. */
export function parsePasswordHashSpec(text: string): PasswordHashSpec {
  const [algorithm, params = ''] = text.split(':');
  if (algorithm === 'scrypt') {
    const { ln, r, p } = parseParams(params, ['ln', 'r', 'p']) as { ln: number; r: number; p: number };
    if (ln < 1 || ln > 20 || r < 1 || p < 1 || p > 64) throw new Error('has scrypt parameters out of range');
    if (128 * 2 ** ln * r > MAX_MEMORY_BYTES) throw new Error('needs more than 32 MiB (128 * 2^ln * r)');
    return { algorithm, logN: ln, r, p };
  }
  if (algorithm === 'argon2id') {
    const { m, t, p } = parseParams(params, ['m', 't', 'p']) as { m: number; t: number; p: number };
    if (m < 8 || t < 1 || p < 1 || p > 16) throw new Error('has argon2id parameters out of range');
    if (m * 1024 > MAX_MEMORY_BYTES) throw new Error('needs more than 32 MiB (m is in KiB)');
    return { algorithm, memoryKiB: m, iterations: t, parallelism: p };
  }
  throw new Error('must start with "scrypt:" or "argon2id:"');
}

function scrypt(password: Uint8Array, salt: Uint8Array, spec: Extract<PasswordHashSpec, { algorithm: 'scrypt' }>) {
  return new Promise<Uint8Array>((resolve, reject) => {
    const options = { N: 2 ** spec.logN, r: spec.r, p: spec.p, maxmem: MAX_MEMORY_BYTES + 1024 * 1024 };
    nodeScrypt(password, salt, KEY_BYTES, options, (error, key) => (error ? reject(error) : resolve(new Uint8Array(key))));
  });
}

async function derive(password: string, salt: Uint8Array, spec: PasswordHashSpec): Promise<Uint8Array> {
  const bytes = utf8.encode(password);
  if (spec.algorithm === 'scrypt') return scrypt(bytes, salt, spec);
  return argon2idAsync(bytes, salt, {
    m: spec.memoryKiB,
    t: spec.iterations,
    p: spec.parallelism,
    dkLen: KEY_BYTES,
    maxmem: MAX_MEMORY_BYTES + 1024 * 1024,
  });
}

function paramsText(spec: PasswordHashSpec): string {
  return spec.algorithm === 'scrypt'
    ? `ln=${spec.logN},r=${spec.r},p=${spec.p}`
    : `v=19$m=${spec.memoryKiB},t=${spec.iterations},p=${spec.parallelism}`;
}

function format(spec: PasswordHashSpec, salt: Uint8Array, key: Uint8Array): string {
  return `$${spec.algorithm}$${paramsText(spec)}$${base64(salt)}$${base64(key)}`;
}

/** Parses a stored hash string back into its spec, salt and key; null when it is not ours. */
function parseStored(stored: string): { spec: PasswordHashSpec; salt: Uint8Array; key: Uint8Array } | null {
  try {
    const parts = stored.split('$');
    if (parts[1] === 'scrypt' && parts.length === 5) {
      const spec = parsePasswordHashSpec(`scrypt:${parts[2]}`);
      return { spec, salt: fromBase64(parts[3]!), key: fromBase64(parts[4]!) };
    }
    if (parts[1] === 'argon2id' && parts.length === 6 && parts[2] === 'v=19') {
      const spec = parsePasswordHashSpec(`argon2id:${parts[3]}`);
      return { spec, salt: fromBase64(parts[4]!), key: fromBase64(parts[5]!) };
    }
  } catch {
    return null;
  }
  return null;
}

export async function hashPassword(password: string, spec: PasswordHashSpec): Promise<string> {
  const salt = new Uint8Array(SALT_BYTES);
  crypto.getRandomValues(salt);
  return format(spec, salt, await derive(password, salt, spec));
}

interface PasswordCheck {
  ok: boolean;
  /** The hash was made with other parameters than the configured ones: store a fresh one. */
  needsRehash: boolean;
}

export async function verifyPassword(password: string, stored: string, current: PasswordHashSpec): Promise<PasswordCheck> {
  const parsed = parseStored(stored);
  if (!parsed) return { ok: false, needsRehash: false };
  const key = await derive(password, parsed.salt, parsed.spec);
  // The runtime's scrypt ignores trailing NULs; no stored password holds one (the policy refuses them).
  const ok = constantTimeEqual(base64(key), base64(parsed.key)) && !password.includes('\u0000');
  return { ok, needsRehash: ok && paramsText(parsed.spec) + parsed.spec.algorithm !== paramsText(current) + current.algorithm };
}

const dummyHashes = new Map<string, Promise<string>>();

/**
 * A hash of a random password at the configured cost, made once per isolate: checking a
 * password for an unknown account against it takes as long as checking a real one.
 */
export function dummyPasswordHash(spec: PasswordHashSpec): Promise<string> {
  const key = spec.algorithm + paramsText(spec);
  let hash = dummyHashes.get(key);
  if (!hash) {
    hash = hashPassword(crypto.randomUUID(), spec);
    dummyHashes.set(key, hash);
  }
  return hash;
}
