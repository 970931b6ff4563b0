// Types for signing-keys.mjs, which test/support/secrets.ts imports.
export type KeyAlgorithm = 'ES256' | 'EdDSA' | 'RS256';
export const KEY_ALGORITHMS: KeyAlgorithm[];
export function generateSigningKey(alg: KeyAlgorithm, kid?: string): Record<string, unknown> & { kid: string; alg: KeyAlgorithm };
export function generateKeySet(algorithms: KeyAlgorithm[]): string;
