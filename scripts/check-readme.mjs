#!/usr/bin/env node
// `npm run check:readme`: proves the commands of the README and of the pages under docs/ run
// verbatim, in reading order (DOC_PAGES), on a clean copy of the tree. Every ```sh block runs in
// one bash session (so variables carry from block to block and page to page, as in a reader's
// terminal), with `set -euo pipefail`: an unset variable or a failing command
// fails the check. The block that starts `npm run dev` runs in the background until the server
// answers; `npm test` is left to CI (it runs it anyway); blocks fenced as ```sh deploy need a
// Cloudflare account and are skipped. Each curl's status is recorded: a 5xx, a refused
// connection, or a 4xx that its block does not mention is a failure. First, every link to a
// heading (`](#anchor)`, `](page.md#anchor)`) and to a file of the tree must name one that exists.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The pages whose shell blocks run, in the order a reader follows them from the README. */
export const DOC_PAGES = [
  'README.md',
  'docs/client.md',
  'docs/testing.md',
  'docs/droplit.md',
  'docs/gatekeeper.md',
  'docs/user-service.md',
  'docs/hosted-pages.md',
  'docs/oauth.md',
  'docs/gateway.md',
  'docs/forward-auth.md',
  'docs/migrating.md',
  'docs/configuration.md',
  'docs/deploying.md',
  'docs/mail.md',
  'docs/performance.md',
  'docs/security.md',
  'docs/architecture.md',
  'docs/scale.md',
  'docs/faults.md',
];
const PORT = 8787;
const READY_TIMEOUT_MS = 180_000;
const WATCHDOG_MS = 600_000;

/** A page's fenced shell blocks, in order, with their info string. */
export function shellBlocks(markdown) {
  const blocks = [];
  const fence = /^```([^\n]*)\n([\s\S]*?)^```$/gm;
  for (let match; (match = fence.exec(markdown)); ) {
    const [lang, ...flags] = match[1].trim().split(/\s+/);
    if (lang !== 'sh') continue;
    const commands = match[2].replace(/^\s*#.*$/gm, '').replace(/\s#.*$/gm, '');
    blocks.push({ flags, text: match[2], commands, line: markdown.slice(0, match.index).split('\n').length });
  }
  return blocks;
}

/** GitHub's anchor of a heading: lower case, punctuation but `-` and `_` dropped, spaces as `-`. */
function anchorOf(heading) {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function headingsOf(markdown) {
  const prose = markdown.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '');
  return new Set([...prose.matchAll(/^#{1,6} (.+)$/gm)].map((match) => anchorOf(match[1])));
}

/** Links to `#anchor` within one page that name no heading. */
export function brokenAnchors(markdown) {
  const anchors = headingsOf(markdown);
  const prose = markdown.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '');
  return [...prose.matchAll(/\]\(#([^)]+)\)/g)].map((match) => match[1]).filter((anchor) => !anchors.has(anchor));
}

/** Relative links of a page (`page` is its path in the tree) to a file or heading that does not exist. */
export function brokenLinks(page, markdown, readPage = (path) => readFileSync(join(root, path), 'utf8')) {
  const prose = markdown.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '');
  const broken = brokenAnchors(markdown).map((anchor) => `#${anchor}`);
  for (const [, target] of prose.matchAll(/\]\(([^)#\s][^)\s]*)\)/g)) {
    if (/^[a-z]+:/i.test(target)) continue;
    const [file, anchor] = target.split('#');
    const path = join(dirname(page), file);
    if (!existsSync(join(root, path))) broken.push(target);
    else if (anchor && path.endsWith('.md') && !headingsOf(readPage(path)).has(anchor)) broken.push(target);
  }
  return broken;
}

function copyTree(to) {
  const files = spawnSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: root, encoding: 'utf8' });
  if (files.status !== 0) throw new Error('git ls-files failed');
  for (const file of files.stdout.split('\0').filter(Boolean)) {
    if (file.startsWith('node_modules/')) continue;
    mkdirSync(dirname(join(to, file)), { recursive: true });
    try {
      cpSync(join(root, file), join(to, file));
    } catch {
      // A file deleted in the work tree but still tracked: the copy is of what is there.
    }
  }
}

async function waitForServer(dev) {
  const started = Date.now();
  while (Date.now() - started < READY_TIMEOUT_MS) {
    if (dev.exitCode !== null) throw new Error(`npm run dev exited with ${dev.exitCode}`);
    try {
      const response = await fetch(`http://localhost:${PORT}/`);
      await response.arrayBuffer();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  throw new Error('npm run dev did not answer within 3 minutes');
}

async function answers() {
  try {
    await (await fetch(`http://localhost:${PORT}/`)).arrayBuffer();
    return true;
  } catch {
    return false;
  }
}

/** A process and all its descendants (npm puts its script in a process group of its own). */
function processTree(pid) {
  const table = spawnSync('ps', ['-eo', 'pid=,ppid='], { encoding: 'utf8' }).stdout.trim().split('\n');
  const children = new Map();
  for (const [child, parent] of table.map((line) => line.trim().split(/\s+/).map(Number))) {
    children.set(parent, [...(children.get(parent) ?? []), child]);
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]) ?? []));
  return tree;
}

/** Ends a background `npm run dev` and everything it started, and waits until the port is free. */
async function stopDev(dev) {
  const tree = processTree(dev.pid);
  const signalAll = (signal) => {
    for (const pid of tree) {
      try {
        process.kill(pid, signal);
      } catch {
        // Already gone.
      }
    }
  };
  signalAll('SIGTERM');
  for (let tries = 0; tries < 40; tries++) {
    if (!(await answers())) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
    if (tries === 20) signalAll('SIGKILL');
  }
}

const PREAMBLE = `set -euo pipefail
curl() { command curl -w '%{stderr}@@status %{http_code}\\n' "$@"; }
`;

function checkStatuses(stderr, blocks) {
  const problems = [];
  let block = null;
  for (const line of stderr.split('\n')) {
    const marker = /^@@block (\d+)$/.exec(line);
    if (marker) block = blocks[Number(marker[1])];
    const status = /^@@status (\d+)$/.exec(line);
    if (!status || !block) continue;
    const code = Number(status[1]);
    const allowed = (code >= 100 && code < 400) || (code < 500 && code >= 400 && block.text.includes(String(code)));
    if (!allowed) problems.push(`${block.page} line ${block.line}: a curl in this block answered ${code || 'no connection'}`);
  }
  return problems;
}

async function main() {
  const pages = DOC_PAGES.map((page) => ({ page, markdown: readFileSync(join(root, page), 'utf8') }));
  const broken = pages.flatMap(({ page, markdown }) => brokenLinks(page, markdown).map((link) => `${page}: ${link}`));
  if (broken.length) {
    console.error(`check-readme: links to files or headings that do not exist: ${broken.join(', ')}`);
    process.exit(1);
  }
  const blocks = pages.flatMap(({ page, markdown }) => shellBlocks(markdown).map((block) => ({ ...block, page })));
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-readme-'));
  const watchdog = setTimeout(() => {
    console.error('check-readme: still running after 10 minutes; giving up');
    process.exit(1);
  }, WATCHDOG_MS);
  let dev = null;
  try {
    copyTree(dir);
    const scripted = [];
    for (const [index, block] of blocks.entries()) {
      if (block.flags.includes('deploy')) continue;
      if (/\bnpm test\b/.test(block.commands)) continue;
      if (/\bnpm run dev\b/.test(block.commands)) {
        console.log(`check-readme: ${block.page} line ${block.line}: ${block.text.trim()} (in the background)`);
        // A reader stops the running server (Ctrl-C) before starting it again with other flags.
        if (dev) await stopDev(dev);
        else if (await answers()) throw new Error(`another server already answers on port ${PORT}: stop it first`);
        dev = spawn('bash', ['-c', block.text], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
        let output = '';
        dev.stdout.on('data', (data) => (output += data));
        dev.stderr.on('data', (data) => (output += data));
        await waitForServer(dev).catch((error) => {
          throw new Error(`${error.message}\n${output.slice(-4000)}`);
        });
        continue;
      }
      scripted.push(`echo '@@block ${index}' >&2\n${block.text}`);
    }
    writeFileSync(join(dir, '.readme-check.sh'), PREAMBLE + scripted.join('\n'));
    const run = spawnSync('bash', ['.readme-check.sh'], { cwd: dir, encoding: 'utf8', env: { ...process.env } });
    const problems = checkStatuses(run.stderr, blocks);
    if (run.status !== 0) problems.push(`the pages' commands stopped with exit code ${run.status}`);
    if (problems.length) {
      console.error(run.stdout.slice(-3000));
      console.error(run.stderr.replace(/^@@.*\n/gm, '').slice(-3000));
      for (const problem of problems) console.error(`check-readme: ${problem}`);
      process.exitCode = 1;
    } else {
      const count = (run.stderr.match(/^@@status /gm) ?? []).length;
      console.log(`check-readme: ${scripted.length} blocks, ${count} requests, every command ran as written`);
    }
  } finally {
    clearTimeout(watchdog);
    if (dev) await stopDev(dev);
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
