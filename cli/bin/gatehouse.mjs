#!/usr/bin/env node
// The `gatehouse` command (npx gatehouse): the TypeScript of cli/src, run through tsx.
import { homedir } from 'node:os';
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv.slice(2), {
  env: process.env,
  cwd: process.cwd(),
  home: homedir(),
  stdout: process.stdout,
  stderr: process.stderr,
  fetch: globalThis.fetch,
});
