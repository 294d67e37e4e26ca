/** Processes by PID: whether one still runs. */
import { readdirSync, readFileSync } from 'node:fs';

export function isAlive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
  // A process that exited but was not yet reaped by its (adoptive) parent still answers
  // kill(pid, 0); it is gone for our purposes: it holds no port and does no work.
  try {
    return !/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true; // no /proc (not Linux): trust kill(0)
  }
}

export interface ProcStat {
  pid: number;
  ppid: number;
  /** Process group id. */
  pgrp: number;
  /** Z for a zombie. */
  state: string;
}

/** Every process /proc shows now (empty where there is no /proc). */
export function processes(): ProcStat[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return [];
  }
  const out: ProcStat[] = [];
  for (const entry of entries) {
    try {
      // The command name (field 2) may hold spaces and parentheses: the fields that follow start after the last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, ppid, pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.push({ pid: Number(entry), ppid: Number(ppid), pgrp: Number(pgrp), state: state! });
    } catch {
      /* it ended while we looked */
    }
  }
  return out;
}

/**
 * Live members of process group `pgid` whose leader has exited: what a server killed hard leaves
 * behind (gunicorn's workers after its master). Empty while the leader runs: the group is its own.
 */
export function orphanedGroup(pgid: number): number[] {
  const all = processes();
  if (all.some((p) => p.pid === pgid && p.state !== 'Z')) return [];
  return all.filter((p) => p.pgrp === pgid && p.state !== 'Z').map((p) => p.pid);
}
