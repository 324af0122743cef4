import path from 'node:path';
import { itemFor } from '../auth/authorizer.js';
import type { Requester } from '../auth/requester.js';
import type { SqlRunner } from '../db/database.js';
import type { DriverManager } from '../drivers/runtime/index.js';
import { Errors } from '../errors/catalogue.js';
import { DatastoreType, type DatastoreRecord } from '../pools/records/datastore-record.js';
import { HostState, type HostRecord } from '../pools/records/host-record.js';
import { withBufferedWrites } from '../pools/buffered-runner.js';
import type { VmRecord } from '../pools/records/vm-record.js';
import type { CoreServices } from '../services/core-services.js';
import type { VmLog } from '../vm-log/index.js';
import { VmState } from '../vm/states.js';
import type { Flow } from './flow.js';
import type { FlowContext } from './flow-context.js';
import { runFlow } from './flow-runner.js';
import { deployFlow, planAction, type ActionPlan } from './flows.js';
import { missingRoom } from './host-room.js';
import { migrateVm, rescheduleVm, type MigrateRequest } from './migrate.js';
import { recoverVm } from './recover.js';
import { FlowDetachedError, VmFlowRecorder } from './vm-flow-recorder.js';
import { ACTION_ALLOWED_FROM, actionPermission, describePosition, isVmAction } from './vm-actions.js';
import { enterState } from './vm-transitions.js';
import { placeOnHost } from './vm-resources.js';

export interface LifecycleDependencies {
  services: CoreServices;
  drivers: DriverManager;
  vmLog: VmLog;
}

const SYSTEM_DATASTORE_ID = 0;
const DEPLOYABLE_HOST_STATES = new Set([HostState.INIT, HostState.MONITORED]);

/** A flow running in this process, and the recorder that writes its progress. */
interface RunningFlow {
  task: Promise<void>;
  recorder: VmFlowRecorder;
}

/** Returns `drivers` as a flow's steps see it: once the flow is detached, every call fails before reaching a driver. */
function driversFor(drivers: DriverManager, recorder: VmFlowRecorder, vmId: number): DriverManager {
  return new Proxy(drivers, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (property !== 'call' || typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (recorder.detached) return Promise.reject(new Error(`no driver call for VM ${vmId}: one.vm.recover took the VM over`));
        return value.apply(target, args) as unknown;
      };
    },
  });
}

/**
 * Runs VM operations: checks that an action is allowed, records the flow it starts
 * with the VM, and runs the flow's driver steps in the background. One flow at a time
 * runs per VM; the API call returns as soon as the flow is recorded, as in OpenNebula.
 */
export class LifecycleManager {
  private readonly running = new Map<number, RunningFlow>();

  constructor(private readonly deps: LifecycleDependencies) {}

  private get store() {
    return this.deps.services.store;
  }

  /** `one.vm.action`. */
  async action(requester: Requester, name: string, vmId: number): Promise<number> {
    if (!isVmAction(name)) throw Errors.action(`Action "${name}" is not supported.`, vmId);

    const flow = await this.store.db.transaction(async (tx) => {
      const vm = await this.store.vms.require(tx, vmId);
      this.deps.services.authorizer.check(requester, [itemFor('VM', vm, actionPermission(name))], vmId);
      this.checkIdle(vm);
      if (!ACTION_ALLOWED_FROM[name](vm)) {
        throw Errors.action(`Action "${name}" is not supported for VM ${vmId} in state ${describePosition(vm)}.`, vmId);
      }
      return this.apply(tx, vm, planAction(name, vm), name);
    });

    if (flow) this.startFlow(vmId, flow, 0);
    return vmId;
  }

  /** `one.vm.recover`: `recover.ts` describes the operations. */
  async recover(requester: Requester, vmId: number, operation: number): Promise<number> {
    return recoverVm(this, this.deps, requester, vmId, operation);
  }

  /**
   * Moves a RUNNING VM with RESCHED = 1 to the host the scheduler chose, inside `tx`.
   * Returns the migration flow to start after the commit, or undefined when the VM or
   * the host changed since the scheduler read them.
   */
  async reschedule(tx: SqlRunner, vm: VmRecord, host: HostRecord): Promise<Flow<FlowContext> | undefined> {
    return rescheduleVm(tx, this.deps, vm, host);
  }

  /** `one.vm.migrate`: `migrate.ts` describes the checks and flows. */
  async migrate(requester: Requester, request: MigrateRequest): Promise<number> {
    return migrateVm(this, this.deps, requester, request);
  }

  /**
   * `one.vm.deploy`: an administrator places a PENDING or HOLD VM on a host. With
   * `enforce`, a host without room for the VM's CPU and memory is rejected. The VM's
   * folder goes to system datastore 0, the only one accepted (-1 means the default).
   */
  async deploy(requester: Requester, vmId: number, hostId: number, enforce = false, datastoreId = -1): Promise<number> {
    const flow = await this.store.db.transaction(async (tx) => {
      const vm = await this.store.vms.require(tx, vmId);
      const host = await this.store.hosts.require(tx, hostId);
      this.deps.services.authorizer.check(requester, [itemFor('VM', vm, 'ADMIN'), itemFor('HOST', host, 'MANAGE')], vmId);
      this.checkIdle(vm);
      if (vm.state !== VmState.PENDING && vm.state !== VmState.HOLD) {
        throw Errors.action(`VM ${vmId} is in state ${describePosition(vm)}; only PENDING or HOLD VMs can be deployed.`, vmId);
      }
      if (datastoreId !== -1 && datastoreId !== SYSTEM_DATASTORE_ID) {
        throw Errors.action(`Cannot deploy VM ${vmId} to system datastore ${datastoreId}: VM folders go to system datastore ${SYSTEM_DATASTORE_ID}; pass -1.`, vmId);
      }
      const problem = enforce ? missingRoom(host, vm) : undefined;
      if (problem) throw Errors.action(`Cannot deploy VM ${vmId}: ${problem}; choose another host, or pass enforce = false to overcommit.`, vmId);
      return this.dispatch(tx, vm, host);
    });

    this.startFlow(vmId, flow, 0);
    return vmId;
  }

  /**
   * Places a VM on a host inside `tx`, for `deploy` and the scheduler: checks the host,
   * reserves the capacity and records the deploy flow. Start the returned flow after
   * the transaction commits.
   */
  async dispatch(tx: SqlRunner, vm: VmRecord, host: HostRecord): Promise<Flow<FlowContext>> {
    const flow = await this.placeForDeploy(tx, vm, host);
    await this.store.vms.update(tx, vm);
    return flow;
  }

  /**
   * Places many VMs inside `tx`, as `dispatch` places each, for the scheduler. The
   * writes are buffered (`withBufferedWrites`), so each VM and each host is written
   * once, a few dozen rows per statement. Several placements may name the same host
   * record, which then accumulates their reservations. Start the returned flows, in the
   * order of `placements`, after the transaction commits.
   */
  async dispatchMany(tx: SqlRunner, placements: ReadonlyArray<{ vm: VmRecord; host: HostRecord }>): Promise<Array<Flow<FlowContext>>> {
    return withBufferedWrites(tx, async (buffered) => {
      const flows: Array<Flow<FlowContext>> = [];
      for (const { vm, host } of placements) flows.push(await this.placeForDeploy(buffered, vm, host));
      await this.store.vms.updateMany(buffered, placements.map((placement) => placement.vm));
      return flows;
    });
  }

  /** Checks the host, reserves the capacity and sets the deploy flow as the VM's operation; the caller writes the VM. */
  private async placeForDeploy(tx: SqlRunner, vm: VmRecord, host: HostRecord): Promise<Flow<FlowContext>> {
    if (!DEPLOYABLE_HOST_STATES.has(host.state)) {
      throw Errors.action(`Host ${host.id} (${host.name}) is ${HostState[host.state]}; enable it or choose another host.`, vm.id);
    }
    const flow = deployFlow(vm.parked);
    await placeOnHost(tx, this.store, vm, host, SYSTEM_DATASTORE_ID, this.deps.services.now());
    vm.operation = { name: flow.name, step: 0, startedAt: this.deps.services.now() };
    return flow;
  }

  /** Resolves once every flow started so far has finished. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()].map((flow) => flow.task));
  }

  /** Starts `flow` for the VM in the background; every failure ends in the VM's log and state. */
  startFlow(vmId: number, flow: Flow<FlowContext>, startAt: number): void {
    const recorder = new VmFlowRecorder(this.deps, vmId);
    const task = this.runFlowFor(vmId, flow, startAt, recorder)
      .catch((error: unknown) => {
        if (error instanceof FlowDetachedError) this.deps.services.log.info('vm.flow_detached', { vmId, flow: flow.name });
        else this.deps.services.log.internalError({ vmId, flow: flow.name }, error);
      })
      .finally(() => {
        if (this.running.get(vmId)?.recorder === recorder) this.running.delete(vmId);
      });
    this.running.set(vmId, { task, recorder });
  }

  /**
   * Detaches the flow running for the VM, if any, so that it records nothing more,
   * calls no more drivers and is no longer awaited by `idle`. A driver call already
   * sent still runs to its end.
   */
  detachFlow(vmId: number): void {
    const flow = this.running.get(vmId);
    if (!flow) return;
    flow.recorder.detach();
    this.running.delete(vmId);
  }

  private async runFlowFor(vmId: number, flow: Flow<FlowContext>, startAt: number, recorder: VmFlowRecorder): Promise<void> {
    const context = await this.contextFor(vmId, recorder);
    await runFlow(flow, context, recorder, startAt);
  }

  private async contextFor(vmId: number, recorder: VmFlowRecorder): Promise<FlowContext> {
    const vm = await this.store.vms.require(this.store.db, vmId);
    const hostId = vm.history.at(-1)?.hid;
    if (hostId === undefined) throw new Error(`VM ${vmId} has no host in its history`);

    const host = await this.store.hosts.require(this.store.db, hostId);
    const systemDatastore = await this.systemDatastore();
    return {
      vm,
      host,
      previousHost: () => this.previousHostOf(vm),
      systemDatastore,
      vmDir: path.join(systemDatastore.basePath, String(vmId)),
      drivers: driversFor(this.deps.drivers, recorder, vmId),
      saveDeployId: (deployId) => this.saveDeployId(vmId, deployId),
    };
  }

  private async previousHostOf(vm: VmRecord): Promise<HostRecord> {
    const previous = vm.history.at(-2);
    if (!previous) throw new Error(`VM ${vm.id} has no previous host in its history`);
    return this.store.hosts.require(this.store.db, previous.hid);
  }

  private async systemDatastore(): Promise<DatastoreRecord> {
    const datastore = await this.store.datastores.require(this.store.db, SYSTEM_DATASTORE_ID);
    if (datastore.type !== DatastoreType.SYSTEM_DS) throw new Error(`datastore ${SYSTEM_DATASTORE_ID} is not a system datastore`);
    return datastore;
  }

  private async saveDeployId(vmId: number, deployId: string): Promise<void> {
    await this.store.db.transaction(async (tx) => {
      const vm = await this.store.vms.require(tx, vmId);
      vm.deployId = deployId;
      await this.store.vms.update(tx, vm);
    });
  }

  private checkIdle(vm: VmRecord): void {
    if (vm.operation) {
      throw Errors.action(`VM ${vm.id} is busy with "${vm.operation.name}"; wait for it to finish.`, vm.id);
    }
  }

  private async apply(tx: SqlRunner, vm: VmRecord, plan: ActionPlan, name: string): Promise<Flow<FlowContext> | undefined> {
    if (plan.kind === 'flow') {
      const from = { state: vm.state, lcmState: vm.lcmState };
      vm.operation = { name: plan.flow.name, step: 0, startedAt: this.deps.services.now(), from };
      await this.store.vms.update(tx, vm);
      return plan.flow;
    }

    if (plan.resched !== undefined) vm.resched = plan.resched;
    if (plan.parked !== undefined) vm.parked = plan.parked;
    await enterState(tx, this.store, vm, plan.position, name, this.deps.services.now());
    await this.store.vms.update(tx, vm);
    return undefined;
  }
}
