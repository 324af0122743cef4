import { templateValue } from '../vm-log/record-vm-error.js';
import { LcmState, VmState } from '../vm/states.js';
import type { StepFailure } from './flow.js';
import type { FlowRecorder } from './flow-runner.js';
import { stampHistoryTimes } from './history-times.js';
import type { LifecycleDependencies } from './lifecycle-manager.js';
import { releasePreviousHost } from './migration-placement.js';
import { enterState } from './vm-transitions.js';

/** Raised to stop a flow that `one.vm.recover` took over: its remaining steps must not run. */
export class FlowDetachedError extends Error {
  constructor(vmId: number, flow: string) {
    super(`the "${flow}" flow of VM ${vmId} was taken over by one.vm.recover`);
    this.name = 'FlowDetachedError';
  }
}

/**
 * Records a flow's progress in the VM's record and log, one transaction per step.
 * Once detached (by `one.vm.recover`), it records nothing more and stops the flow at
 * its next step.
 */
export class VmFlowRecorder implements FlowRecorder {
  private detachedFromVm = false;

  constructor(
    private readonly deps: LifecycleDependencies,
    private readonly vmId: number,
  ) {}

  private get store() {
    return this.deps.services.store;
  }

  get detached(): boolean {
    return this.detachedFromVm;
  }

  detach(): void {
    this.detachedFromVm = true;
  }

  async stepStarted(flow: string, index: number, step: string, lcmState: number | undefined): Promise<void> {
    await this.store.db.transaction(async (tx) => {
      if (this.detachedFromVm) throw new FlowDetachedError(this.vmId, flow);
      const vm = await this.store.vms.require(tx, this.vmId);
      vm.operation = { ...vm.operation, name: flow, step: index, startedAt: vm.operation?.startedAt ?? this.deps.services.now() };
      if (lcmState !== undefined && !(vm.state === VmState.ACTIVE && vm.lcmState === lcmState)) {
        await releasePreviousHost(tx, this.store, vm);
        vm.prevState = vm.state;
        vm.prevLcmState = vm.lcmState;
        vm.state = VmState.ACTIVE;
        vm.lcmState = lcmState as LcmState;
        stampHistoryTimes(vm, vm.lcmState, this.deps.services.now());
      }
      await this.store.vms.update(tx, vm);
    });
    this.log('I', `${flow}: ${step} started`);
  }

  async flowSucceeded(flow: string, state: number, lcmState: number): Promise<void> {
    const recorded = await this.store.db.transaction(async (tx) => {
      if (this.detachedFromVm) return false;
      const vm = await this.store.vms.require(tx, this.vmId);
      vm.operation = null;
      vm.failedOperation = null;
      if (flow === 'deploy') vm.parked = null;
      if (flow === 'stop') vm.parked = 'stopped';
      if (flow.startsWith('undeploy')) vm.parked = 'undeployed';
      await enterState(tx, this.store, vm, { state, lcmState }, flow, this.deps.services.now());
      await this.store.vms.update(tx, vm);
      return true;
    });
    if (!recorded) {
      this.logIgnored(flow, 'finished');
      return;
    }
    this.log('I', `${flow} finished: ${VmState[state]}${state === VmState.ACTIVE ? `/${LcmState[lcmState]}` : ''}`);
  }

  async flowFailed(flow: string, failure: StepFailure, message: string): Promise<void> {
    const now = this.deps.services.now();
    const recorded = await this.store.db.transaction(async (tx) => {
      if (this.detachedFromVm) return false;
      const vm = await this.store.vms.require(tx, this.vmId);
      // runFlow undoes the steps before the failed one before it reports the failure.
      if (vm.operation) vm.failedOperation = { ...vm.operation, name: flow, earlierStepsUndone: true };
      vm.operation = null;
      vm.userTemplate.set('ERROR', templateValue(`${new Date(now * 1000).toISOString()} : ${message}`));
      await enterState(tx, this.store, vm, failure, flow, now);
      await this.store.vms.update(tx, vm);
      return true;
    });
    if (!recorded) this.logIgnored(flow, 'failed');
  }

  private logIgnored(flow: string, outcome: 'finished' | 'failed'): void {
    this.log('W', `${flow} ${outcome} after one.vm.recover took the VM over; the outcome is ignored`);
  }

  log(severity: 'I' | 'W' | 'E', text: string): void {
    this.deps.vmLog.write(this.vmId, severity, 'lifecycle', text);
  }
}
