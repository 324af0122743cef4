import type { HostTable } from './host-table.js';
import type { CapacityReservation, PendingVm, SchedulerDatastore } from './types.js';

/** The system datastore with the most free space for one host, and that space in MiB. */
export interface DatastoreSpace {
  datastore: SchedulerDatastore;
  freeMb: number;
}

/**
 * Free space of the system datastores, which shrinks as VMs are placed. A host can use
 * the datastores of its cluster. Among those with room, the one with the most free space
 * is chosen, which is OpenNebula's default storage policy (DEFAULT_DS_SCHED striping,
 * rank FREE_MB in `SchedulerTemplate::get_ds_policy`). OpenNebula ranks datastores by their space at the start of the cycle,
 * and this table uses the space that remains. Ties go to the lower datastore ID.
 */
export class DatastoreTable {
  private readonly datastores: SchedulerDatastore[];
  private readonly sharedFree: Float64Array;
  private readonly byCluster = new Map<number, number[]>();
  /** Free MiB of non-shared datastores, one map per host index, keyed by datastore ID. */
  private readonly localFree: Array<Map<number, number>>;
  private readonly indexById = new Map<number, number>();

  constructor(
    datastores: readonly SchedulerDatastore[],
    private readonly hosts: HostTable,
    reservations: readonly CapacityReservation[],
  ) {
    this.datastores = [...datastores].sort((a, b) => a.id - b.id);
    this.sharedFree = Float64Array.from(this.datastores, (datastore) => datastore.freeMb);

    this.datastores.forEach((datastore, index) => {
      this.indexById.set(datastore.id, index);
      for (const clusterId of datastore.clusterIds) {
        const list = this.byCluster.get(clusterId);
        if (list) list.push(index);
        else this.byCluster.set(clusterId, [index]);
      }
    });

    this.localFree = hosts.hosts.map((host) => new Map((host.localDatastores ?? []).map((local) => [local.id, local.freeMb])));
    for (const reservation of reservations) this.addReservation(reservation);
  }

  /**
   * Returns the datastore ID for the VM on the host, or -1 when none has room. A RESCHED
   * VM keeps its datastore, which must serve the host's cluster. Its space is checked
   * only when the datastore is not shared, because on a shared one the VM's files stay.
   */
  choose(hostIndex: number, vm: PendingVm): number {
    if (vm.resched) return this.chooseForResched(hostIndex, vm.resched.datastoreId, vm.systemDiskMb);

    const best = this.bestIndex(hostIndex);
    return best >= 0 && vm.systemDiskMb <= this.freeOf(hostIndex, best) ? this.datastores[best].id : -1;
  }

  /** Takes the VM's system disk from the datastore. A RESCHED VM on a shared datastore takes nothing. */
  reserve(hostIndex: number, datastoreId: number, vm: PendingVm): void {
    const index = this.indexById.get(datastoreId);
    if (index === undefined) return;

    const datastore = this.datastores[index];
    if (datastore.shared) {
      if (!vm.resched) this.sharedFree[index] -= vm.systemDiskMb;
      return;
    }

    const local = this.localFree[hostIndex];
    local.set(datastoreId, (local.get(datastoreId) ?? 0) - vm.systemDiskMb);
  }

  /** Returns the datastore with the most free space that the host can use, or undefined when its cluster has none. */
  largestFree(hostIndex: number): DatastoreSpace | undefined {
    const best = this.bestIndex(hostIndex);
    return best < 0 ? undefined : { datastore: this.datastores[best], freeMb: this.freeOf(hostIndex, best) };
  }

  /** Index of the datastore with the most free space for the host (lowest ID on ties), or -1. */
  private bestIndex(hostIndex: number): number {
    const candidates = this.byCluster.get(this.hosts.hosts[hostIndex].clusterId);
    if (!candidates) return -1;

    let best = -1;
    let bestFree = -Infinity;
    for (const index of candidates) {
      const freeMb = this.freeOf(hostIndex, index);
      if (freeMb > bestFree) {
        best = index;
        bestFree = freeMb;
      }
    }
    return best;
  }

  private chooseForResched(hostIndex: number, datastoreId: number, diskMb: number): number {
    const index = this.indexById.get(datastoreId);
    if (index === undefined) return -1;

    const datastore = this.datastores[index];
    if (!datastore.clusterIds.includes(this.hosts.hosts[hostIndex].clusterId)) return -1;
    if (datastore.shared) return datastoreId;
    return diskMb <= this.freeOf(hostIndex, index) ? datastoreId : -1;
  }

  private freeOf(hostIndex: number, datastoreIndex: number): number {
    const datastore = this.datastores[datastoreIndex];
    if (datastore.shared) return this.sharedFree[datastoreIndex];
    return this.localFree[hostIndex].get(datastore.id) ?? 0;
  }

  private addReservation(reservation: CapacityReservation): void {
    if (reservation.datastoreId === undefined || !reservation.systemDiskMb) return;

    const index = this.indexById.get(reservation.datastoreId);
    if (index === undefined) return;

    if (this.datastores[index].shared) {
      this.sharedFree[index] -= reservation.systemDiskMb;
      return;
    }

    const hostIndex = this.hosts.indexById.get(reservation.hostId);
    if (hostIndex === undefined) return;
    const local = this.localFree[hostIndex];
    local.set(reservation.datastoreId, (local.get(reservation.datastoreId) ?? 0) - reservation.systemDiskMb);
  }
}
