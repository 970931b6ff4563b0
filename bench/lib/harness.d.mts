// Types of harness.mjs for its TypeScript callers (the CLI tests and the browser tests' global setup).
import type { Miniflare, MiniflareOptions } from 'miniflare';

export function buildWorker(root: string, outdir: string): string;
export function buildPasswordWorker(root: string, outdir: string): Promise<string>;
export function startWorker(
  scriptPath: string,
  bindings: Record<string, unknown>,
  extra?: Partial<MiniflareOptions>,
): Promise<{ mf: Miniflare; url: string; pid: number }>;
export function applyMigrations(mf: Miniflare, root: string): Promise<void>;
