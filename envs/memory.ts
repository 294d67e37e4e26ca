/**
 * What an environment costs the host in memory: the proportional set size (PSS: shared pages
 * divided among the processes sharing them) of its processes and all their descendants
 * (PostgreSQL's backends, gunicorn's workers, nginx's workers), from /proc.
 */
import { readFileSync } from 'node:fs';
import { processes } from '../lib/process.ts';

/** `roots` and every descendant of theirs that is running now. */
export function processTree(roots: number[]): number[] {
  const ppid = new Map(processes().map((p) => [p.pid, p.ppid]));
  const tree = new Set(roots.filter((p) => ppid.has(p)));
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, parent] of ppid) {
      if (!tree.has(pid) && tree.has(parent)) {
        tree.add(pid);
        grew = true;
      }
    }
  }
  return [...tree];
}

/** KiB of PSS of one process (RSS where smaps_rollup is not readable); 0 when it is gone. */
function pssKiB(pid: number): number {
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    return Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0);
  } catch {
    try {
      return Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      return 0;
    }
  }
}

/** MiB of memory the processes `roots` and their descendants use together. */
export function treeMemoryMiB(roots: number[]): number {
  const kib = processTree(roots).reduce((sum, pid) => sum + pssKiB(pid), 0);
  return Math.round((kib / 1024) * 10) / 10;
}
