// The machine the bench ran on, and the printed report: each scenario as a ratio to the
// pass-through route, and each target with the number measured against it.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';

export function machine(root) {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const workerd = execFileSync(join(root, 'node_modules', '.bin', 'workerd'), ['--version'], { encoding: 'utf8' }).trim();
  const miniflare = JSON.parse(readFileSync(join(root, 'node_modules', 'miniflare', 'package.json'), 'utf8')).version;
  return {
    nproc: availableParallelism(),
    cpu: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? 'unknown',
    node: process.version,
    workerd,
    miniflare,
  };
}

const fixed = (value, digits = 3) => (value === null || value === undefined ? 'n/a' : value.toFixed(digits));
const signed = (value) => `${value >= 0 ? '+' : ''}${value.toFixed(3)}`;
const verdict = (ok) => (ok ? 'MET' : 'NOT MET');

/** The hot path's ceilings (Worker CPU ms per request in one run), and sign-in's cost beyond the hash. */
const CEILINGS = [
  ['verify', 'edge check (warm) <= 0.40 ms CPU', 0.4],
  ['jwks', 'JWKS <= 0.35 ms CPU', 0.35],
  ['whoami', 'who-am-I <= 1.3 ms CPU', 1.3],
  ['mint', 'minting <= 2.0 ms CPU', 2.0],
];
const SIGN_IN_BEYOND_HASH_MS = 3;

export function printReport({ machine: m, concurrency, assets, password, cheapHash, login, results, slidingWrites }) {
  const by = Object.fromEntries(results.map((result) => [result.name, result]));
  const pass = by.pass;
  const floor = by.trivial;
  console.log(`\nmachine: ${m.nproc} CPUs, ${m.cpu}; node ${m.node}; ${m.workerd}; miniflare ${m.miniflare}`);
  console.log(`load: concurrency ${concurrency}, keep-alive, loopback; medians of the rounds; static assets: ${assets}\n`);
  console.log('scenario                                   req/s   x pass   CPU ms/req (+ vs pass)   best round (+ vs pass)   x trivial');
  for (const result of results) {
    const cpu = `${fixed(result.cpuMsPerRequest)} (${signed(result.cpuMsPerRequest - pass.cpuMsPerRequest)})`;
    const best = `${fixed(result.bestCpuMsPerRequest)} (${signed(result.bestCpuMsPerRequest - pass.bestCpuMsPerRequest)})`;
    const toFloor = floor ? (result.cpuMsPerRequest / floor.cpuMsPerRequest).toFixed(2) : 'n/a';
    console.log(
      `${result.label.padEnd(40)} ${result.rps.toFixed(0).padStart(7)}   ${result.ratioToPass.toFixed(3).padStart(6)}   ${cpu.padEnd(22)}   ${best.padEnd(22)}   ${toFloor}`,
    );
  }
  console.log('\ntargets:');
  for (const [name, label, ceiling] of CEILINGS) {
    if (by[name])
      console.log(
        `  ${label}: ${fixed(by[name].cpuMsPerRequest)} ms (best round ${fixed(by[name].bestCpuMsPerRequest)}) ${verdict(by[name].cpuMsPerRequest <= ceiling)}`,
      );
  }
  if (by.signin && cheapHash) {
    // The cheap hash is timed as a whole request of the password worker: less a trivial request's
    // CPU, what is left is the hash's own, which comes off the sign-in.
    const hash = Math.max(0, cheapHash.cpuMsPerCheck - (floor?.cpuMsPerRequest ?? 0));
    const beyond = by.signin.cpuMsPerRequest - hash;
    console.log(
      `  sign-in beyond the hash <= ${SIGN_IN_BEYOND_HASH_MS} ms CPU: ${fixed(beyond, 3)} ms (sign-in ${fixed(by.signin.cpuMsPerRequest)} ms at a negligible hash - that hash ${fixed(hash)} ms) ${verdict(beyond <= SIGN_IN_BEYOND_HASH_MS)}`,
    );
  }
  if (login.available) {
    const beyond = login.cpuMsPerLogin - password.cpuMsPerCheck;
    const toFloor = floor ? ` (${(login.cpuMsPerLogin / floor.cpuMsPerRequest).toFixed(0)} x trivial)` : '';
    console.log(
      `  whole login at the default hash minus its hash alone: ${fixed(beyond, 2)} ms (login ${fixed(login.cpuMsPerLogin, 1)} ms${toFloor} - hash ${fixed(password.cpuMsPerCheck, 1)} ms; ${login.logins} logins, so within a few ms of noise)`,
    );
  }
  if (by.warm) {
    const ratio = by.warm.ratioToPass;
    const cpuRatio = pass.cpuMsPerRequest / by.warm.cpuMsPerRequest;
    const bestRatio = pass.bestCpuMsPerRequest / by.warm.bestCpuMsPerRequest;
    console.log(
      `  warm token >= 0.85 of pass-through throughput: ${ratio.toFixed(3)} (by workerd CPU ${cpuRatio.toFixed(3)}, best rounds ${bestRatio.toFixed(3)}) ${verdict(Math.min(ratio, cpuRatio) >= 0.85)}`,
    );
  }
  if (by.warm && by.first) {
    const addedCpu = by.first.cpuMsPerRequest - by.warm.cpuMsPerRequest;
    const addedBest = by.first.bestCpuMsPerRequest - by.warm.bestCpuMsPerRequest;
    const addedTime = 1000 / by.first.rps - 1000 / by.warm.rps;
    console.log(
      `  first-seen ES256 token <= 0.25 ms added CPU: ${addedCpu.toFixed(3)} ms (best rounds ${addedBest.toFixed(3)} ms, by time per request ${addedTime.toFixed(3)} ms) ${verdict(addedCpu <= 0.25)}`,
    );
  }
  console.log(
    `  busy SlidingTtl token <= 1 KV write per tenth of its TTL: ${slidingWrites.kvWrites} writes in ${slidingWrites.seconds.toFixed(1)} s, ${slidingWrites.requests} requests, ttl ${slidingWrites.ttlSeconds} s (at most ${slidingWrites.allowed}) ${verdict(slidingWrites.kvWrites <= slidingWrites.allowed)}`,
  );
  console.log(
    `  password check (scrypt ln=14 r=8 p=5) <= 200 ms CPU within 32 MiB: ${fixed(password.cpuMsPerCheck, 1)} ms CPU (${fixed(password.wallMsPerCheck, 1)} ms wall), peak +${fixed(password.peakAddedMiB, 1)} MiB (scrypt needs ${password.scryptMemoryMiB} MiB) ${verdict(password.cpuMsPerCheck <= 200 && (password.peakAddedMiB ?? 0) <= 32)}`,
  );
  if (login.available) {
    console.log(
      `  whole login (POST /oauth/token): ${fixed(login.cpuMsPerLogin, 1)} ms CPU per login (${fixed(login.wallMsPerLogin, 1)} ms wall), peak +${fixed(login.peakAddedMiB, 1)} MiB`,
    );
  } else {
    console.log(`  whole login (POST /oauth/token): not measured, the route answered ${login.status}`);
  }
}
