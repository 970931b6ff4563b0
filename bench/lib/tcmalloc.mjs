// workerd's native heap, seen from outside. workerd links Google's tcmalloc statically (its binary
// defines malloc, free and the MallocExtension_Internal_* entry points; glibc's malloc, and so
// MALLOC_ARENA_MAX, play no part), and it runs none of tcmalloc's background release: memory its
// C++ side frees stays mapped (RSS) until something asks tcmalloc to give it back. These helpers
// attach gdb to the process (it stops for the few seconds gdb takes to load the binary's
// symbols, so only call them once the load is over) to read tcmalloc's own figures and to ask it
// to release its free pages. Without gdb they return null.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PROPERTIES = {
  allocated: 'generic.current_allocated_bytes', // in use by the program
  heapSize: 'generic.heap_size', // what tcmalloc holds from the system, in use or free
  pageheapFree: 'tcmalloc.pageheap_free_bytes', // free, still mapped (resident once touched)
  pageheapUnmapped: 'tcmalloc.pageheap_unmapped_bytes', // free and given back
};

export function hasGdb() {
  return spawnSync('gdb', ['--version'], { encoding: 'utf8' }).status === 0;
}

function gdb(pid, lines) {
  const dir = mkdtempSync(join(tmpdir(), 'tcmalloc-'));
  const script = join(dir, 'commands.gdb');
  writeFileSync(script, ['set pagination off', 'set confirm off', ...lines, 'detach', 'quit'].join('\n'));
  try {
    const result = spawnSync('gdb', ['-p', String(pid), '-batch', '-x', script], { encoding: 'utf8', timeout: 120_000 });
    return result.stdout ?? '';
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const rssBytes = (pid) => Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) * 1024;

/** tcmalloc's figures of the process, in bytes (see PROPERTIES), or null when gdb is missing or failed. */
export function mallocFigures(pid) {
  if (!hasGdb()) return null;
  const lines = ['call (void*) malloc(8)', 'set $out = (unsigned long*) $'];
  for (const [name, property] of Object.entries(PROPERTIES)) {
    lines.push(`call (int) MallocExtension_Internal_GetNumericProperty("${property}", ${property.length}, $out)`);
    lines.push(`printf "tcmalloc ${name} %lu\\n", *$out`);
  }
  const out = gdb(pid, lines);
  const figures = {};
  for (const name of Object.keys(PROPERTIES)) {
    const match = new RegExp(`^tcmalloc ${name} (\\d+)$`, 'm').exec(out);
    if (!match) return null;
    figures[name] = Number(match[1]);
  }
  return figures;
}

/** Asks tcmalloc to give every free page back to the system; RSS before and after, in bytes (null without gdb). */
export function releaseFreeMemory(pid) {
  if (!hasGdb()) return null;
  const before = rssBytes(pid);
  gdb(pid, ['call (void) MallocExtension_Internal_ReleaseMemoryToSystem(18446744073709551615UL)']);
  return { before, after: rssBytes(pid) };
}
