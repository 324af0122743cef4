import type { SqlRunner } from '../db/database.js';
import type { HostRecord } from '../pools/records/host-record.js';
import { ImageState } from '../pools/records/image-record.js';
import type { HistoryRecord, VmRecord } from '../pools/records/vm-record.js';
import type { Store } from '../pools/store.js';

/** A VM's demand on a host: CPU in percent of one core, memory in KiB, as HOST_SHARE counts them. */
export function hostDemand(vm: VmRecord): { cpu: number; memory: number } {
  return {
    cpu: Math.round(Number(vm.template.get('CPU') ?? '0') * 100),
    memory: Number(vm.template.get('MEMORY') ?? '0') * 1024,
  };
}

/** Reserves the VM's CPU and memory in the host's share and lists it among the host's VMs. */
export async function addShare(tx: SqlRunner, store: Store, vm: VmRecord, host: HostRecord): Promise<void> {
  const demand = hostDemand(vm);
  host.share.cpuUsage += demand.cpu;
  host.share.memUsage += demand.memory;
  host.share.runningVms += 1;
  if (!host.vms.includes(vm.id)) host.vms = [...host.vms, vm.id].sort((a, b) => a - b);
  await store.hosts.update(tx, host);
}

/** Gives the VM's CPU and memory back to the host and removes it from the host's VMs; a deleted host is skipped. */
export async function releaseShare(tx: SqlRunner, store: Store, vm: VmRecord, hostId: number): Promise<void> {
  const host = await store.hosts.get(tx, hostId);
  if (!host) return;

  const demand = hostDemand(vm);
  host.share.cpuUsage = Math.max(0, host.share.cpuUsage - demand.cpu);
  host.share.memUsage = Math.max(0, host.share.memUsage - demand.memory);
  host.share.runningVms = Math.max(0, host.share.runningVms - 1);
  host.vms = host.vms.filter((id) => id !== vm.id);
  await store.hosts.update(tx, host);
}

/** Opens a history record for a placement of the VM on the host, with the system datastore's transfer driver. */
export async function openPlacement(tx: SqlRunner, store: Store, vm: VmRecord, host: HostRecord, systemDatastoreId: number, now: number): Promise<void> {
  const systemDatastore = await store.datastores.get(tx, systemDatastoreId);
  const history: HistoryRecord = {
    seq: vm.history.length,
    hostname: host.name,
    hid: host.id,
    cid: host.clusterId,
    stime: now,
    etime: 0,
    vmMad: host.vmMad,
    tmMad: systemDatastore?.tmMad ?? '',
    dsId: systemDatastoreId,
    pstime: now,
    petime: 0,
    rstime: 0,
    retime: 0,
    estime: 0,
    eetime: 0,
    action: 0,
    uid: -1,
    gid: -1,
    reqId: -1,
  };
  vm.history = [...vm.history, history];
}

/** Closes the VM's open history record with the action that ended it; the running and epilog times end too. */
export function closePlacement(vm: VmRecord, now: number, action: number): void {
  const last = vm.history.at(-1);
  if (!last || last.etime !== 0) return;

  const retime = last.rstime !== 0 && last.retime === 0 ? now : last.retime;
  const eetime = last.estime !== 0 ? now : last.eetime;
  vm.history = [...vm.history.slice(0, -1), { ...last, etime: now, retime, eetime, action }];
}

/**
 * Places the VM on the host inside `tx`: reserves its CPU and memory in the host's
 * share, lists it among the host's VMs and opens a history record.
 */
export async function placeOnHost(tx: SqlRunner, store: Store, vm: VmRecord, host: HostRecord, systemDatastoreId: number, now: number): Promise<void> {
  await addShare(tx, store, vm, host);
  await openPlacement(tx, store, vm, host, systemDatastoreId, now);
}

/** The host the VM was last placed on, or undefined when it never left PENDING. */
export function currentHostId(vm: VmRecord): number | undefined {
  const last = vm.history.at(-1);
  return last && last.etime === 0 ? last.hid : undefined;
}

/** Gives the VM's CPU and memory back to its host and closes its history record. */
export async function leaveHost(tx: SqlRunner, store: Store, vm: VmRecord, now: number, action: number): Promise<void> {
  const hostId = currentHostId(vm);
  if (hostId === undefined) return;

  await releaseShare(tx, store, vm, hostId);
  closePlacement(vm, now, action);
}

/** Releases the VM's images: RUNNING_VMS and VMS go down, and an unused image is READY again. */
export async function releaseImages(tx: SqlRunner, store: Store, vm: VmRecord): Promise<void> {
  const imageIds = new Set(vm.template.getVectors('DISK').map((disk) => disk.get('IMAGE_ID')).filter((id) => id !== undefined));

  for (const id of imageIds) {
    const image = await store.images.get(tx, Number(id));
    if (!image || !image.vms.includes(vm.id)) continue;

    image.vms = image.vms.filter((vmId) => vmId !== vm.id);
    image.runningVms = image.vms.length;
    if (image.runningVms === 0 && (image.state === ImageState.USED || image.state === ImageState.USED_PERS)) {
      image.state = ImageState.READY;
    }
    await store.images.update(tx, image);
  }
}
