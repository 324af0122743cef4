import type { Demand } from './diagnose.js';

/** Maximum failed demands kept per key. When a key has more, the oldest is dropped. */
const MAX_DEMANDS_PER_KEY = 16;

/**
 * Demands that found no host, per set of candidate hosts. Within a cycle free capacity
 * only shrinks and hosts only reach MAX_HOST, so a VM that needs at least as much CPU,
 * memory and disk as a failed one, from the same candidates, fails too and needs no
 * search. Requirements that read CURRENT_VMS change as VMs are placed, so callers must
 * not record them here.
 */
export class FailureMemo {
  private readonly failures = new Map<string, Demand[]>();

  /** Returns whether an earlier failure with the same key needed no more than `demand`. */
  covers(key: string, demand: Demand): boolean {
    const failed = this.failures.get(key);
    return failed !== undefined && failed.some((earlier) => isCoveredBy(earlier, demand));
  }

  add(key: string, demand: Demand): void {
    // An entry that needed at least as much as this one adds nothing once this one is kept.
    const failed = (this.failures.get(key) ?? []).filter((earlier) => !isCoveredBy(demand, earlier));
    failed.push({ ...demand });
    if (failed.length > MAX_DEMANDS_PER_KEY) failed.shift();
    this.failures.set(key, failed);
  }
}

/** Returns whether `larger` needs at least as much of everything as `smaller`. */
function isCoveredBy(smaller: Demand, larger: Demand): boolean {
  return smaller.cpu <= larger.cpu && smaller.memory <= larger.memory && smaller.diskMb <= larger.diskMb;
}
