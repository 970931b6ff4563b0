// Types for signing-keys.mjs, which test/support/secrets.ts and the CLI (cli/src/commands/keys.ts) import.
export type KeyAlgorithm = 'ES256' | 'EdDSA' | 'RS256';
export const KEY_ALGORITHMS: KeyAlgorithm[];
export const DEFAULT_KEY_ALGORITHMS: KeyAlgorithm[];
export function keyAlgorithms(names: string[]): KeyAlgorithm[];
export function generateSigningKey(alg: KeyAlgorithm, kid?: string): Record<string, unknown> & { kid: string; alg: KeyAlgorithm };
export function generateKeySet(algorithms: KeyAlgorithm[]): string;
