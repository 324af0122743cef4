import path from 'node:path';
import { itemFor } from '../auth/authorizer.js';
import type { Requester } from '../auth/requester.js';
import type { SqlRunner } from '../db/database.js';
import type { DriverManager } from '../drivers/runtime/index.js';
import { Errors } from '../errors/catalogue.js';
import { DatastoreType, type DatastoreRecord } from '../pools/records/datastore-record.js';
import { HostState, type HostRecord } from '../pools/records/host-record.js';
import type { VmRecord } from '../pools/records/vm-record.js';
import type { CoreServices } from '../services/core-services.js';
import type { VmLog } from '../vm-log/index.js';
import { VmState } from '../vm/states.js';
import type { Flow } from './flow.js';
import type { FlowContext } from './flow-context.js';
import { runFlow } from './flow-runner.js';
import { deployFlow, planAction, type ActionPlan } from './flows.js';
import { VmFlowRecorder } from './vm-flow-recorder.js';
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

/**
 * Runs VM operations: checks that an action is allowed, records the flow it starts
 * with the VM, and runs the flow's driver steps in the background. One flow at a time
 * runs per VM; the API call returns as soon as the flow is recorded, as in OpenNebula.
 */
export class LifecycleManager {
  private readonly running = new Map<number, Promise<void>>();

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

  /** `one.vm.deploy`: an administrator places a PENDING or HOLD VM on a host. */
  async deploy(requester: Requester, vmId: number, hostId: number): Promise<number> {
    const flow = await this.store.db.transaction(async (tx) => {
      const vm = await this.store.vms.require(tx, vmId);
      const host = await this.store.hosts.require(tx, hostId);
      this.deps.services.authorizer.check(requester, [itemFor('VM', vm, 'ADMIN'), itemFor('HOST', host, 'MANAGE')], vmId);
      this.checkIdle(vm);
      if (vm.state !== VmState.PENDING && vm.state !== VmState.HOLD) {
        throw Errors.action(`VM ${vmId} is in state ${describePosition(vm)}; only PENDING or HOLD VMs can be deployed.`, vmId);
      }
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
    if (!DEPLOYABLE_HOST_STATES.has(host.state)) {
      throw Errors.action(`Host ${host.id} (${host.name}) is ${HostState[host.state]}; enable it or choose another host.`, vm.id);
    }
    const flow = deployFlow(vm.parked);
    await placeOnHost(tx, this.store, vm, host, SYSTEM_DATASTORE_ID, this.deps.services.now());
    vm.operation = { name: flow.name, step: 0, startedAt: this.deps.services.now() };
    await this.store.vms.update(tx, vm);
    return flow;
  }

  /** Resolves once every flow started so far has finished. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running.values());
  }

  /** Starts `flow` for the VM in the background; every failure ends in the VM's log and state. */
  startFlow(vmId: number, flow: Flow<FlowContext>, startAt: number): void {
    const task = this.runFlowFor(vmId, flow, startAt)
      .catch((error: unknown) => this.deps.services.log.internalError({ vmId, flow: flow.name }, error))
      .finally(() => this.running.delete(vmId));
    this.running.set(vmId, task);
  }

  private async runFlowFor(vmId: number, flow: Flow<FlowContext>, startAt: number): Promise<void> {
    const recorder = new VmFlowRecorder(this.deps, vmId);
    const context = await this.contextFor(vmId);
    await runFlow(flow, context, recorder, startAt);
  }

  private async contextFor(vmId: number): Promise<FlowContext> {
    const vm = await this.store.vms.require(this.store.db, vmId);
    const hostId = vm.history.at(-1)?.hid;
    if (hostId === undefined) throw new Error(`VM ${vmId} has no host in its history`);

    const host = await this.store.hosts.require(this.store.db, hostId);
    const systemDatastore = await this.systemDatastore();
    return {
      vm,
      host,
      systemDatastore,
      vmDir: path.join(systemDatastore.basePath, String(vmId)),
      drivers: this.deps.drivers,
      saveDeployId: (deployId) => this.saveDeployId(vmId, deployId),
    };
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
      vm.operation = { name: plan.flow.name, step: 0, startedAt: this.deps.services.now() };
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
