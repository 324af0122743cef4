import type { SqlRunner } from '../db/database.js';
import type { VmRecord } from '../pools/records/vm-record.js';
import type { Store } from '../pools/store.js';
import { LcmState, VmState } from '../vm/states.js';
import { closePlacement, currentHostId, openPlacement, releaseShare } from './vm-resources.js';

/**
 * Host shares during a migration, as OpenNebula keeps them. While the guest still runs
 * on the host it leaves (SAVE_MIGRATE, MIGRATE), both hosts count the VM: the old host
 * until the guest has left it, the new host from the moment the migration is accepted.
 * The old host also keeps the VM in its VMS list, so it cannot be deleted meanwhile.
 * The VM's history already shows the new placement, and the previous record the old one.
 */

/** LCM states in which the guest may still run on the host the migration leaves. */
const LEAVING_STATES = new Set<LcmState>([LcmState.SAVE_MIGRATE, LcmState.MIGRATE]);

/** Tells whether the VM is in a migration step while its old host still counts it. */
export function isLeavingPreviousHost(vm: VmRecord): boolean {
  return vm.state === VmState.ACTIVE && LEAVING_STATES.has(vm.lcmState) && vm.history.length >= 2;
}

/** Tells whether a migration that starts in `lcmState` keeps the VM on its old host's share at first. */
export function startsOnPreviousHost(lcmState: LcmState | undefined): boolean {
  return lcmState !== undefined && LEAVING_STATES.has(lcmState);
}

/** Gives the old host's share back, once the guest has left it; does nothing for a VM that is not leaving a host. */
export async function releasePreviousHost(tx: SqlRunner, store: Store, vm: VmRecord): Promise<void> {
  if (!isLeavingPreviousHost(vm)) return;
  const previous = vm.history.at(-2);
  if (previous) await releaseShare(tx, store, vm, previous.hid);
}

/**
 * Moves a VM whose migration failed before the guest left its old host back there. The
 * new host's share is given back and its record closed with the migration's action. A
 * new record opens on the old host, whose share still counts the VM, so the history
 * shows the attempt. Nothing happens for a VM that is not leaving a host.
 */
export async function returnToPreviousHost(tx: SqlRunner, store: Store, vm: VmRecord, now: number): Promise<void> {
  const previous = vm.history.at(-2);
  const targetId = currentHostId(vm);
  if (!isLeavingPreviousHost(vm) || !previous || targetId === undefined) return;

  const source = await store.hosts.get(tx, previous.hid);
  if (!source) return;

  await releaseShare(tx, store, vm, targetId);
  closePlacement(vm, now, previous.action);
  await openPlacement(tx, store, vm, source, previous.dsId, now);

  // The guest never stopped running there, so the new record starts with its running time.
  const reopened = vm.history.at(-1);
  if (reopened) vm.history = [...vm.history.slice(0, -1), { ...reopened, petime: now, rstime: now }];
}
