/**
 * Where the machine's cores went during a load test: the servers, the load generator itself, and the
 * whole machine (other work on a shared machine shows as the difference). Linux /proc only; elsewhere
 * the figures are absent. Clock ticks are USER_HZ, 100 a second on Linux (proc(5)).
 */
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

const TICKS_PER_S = 100;

export interface CpuSnapshot {
  atMs: number;
  /** CPU seconds of each watched process (user + system), NaN where unreadable. */
  processes: number[];
  /** CPU seconds of this process. */
  self: number;
  /** Busy CPU seconds of the whole machine, summed over cores; NaN without /proc. */
  machine: number;
}

function processSeconds(pid: number): number {
  try {
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S; // utime, stime (fields 14, 15)
  } catch {
    return NaN;
  }
}

function machineSeconds(): number {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
    return (user! + nice! + system! + irq! + softirq! + steal!) / TICKS_PER_S;
  } catch {
    return NaN;
  }
}

/**
 * The processes whose CPU a server's figure should sum: the pid itself and its children (the workers
 * of an ATALAYA_WORKERS server), read from /proc; just the pid elsewhere.
 */
export function withChildren(pid: number): number[] {
  const out = [pid];
  try {
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      try {
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (ppid === pid) out.push(Number(name));
      } catch {
        // the process ended meanwhile
      }
    }
  } catch {
    // no /proc
  }
  return out;
}

/** CPU seconds of a group of processes (a server and its workers). */
function groupSeconds(pids: readonly number[]): number {
  return pids.reduce((sum, pid) => sum + processSeconds(pid), 0);
}

/** @param groups per server, the processes it runs (see withChildren) */
export function cpuSnapshot(groups: readonly (readonly number[])[]): CpuSnapshot {
  const self = process.cpuUsage();
  return {
    atMs: performance.now(),
    processes: groups.map(groupSeconds),
    self: (self.user + self.system) / 1e6,
    machine: machineSeconds(),
  };
}

/** Cores used between two snapshots (CPU seconds per second), and the machine's core count. */
export function coresUsed(a: CpuSnapshot, b: CpuSnapshot) {
  const s = (b.atMs - a.atMs) / 1000;
  return {
    processes: b.processes.map((v, i) => (v - a.processes[i]!) / s),
    self: (b.self - a.self) / s,
    machine: (b.machine - a.machine) / s,
    cores: os.cpus().length,
  };
}
