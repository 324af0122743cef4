import { CapacityTree, type LeafFilter } from './capacity-tree.js';
import type { CompiledRank } from './expression/rank.js';
import type { HostTable } from './host-table.js';

/** Decides whether the host (by index in the HostTable) takes the VM, beyond CPU and memory. */
export interface HostFilter {
  accept(hostIndex: number): boolean;
}

/**
 * All schedulable hosts sorted by one rank expression, highest rank first and lower host
 * ID first on ties, with a capacity tree over that order. OpenNebula ranks the hosts for
 * every VM before it dispatches any (`Scheduler.cc`, `RankPolicy.h`), so ranks see the
 * host values at the start of the cycle, and so do they here. That matters only when
 * MAX_HOST lets a host take several VMs in one cycle.
 */
export class RankOrder implements LeafFilter {
  /** Host index at each position. */
  readonly order: Int32Array;
  /** Position of each host index. */
  readonly position: Int32Array;

  private readonly tree: CapacityTree;
  private appliedChanges: number;
  private currentFilter: HostFilter | undefined;

  constructor(
    private readonly hosts: HostTable,
    rank: CompiledRank,
  ) {
    const ranks = Float64Array.from(hosts.attributes, (attributes) => {
      const value = rank.evaluate(attributes);
      return Number.isNaN(value) ? -Infinity : value;
    });

    const indices = Array.from({ length: hosts.size }, (_, index) => index);
    indices.sort((a, b) => ranks[b] - ranks[a] || hosts.hosts[a].id - hosts.hosts[b].id);

    this.order = Int32Array.from(indices);
    this.position = new Int32Array(hosts.size);
    this.order.forEach((hostIndex, position) => {
      this.position[hostIndex] = position;
    });

    this.tree = new CapacityTree(hosts.size);
    this.appliedChanges = hosts.changes.length;
    this.refill();
  }

  /**
   * Returns the index of the best-ranked host that is below MAX_HOST, has `cpu` percent
   * and `memory` KiB free, and that the filter accepts, or -1.
   */
  findFirst(cpu: number, memory: number, filter: HostFilter): number {
    this.catchUp();
    this.currentFilter = filter;

    const position = this.tree.findFirst(cpu, memory, this);
    this.currentFilter = undefined;
    return position < 0 ? -1 : this.order[position];
  }

  accept(position: number): boolean {
    return this.currentFilter!.accept(this.order[position]);
  }

  /** Applies the host changes made since the last search. Many changes cost one O(n) rebuild. */
  private catchUp(): void {
    const changes = this.hosts.changes;
    const pending = changes.length - this.appliedChanges;
    if (pending === 0) return;

    if (pending > this.hosts.size / 8) {
      this.refill();
    } else {
      for (let change = this.appliedChanges; change < changes.length; change++) {
        const hostIndex = changes[change];
        this.tree.set(this.position[hostIndex], this.cpuOf(hostIndex), this.memoryOf(hostIndex));
      }
    }
    this.appliedChanges = changes.length;
  }

  private refill(): void {
    this.tree.fill(
      (position) => this.cpuOf(this.order[position]),
      (position) => this.memoryOf(this.order[position]),
    );
  }

  private cpuOf(hostIndex: number): number {
    return this.hosts.isOpen(hostIndex) ? this.hosts.freeCpu[hostIndex] : -Infinity;
  }

  private memoryOf(hostIndex: number): number {
    return this.hosts.isOpen(hostIndex) ? this.hosts.freeMemory[hostIndex] : -Infinity;
  }
}
