import { readFileSync, writeFileSync } from 'node:fs';

/** Reads a `Vm…` line of /proc/<pid>/status in kilobytes, or 0 when unavailable. */
function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/**
 * Tracks the peak resident set size of a process during a measurement. The kernel's
 * high-water mark (VmHWM) is reset at the start when allowed (`clear_refs` 5), so that
 * the peak is the measurement's, not the start-up's; VmRSS is also sampled as a fallback.
 */
export class PeakRss {
  private peakKb = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly pid: number) {
    try {
      writeFileSync(`/proc/${pid}/clear_refs`, '5');
    } catch {
      // Not allowed here: VmHWM then includes start-up, still an honest upper bound.
    }
    this.sample();
    this.timer = setInterval(() => this.sample(), 100);
  }

  private sample(): void {
    this.peakKb = Math.max(this.peakKb, statusKb(this.pid, 'VmRSS'));
  }

  /** Stops sampling and returns the peak in megabytes (MiB). */
  stop(): number {
    clearInterval(this.timer);
    this.sample();
    const peakKb = Math.max(this.peakKb, statusKb(this.pid, 'VmHWM'));
    return peakKb / 1024;
  }
}
