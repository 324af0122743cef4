const KIB_PER_MB = 1024;
const KIB_PER_GB = 1024 * 1024;

/**
 * Formats a memory or disk size given in KiB, in the GB and MB (powers of 1024) that
 * OpenNebula's MEMORY attribute and Sunstone use. A needed amount rounds up and an
 * available amount rounds down, so "needed" never prints equal to a smaller "free".
 */
export function formatNeededSize(kib: number): string {
  return formatSize(kib, Math.ceil);
}

export function formatAvailableSize(kib: number): string {
  return formatSize(Math.max(0, kib), Math.floor);
}

/** Formats CPU given in percent of one core as physical CPUs, the unit of the CPU attribute: 150 is "1.5 CPU". */
export function formatNeededCpu(percent: number): string {
  return `${roundTo(percent / 100, 2, Math.ceil)} CPU`;
}

export function formatAvailableCpu(percent: number): string {
  return `${roundTo(Math.max(0, percent) / 100, 2, Math.floor)} CPU`;
}

/** Returns "1 VM" or "3 VMs". */
export function countVms(count: number): string {
  return count === 1 ? '1 VM' : `${count} VMs`;
}

/** Returns "1 host" or "3 hosts". */
export function countHosts(count: number): string {
  return count === 1 ? '1 host' : `${count} hosts`;
}

function formatSize(kib: number, round: (value: number) => number): string {
  if (kib >= KIB_PER_GB) return `${roundTo(kib / KIB_PER_GB, 1, round)} GB`;
  if (kib >= KIB_PER_MB) return `${roundTo(kib / KIB_PER_MB, 0, round)} MB`;
  return `${roundTo(kib, 0, round)} KB`;
}

function roundTo(value: number, decimals: number, round: (value: number) => number): number {
  const scale = 10 ** decimals;
  // The small offset keeps float noise such as 16.000000000000004 from rounding up to 16.1.
  const nudged = round === Math.ceil ? value * scale - 1e-9 : value * scale + 1e-9;
  return round(nudged) / scale;
}
