import { readdirSync, readFileSync } from 'node:fs';
import type { DatabaseKind } from './database';

/** Clock ticks per second of /proc accounting (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/**
 * CPU time of the whole machine so far, in milliseconds (every CPU summed): busy, and the
 * part of it the hypervisor gave to other guests (steal), which no process here used.
 */
export function machineCpuMs(): { busy: number; stolen: number } {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const fields = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal: busy is all but idle and iowait.
    const total = fields.slice(0, 8).reduce((sum, value) => sum + value, 0);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    const toMs = (ticks: number): number => (ticks * 1000) / TICKS_PER_SECOND;
    return { busy: toMs(total - idle), stolen: toMs(fields[7] ?? 0) };
  } catch {
    return { busy: 0, stolen: 0 };
  }
}

/** CPU time (user + system, all threads) a process has used so far, in milliseconds. */
export function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(rest[11]) + Number(rest[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** Where the machine's CPU went during a measurement, in cores (1 = one CPU fully busy). */
export interface CpuShare {
  server: number;
  loadGenerator: number;
  /** The MariaDB/MySQL or PostgreSQL server processes, when the row uses one (part of the system under test). */
  database: number;
  /** Everything else on the machine: other processes competing with the measurement. */
  other: number;
  /** CPU time the hypervisor gave to other guests of the host: this VM's CPUs were not running. */
  stolen: number;
}

/** How much of the machine something other than the measured parts took, in cores. */
export function disturbance(cpu: CpuShare): number {
  return cpu.other + cpu.stolen;
}

/** The command names of each database server's processes. */
const DATABASE_PROGRAMS: Record<DatabaseKind, string[]> = {
  sqlite: [],
  mysql: ['mariadbd', 'mysqld'],
  // The postmaster and one backend process per connection.
  postgres: ['postgres'],
};

/** Process ids of a local database server of `kind`, found by command name in /proc. */
export function databasePids(kind: DatabaseKind): number[] {
  const programs = DATABASE_PROGRAMS[kind];
  const pids: number[] = [];
  if (programs.length === 0) {
    return pids;
  }
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) {
        continue;
      }
      try {
        const name = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
        if (programs.includes(name)) {
          pids.push(Number(entry));
        }
      } catch {
        // The process ended while we looked.
      }
    }
  } catch {
    // No /proc: no database accounting.
  }
  return pids;
}

/**
 * Samples the machine, the server and this process, to be finished with the load
 * generator's CPU time. The database's processes are looked up at the start and at the
 * finish: PostgreSQL starts a backend per new connection, and one that appears during
 * the measurement counts from zero (one that ends during it is missed; pools keep theirs).
 */
export class CpuMeter {
  private readonly wallStart = performance.now();
  private readonly machineStart = machineCpuMs();
  private readonly serverStart: number;
  private readonly databaseStart: Map<number, number>;
  private readonly selfStart = process.cpuUsage();

  constructor(
    private readonly serverPid: number,
    private readonly databasePids: () => number[],
  ) {
    this.serverStart = processCpuMs(serverPid);
    this.databaseStart = this.databaseCpu();
  }

  private databaseCpu(): Map<number, number> {
    return new Map(this.databasePids().map((pid) => [pid, processCpuMs(pid)]));
  }

  private databaseMs(): number {
    let total = 0;
    for (const [pid, ms] of this.databaseCpu()) {
      total += ms - (this.databaseStart.get(pid) ?? 0);
    }
    return total;
  }

  /** Call while the server still runs, with the CPU milliseconds the load generator reported. */
  finish(loadGeneratorCpuMs: number): CpuShare {
    const wall = performance.now() - this.wallStart;
    const server = processCpuMs(this.serverPid) - this.serverStart;
    const self = process.cpuUsage(this.selfStart);
    const runner = (self.user + self.system) / 1000;
    const database = this.databaseMs();
    const machine = machineCpuMs();
    const stolen = machine.stolen - this.machineStart.stolen;
    const busy = machine.busy - this.machineStart.busy;
    const other = Math.max(0, busy - stolen - server - database - loadGeneratorCpuMs - runner);
    return {
      server: server / wall,
      loadGenerator: loadGeneratorCpuMs / wall,
      database: Math.max(0, database) / wall,
      other: other / wall,
      stolen: Math.max(0, stolen) / wall,
    };
  }
}
