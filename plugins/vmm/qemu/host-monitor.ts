import { readFile } from 'node:fs/promises';
import { listQemuProcesses } from './process-table.js';
import { readProcessUsage, readUptimeSeconds, type CpuSampler } from './process-usage.js';

/** The MONITOR_HOST reply. */
export interface HostReport {
  hypervisor: string;
  totalCpu: number;
  usedCpu: number;
  totalMemoryKb: number;
  usedMemoryKb: number;
  deployIds: string[];
}

/** Counts the `processor` lines of /proc/cpuinfo: the logical CPUs the kernel runs. */
export function countProcessors(cpuinfo: string): number {
  return cpuinfo.split('\n').filter((line) => /^processor\s*:/.test(line)).length;
}

/** Reads one `Name:  N kB` value from /proc/meminfo text; throws when it is missing. */
export function readMeminfoKb(meminfo: string, name: string): number {
  const match = new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(meminfo);
  if (match === null) throw new Error(`/proc/meminfo has no ${name} line`);
  return Number(match[1]);
}

/**
 * Measures this machine for MONITOR_HOST. Capacity comes from /proc/cpuinfo and
 * /proc/meminfo. usedCpu is the CPU use of this driver's QEMU processes since the
 * previous report, while usedMemoryKb is the memory in use on the whole machine
 * (MemTotal minus MemAvailable), VMs included. `sampler` must serve only this
 * function, because it keeps one sample per VM between reports.
 */
export async function monitorHost(sampler: CpuSampler): Promise<HostReport> {
  const [cpuinfo, meminfo, processes, now] = await Promise.all([
    readFile('/proc/cpuinfo', 'utf8'),
    readFile('/proc/meminfo', 'utf8'),
    listQemuProcesses(),
    readUptimeSeconds(),
  ]);

  let usedCpu = 0;
  for (const qemu of processes) {
    // A process that exits between the listing and this read uses no CPU any more.
    const usage = await readProcessUsage(qemu.pid).catch(() => undefined);
    if (usage !== undefined) usedCpu += sampler.percent(qemu.deployId, qemu.pid, usage, now);
  }
  sampler.prune(new Set(processes.map((qemu) => qemu.deployId)));

  const totalMemoryKb = readMeminfoKb(meminfo, 'MemTotal');
  return {
    hypervisor: 'qemu',
    totalCpu: countProcessors(cpuinfo) * 100,
    usedCpu: Math.round(usedCpu),
    totalMemoryKb,
    usedMemoryKb: totalMemoryKb - readMeminfoKb(meminfo, 'MemAvailable'),
    deployIds: processes.map((qemu) => qemu.deployId).sort(),
  };
}
