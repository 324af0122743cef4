/** Decides at a leaf whether the host at that position takes the VM, beyond CPU and memory. */
export interface LeafFilter {
  accept(position: number): boolean;
}

/**
 * Segment tree over hosts in rank order that stores the maximum free CPU and free memory
 * of each range. `findFirst` returns the best-ranked host with enough of both that the
 * filter accepts, and skips every range whose maxima are too small. A host that may not
 * receive more VMs in this cycle has -Infinity in both, so every search skips it.
 */
export class CapacityTree {
  private readonly leaves: number;
  private readonly maxCpu: Float64Array;
  private readonly maxMemory: Float64Array;

  constructor(private readonly length: number) {
    let leaves = 1;
    while (leaves < length) leaves *= 2;

    this.leaves = leaves;
    this.maxCpu = new Float64Array(2 * leaves).fill(-Infinity);
    this.maxMemory = new Float64Array(2 * leaves).fill(-Infinity);
  }

  /** Sets one leaf and updates its ancestors: O(log n). */
  set(position: number, cpu: number, memory: number): void {
    let node = this.leaves + position;
    this.maxCpu[node] = cpu;
    this.maxMemory[node] = memory;

    for (node >>= 1; node >= 1; node >>= 1) {
      this.pull(node);
    }
  }

  /** Sets every leaf from the functions and rebuilds the inner nodes: O(n). */
  fill(cpuAt: (position: number) => number, memoryAt: (position: number) => number): void {
    for (let position = 0; position < this.length; position++) {
      this.maxCpu[this.leaves + position] = cpuAt(position);
      this.maxMemory[this.leaves + position] = memoryAt(position);
    }

    for (let node = this.leaves - 1; node >= 1; node--) {
      this.pull(node);
    }
  }

  /** Returns the lowest position with at least `cpu` and `memory` free that the filter accepts, or -1. */
  findFirst(cpu: number, memory: number, filter: LeafFilter): number {
    return this.search(1, cpu, memory, filter);
  }

  private search(node: number, cpu: number, memory: number, filter: LeafFilter): number {
    if (this.maxCpu[node] < cpu || this.maxMemory[node] < memory) return -1;

    if (node >= this.leaves) {
      const position = node - this.leaves;
      return filter.accept(position) ? position : -1;
    }

    const left = this.search(2 * node, cpu, memory, filter);
    return left >= 0 ? left : this.search(2 * node + 1, cpu, memory, filter);
  }

  private pull(node: number): void {
    this.maxCpu[node] = Math.max(this.maxCpu[2 * node], this.maxCpu[2 * node + 1]);
    this.maxMemory[node] = Math.max(this.maxMemory[2 * node], this.maxMemory[2 * node + 1]);
  }
}
