import { readFile } from 'node:fs/promises';

/**
 * Clock ticks per second in /proc/<pid>/stat. Node.js cannot call sysconf(_SC_CLK_TCK);
 * Linux reports 100 to user space on x86_64 whatever its internal HZ.
 */
const CLOCK_TICKS_PER_SECOND = 100;

/** CPU and memory use of one process, read from /proc. */
export interface ProcessUsage {
  /** User plus system CPU time, in seconds. */
  cpuSeconds: number;
  /** Start time, in seconds after the machine booted. */
  startedAtSeconds: number;
  /** Resident memory (VmRSS), in KiB. */
  residentKb: number;
}

/** Reads the CPU time and resident memory of `pid`; throws when the process is gone. */
export async function readProcessUsage(pid: number): Promise<ProcessUsage> {
  const [stat, status] = await Promise.all([readFile(`/proc/${pid}/stat`, 'utf8'), readFile(`/proc/${pid}/status`, 'utf8')]);

  // The command name in brackets may contain spaces, so the fields are counted from the last ')'.
  // After it come field 3 (state) onwards: utime is field 14, stime 15, starttime 22.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const userTicks = Number(fields[14 - 3]);
  const systemTicks = Number(fields[15 - 3]);
  const startTicks = Number(fields[22 - 3]);

  const rss = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  return {
    cpuSeconds: (userTicks + systemTicks) / CLOCK_TICKS_PER_SECOND,
    startedAtSeconds: startTicks / CLOCK_TICKS_PER_SECOND,
    residentKb: rss === null ? 0 : Number(rss[1]),
  };
}

/** Reads the seconds since the machine booted from /proc/uptime. */
export async function readUptimeSeconds(): Promise<number> {
  const text = await readFile('/proc/uptime', 'utf8');
  return Number(text.split(' ')[0]);
}

interface CpuSample {
  pid: number;
  cpuSeconds: number;
  atSeconds: number;
}

/**
 * Turns CPU times into CPU use in percent of one core. Each process's use is
 * measured since its previous sample, or since the process started for the
 * first sample and after a restart under a new pid.
 */
export class CpuSampler {
  private readonly samples = new Map<string, CpuSample>();

  /** Returns the CPU use of the process `key` (a deployId) since its previous sample, rounded to 0.1 %. */
  percent(key: string, pid: number, usage: ProcessUsage, nowSeconds: number): number {
    const previous = this.samples.get(key);
    this.samples.set(key, { pid, cpuSeconds: usage.cpuSeconds, atSeconds: nowSeconds });

    const since = previous !== undefined && previous.pid === pid ? previous : { cpuSeconds: 0, atSeconds: usage.startedAtSeconds };
    const elapsed = nowSeconds - since.atSeconds;
    if (elapsed <= 0) return 0;

    const percent = ((usage.cpuSeconds - since.cpuSeconds) / elapsed) * 100;
    return Math.max(0, Math.round(percent * 10) / 10);
  }

  forget(key: string): void {
    this.samples.delete(key);
  }

  /** Forgets the processes whose key is not in `keep`. */
  prune(keep: ReadonlySet<string>): void {
    for (const key of this.samples.keys()) if (!keep.has(key)) this.samples.delete(key);
  }
}
