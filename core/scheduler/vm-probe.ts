import type { DatastoreTable } from './datastore-table.js';
import type { HostTable } from './host-table.js';
import type { HostFilter } from './rank-order.js';
import type { RequirementFilter } from './requirement-filter.js';
import type { PendingVm } from './types.js';

/**
 * The checks besides CPU, memory and MAX_HOST that a host must pass for the VM being
 * scheduled: not the current host of a RESCHED VM, the requirements, and a system
 * datastore with room. One probe serves every VM of a cycle, so searches allocate nothing.
 */
export class VmProbe implements HostFilter {
  /** The datastore chosen by the last accepted host. */
  datastoreId = -1;

  private vm: PendingVm | undefined;
  private filter: RequirementFilter | undefined;

  constructor(
    private readonly hosts: HostTable,
    private readonly datastores: DatastoreTable,
  ) {}

  /** Prepares the probe for the next VM. */
  reset(vm: PendingVm, filter: RequirementFilter): void {
    this.vm = vm;
    this.filter = filter;
    this.datastoreId = -1;
  }

  accept(hostIndex: number): boolean {
    const vm = this.vm!;
    if (vm.resched && this.hosts.hosts[hostIndex].id === vm.resched.hostId) return false;
    if (!this.filter!.matchesNow(hostIndex)) return false;

    const datastoreId = this.datastores.choose(hostIndex, vm);
    if (datastoreId < 0) return false;

    this.datastoreId = datastoreId;
    return true;
  }
}
