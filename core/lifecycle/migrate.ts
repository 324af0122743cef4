import { itemFor } from '../auth/authorizer.js';
import type { Requester } from '../auth/requester.js';
import type { SqlRunner } from '../db/database.js';
import { Errors } from '../errors/catalogue.js';
import { HostState, type HostRecord } from '../pools/records/host-record.js';
import type { VmRecord } from '../pools/records/vm-record.js';
import { LcmState, VmState } from '../vm/states.js';
import type { Flow } from './flow.js';
import type { FlowContext } from './flow-context.js';
import { migrationFlow, type MigrationKind } from './flows.js';
import { stampHistoryTimes } from './history-times.js';
import { missingRoom } from './host-room.js';
import { startsOnPreviousHost } from './migration-placement.js';
import type { LifecycleDependencies, LifecycleManager } from './lifecycle-manager.js';
import { describePosition } from './vm-actions.js';
import { closePlacement, currentHostId, leaveHost, placeOnHost } from './vm-resources.js';
import { historyAction } from './vm-transitions.js';

/** The parameters of `one.vm.migrate`, in their order. */
export interface MigrateRequest {
  vmId: number;
  hostId: number;
  live: boolean;
  /** Whether a target host without room for the VM's CPU and memory is rejected. */
  enforce: boolean;
  /** The system datastore to move to; -1 keeps the current one. */
  datastoreId: number;
  /** 0 save and restore, 1 power off and boot, 2 power off hard and boot. */
  migrationType: number;
}

const MIGRATION_TYPES: readonly MigrationKind[] = ['migrate', 'migrate-poweroff', 'migrate-poweroff-hard'];
const TARGET_HOST_STATES = new Set([HostState.INIT, HostState.MONITORED]);

/** Tells whether the VM's state accepts a migration: any of four states, or only RUNNING for a live one. */
function acceptsMigration(vm: VmRecord, live: boolean): boolean {
  const running = vm.state === VmState.ACTIVE && vm.lcmState === LcmState.RUNNING;
  if (live) return running;
  const unknown = vm.state === VmState.ACTIVE && vm.lcmState === LcmState.UNKNOWN;
  return running || unknown || vm.state === VmState.POWEROFF || vm.state === VmState.SUSPENDED;
}

/** Tells whether the migration needs one VM driver on both hosts, because it moves a saved memory image or a live guest. */
function needsSameDriver(vm: VmRecord, kind: MigrationKind): boolean {
  if (kind === 'live-migrate' || vm.state === VmState.SUSPENDED) return true;
  return kind === 'migrate' && vm.state === VmState.ACTIVE && vm.lcmState === LcmState.RUNNING;
}

/** Checks one migration request inside its transaction. Each rejection names the value and what to do instead. */
class MigrationCheck {
  constructor(
    private readonly deps: LifecycleDependencies,
    private readonly request: MigrateRequest,
    private readonly vm: VmRecord,
  ) {}

  private reject(reason: string): never {
    throw Errors.action(`Cannot migrate VM ${this.vm.id}: ${reason}`, this.vm.id);
  }

  kind(): MigrationKind {
    if (this.request.live) return 'live-migrate';
    const kind = MIGRATION_TYPES[this.request.migrationType];
    if (kind === undefined) {
      this.reject(`migration type ${this.request.migrationType} is not valid; use 0 (save), 1 (poweroff) or 2 (poweroff-hard)`);
    }
    return kind;
  }

  position(): void {
    if (this.vm.operation) this.reject(`it is busy with "${this.vm.operation.name}"; wait for it to finish`);
    if (acceptsMigration(this.vm, this.request.live)) return;

    const accepted = this.request.live ? 'ACTIVE/RUNNING' : 'ACTIVE/RUNNING, ACTIVE/UNKNOWN, POWEROFF or SUSPENDED';
    const hint = this.request.live && acceptsMigration(this.vm, false) ? '; migrate it with live = false' : '';
    this.reject(`it is ${describePosition(this.vm)}, and a ${this.request.live ? 'live ' : ''}migration needs ${accepted}${hint}`);
  }

  datastore(currentDatastoreId: number): void {
    const requested = this.request.datastoreId;
    if (requested === -1 || requested === currentDatastoreId) return;
    this.reject(`moving to system datastore ${requested} is not supported; its folder stays in system datastore ${currentDatastoreId}, so pass -1`);
  }

  target(source: HostRecord, target: HostRecord): void {
    if (source.id === target.id) this.reject(`it already runs on host ${target.id} (${target.name}); choose another host`);
    if (!TARGET_HOST_STATES.has(target.state)) {
      this.reject(`host ${target.id} (${target.name}) is ${HostState[target.state]}; enable it or choose another host`);
    }
    if (this.request.enforce) {
      const problem = missingRoom(target, this.vm);
      if (problem) this.reject(`${problem}; choose another host, or pass enforce = false to overcommit`);
    }
  }

  async drivers(source: HostRecord, target: HostRecord, kind: MigrationKind): Promise<void> {
    if (needsSameDriver(this.vm, kind) && source.vmMad !== target.vmMad) {
      this.reject(
        `host ${source.id} runs VMs with the "${source.vmMad}" driver and host ${target.id} with "${target.vmMad}"; ` +
          'move it powered off instead: live = false with migration type 1',
      );
    }
    if (kind === 'live-migrate' && !(await this.deps.drivers.implements('vmm', source.vmMad, 'MIGRATE'))) {
      this.reject(`the "${source.vmMad}" VM driver of host ${source.id} cannot migrate live; migrate it with live = false`);
    }
  }
}

/**
 * `one.vm.migrate`: an administrator moves a VM to another host. The VM's placement
 * moves at once, in the transaction that checks the request: the source host's share
 * is given back, the target's reserved, and a new history record opens. The flow then
 * runs in the background; a failure before the guest leaves its host puts the VM back
 * on the source host, RUNNING.
 */
export async function migrateVm(manager: LifecycleManager, deps: LifecycleDependencies, requester: Requester, request: MigrateRequest): Promise<number> {
  const store = deps.services.store;
  const { vmId } = request;

  const flow = await store.db.transaction(async (tx): Promise<Flow<FlowContext>> => {
    const vm = await store.vms.require(tx, vmId);
    const target = await store.hosts.require(tx, request.hostId);
    deps.services.authorizer.check(requester, [itemFor('VM', vm, 'ADMIN'), itemFor('HOST', target, 'MANAGE')], vmId);

    const check = new MigrationCheck(deps, request, vm);
    check.position();
    const kind = check.kind();

    const sourceId = currentHostId(vm);
    const placement = vm.history.at(-1);
    if (sourceId === undefined || placement === undefined) throw Errors.action(`Cannot migrate VM ${vmId}: it has no host.`, vmId);
    const source = await store.hosts.require(tx, sourceId);

    check.datastore(placement.dsId);
    check.target(source, target);
    await check.drivers(source, target, kind);

    return movePlacement(tx, deps, vm, target, kind);
  });

  deps.services.log.info('vm.migrate', { vmId, hostId: request.hostId, flow: flow.name, uid: requester.uid });
  manager.startFlow(vmId, flow, 0);
  return vmId;
}

/**
 * Migrates a RUNNING VM with RESCHED = 1 to the host the scheduler chose, inside the
 * scheduler's transaction, by saving and restoring it (OpenNebula's default for
 * rescheduling). Returns the flow to start after the commit, or undefined when the VM
 * or the host changed since the scheduler read them, and the VM stays where it is.
 */
export async function rescheduleVm(tx: SqlRunner, deps: LifecycleDependencies, vm: VmRecord, target: HostRecord): Promise<Flow<FlowContext> | undefined> {
  if (vm.resched !== 1 || vm.operation || !acceptsMigration(vm, true)) return undefined;

  const sourceId = currentHostId(vm);
  if (sourceId === undefined || sourceId === target.id || !TARGET_HOST_STATES.has(target.state)) return undefined;
  if (missingRoom(target, vm) !== undefined) return undefined;

  // A saved memory image can only be restored by the VM driver that wrote it.
  const source = await deps.services.store.hosts.get(tx, sourceId);
  if (!source || source.vmMad !== target.vmMad) return undefined;

  return movePlacement(tx, deps, vm, target, 'migrate');
}

/** Moves the VM's share and history to the target host and records the migration flow as in progress. */
async function movePlacement(tx: SqlRunner, deps: LifecycleDependencies, vm: VmRecord, target: HostRecord, kind: MigrationKind): Promise<Flow<FlowContext>> {
  const store = deps.services.store;
  const now = deps.services.now();
  const from = { state: vm.state, lcmState: vm.lcmState };
  const datastoreId = vm.history.at(-1)?.dsId ?? 0;

  const flow = migrationFlow(kind, from);

  // While the guest may still run on the old host, that host keeps counting the VM.
  if (startsOnPreviousHost(flow.steps[0]?.lcmState as LcmState | undefined)) closePlacement(vm, now, historyAction(kind));
  else await leaveHost(tx, store, vm, now, historyAction(kind));
  await placeOnHost(tx, store, vm, target, datastoreId, now);
  enterFirstStep(vm, flow, now);
  vm.resched = 0;
  vm.operation = { name: kind, step: 0, startedAt: now, from };
  await store.vms.update(tx, vm);
  return flow;
}

/**
 * Puts the VM in the LCM state of the flow's first step before the call returns, as
 * OpenNebula does, so that the next `one.vm.info` already shows the migration.
 */
function enterFirstStep(vm: VmRecord, flow: Flow<FlowContext>, now: number): void {
  const lcmState = flow.steps[0]?.lcmState;
  if (lcmState === undefined) return;

  vm.prevState = vm.state;
  vm.prevLcmState = vm.lcmState;
  vm.state = VmState.ACTIVE;
  vm.lcmState = lcmState as LcmState;
  stampHistoryTimes(vm, vm.lcmState, now);
}
