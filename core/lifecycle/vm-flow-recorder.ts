import { templateValue } from '../vm-log/record-vm-error.js';
import { LcmState, VmState } from '../vm/states.js';
import type { FlowRecorder } from './flow-runner.js';
import type { LifecycleDependencies } from './lifecycle-manager.js';
import { enterState } from './vm-transitions.js';

/** Records a flow's progress in the VM's record and log, one transaction per step. */
export class VmFlowRecorder implements FlowRecorder {
  constructor(
    private readonly deps: LifecycleDependencies,
    private readonly vmId: number,
  ) {}

  private get store() {
    return this.deps.services.store;
  }

  async stepStarted(flow: string, index: number, step: string, lcmState: number | undefined): Promise<void> {
    await this.store.db.transaction(async (tx) => {
      const vm = await this.store.vms.require(tx, this.vmId);
      vm.operation = { name: flow, step: index, startedAt: vm.operation?.startedAt ?? this.deps.services.now() };
      if (lcmState !== undefined) {
        vm.prevState = vm.state;
        vm.prevLcmState = vm.lcmState;
        vm.state = VmState.ACTIVE;
        vm.lcmState = lcmState as LcmState;
      }
      await this.store.vms.update(tx, vm);
    });
    this.log('I', `${flow}: ${step} started`);
  }

  async flowSucceeded(flow: string, state: number, lcmState: number): Promise<void> {
    await this.store.db.transaction(async (tx) => {
      const vm = await this.store.vms.require(tx, this.vmId);
      vm.operation = null;
      if (flow === 'deploy') vm.parked = null;
      if (flow === 'stop') vm.parked = 'stopped';
      if (flow.startsWith('undeploy')) vm.parked = 'undeployed';
      await enterState(tx, this.store, vm, { state, lcmState }, flow, this.deps.services.now());
      await this.store.vms.update(tx, vm);
    });
    this.log('I', `${flow} finished: ${VmState[state]}${state === VmState.ACTIVE ? `/${LcmState[lcmState]}` : ''}`);
  }

  async flowFailed(flow: string, state: number, lcmState: number, message: string): Promise<void> {
    const now = this.deps.services.now();
    await this.store.db.transaction(async (tx) => {
      const vm = await this.store.vms.require(tx, this.vmId);
      vm.operation = null;
      vm.userTemplate.set('ERROR', templateValue(`${new Date(now * 1000).toISOString()} : ${message}`));
      await enterState(tx, this.store, vm, { state, lcmState }, flow, now);
      await this.store.vms.update(tx, vm);
    });
  }

  log(severity: 'I' | 'W' | 'E', text: string): void {
    this.deps.vmLog.write(this.vmId, severity, 'lifecycle', text);
  }
}
