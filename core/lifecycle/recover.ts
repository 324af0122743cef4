import { itemFor } from '../auth/authorizer.js';
import type { Requester } from '../auth/requester.js';
import type { SqlRunner } from '../db/database.js';
import { Errors } from '../errors/catalogue.js';
import type { FailedOperation, VmOperation, VmRecord } from '../pools/records/vm-record.js';
import { templateValue } from '../vm-log/record-vm-error.js';
import { LcmState, VmState } from '../vm/states.js';
import { epilogStep } from './driver-steps.js';
import type { Flow, FlowStep } from './flow.js';
import type { FlowContext } from './flow-context.js';
import { deployFlow, isMigrationKind, migrationFlow, planAction } from './flows.js';
import type { LifecycleDependencies, LifecycleManager } from './lifecycle-manager.js';
import { describePosition, isFailureState, isVmAction, type VmPosition } from './vm-actions.js';
import { isLeavingPreviousHost, returnToPreviousHost } from './migration-placement.js';
import { currentHostId, leaveHost } from './vm-resources.js';
import { enterState } from './vm-transitions.js';

type VmFlow = Flow<FlowContext>;
type VmStep = FlowStep<FlowContext>;

/** The operations of `one.vm.recover`, at the index of their number in the API (0 failure ... 5 delete-db). */
export const RECOVER_OPERATIONS = ['failure', 'success', 'retry', 'delete', 'delete-recreate', 'delete-db'] as const;

export type RecoverOperation = (typeof RECOVER_OPERATIONS)[number];

const at = (state: VmState, lcmState = LcmState.LCM_INIT): VmPosition => ({ state, lcmState });

/**
 * The position the cleanup flows leave the VM in when a step fails or `recover --failure` stops it.
 * The cleanup step logs driver failures instead of failing, so only the resubmit step's
 * database write can fail.
 */
const CLEANUP_FAILURE = at(VmState.ACTIVE, LcmState.EPILOG_FAILURE);

/**
 * The operation a failed step belonged to, by the LCM state of the step, for a VM
 * whose record does not name it: a restart of stratusd settles an interrupted flow
 * without recording it. `from` is the position planAction rebuilds the flow from.
 */
const OPERATION_BY_STEP_STATE: Partial<Record<LcmState, Omit<VmOperation, 'startedAt'>>> = {
  [LcmState.PROLOG]: { name: 'deploy', step: 0 },
  [LcmState.BOOT]: { name: 'deploy', step: 1 },
  [LcmState.BOOT_STOPPED]: { name: 'deploy', step: 0 },
  [LcmState.BOOT_UNDEPLOY]: { name: 'deploy', step: 0 },
  [LcmState.BOOT_POWEROFF]: { name: 'resume', step: 0, from: at(VmState.POWEROFF) },
  [LcmState.BOOT_SUSPENDED]: { name: 'resume', step: 0, from: at(VmState.SUSPENDED) },
  [LcmState.BOOT_UNKNOWN]: { name: 'resume', step: 0, from: at(VmState.ACTIVE, LcmState.UNKNOWN) },
  [LcmState.EPILOG]: { name: 'terminate', step: 0, from: at(VmState.POWEROFF) },
  [LcmState.SAVE_MIGRATE]: { name: 'migrate', step: 0, from: at(VmState.ACTIVE, LcmState.RUNNING) },
  [LcmState.PROLOG_MIGRATE]: { name: 'migrate', step: 1, from: at(VmState.ACTIVE, LcmState.RUNNING) },
  [LcmState.BOOT_MIGRATE]: { name: 'migrate', step: 2, from: at(VmState.ACTIVE, LcmState.RUNNING) },
  [LcmState.MIGRATE]: { name: 'live-migrate', step: 0, from: at(VmState.ACTIVE, LcmState.RUNNING) },
  [LcmState.PROLOG_MIGRATE_POWEROFF]: { name: 'migrate', step: 0, from: at(VmState.POWEROFF) },
  [LcmState.PROLOG_MIGRATE_SUSPEND]: { name: 'migrate', step: 0, from: at(VmState.SUSPENDED) },
  [LcmState.PROLOG_MIGRATE_UNKNOWN]: { name: 'migrate', step: 0, from: at(VmState.ACTIVE, LcmState.UNKNOWN) },
};

/** A flow to start once the recover transaction has committed. */
interface FlowStart {
  flow: VmFlow;
  startAt: number;
}

/** The operation a VM is in or failed in, its flow as rebuilt, and whether the runner undid the steps before the failed one. */
interface LocatedStep {
  operation: VmOperation;
  flow: VmFlow;
  step: VmStep;
  earlierStepsUndone: boolean;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Runs `work` and logs its failure instead of raising it, because a cleanup goes on whatever the drivers report. */
async function bestEffort(deps: LifecycleDependencies, vmId: number, what: string, work: () => Promise<unknown>): Promise<void> {
  try {
    await work();
  } catch (error) {
    deps.vmLog.write(vmId, 'W', 'lifecycle', `cleanup: ${what} failed, the cleanup goes on: ${messageOf(error)}`);
    deps.services.log.warn('vm.cleanup_failed', { vmId, step: what, error: messageOf(error) });
  }
}

/**
 * A second host that a cleanup covers, because a migration was under way: the guest
 * may run there (`cancelGuest`) or the VM folder may be there (`deleteFolder`).
 */
interface OtherHostCleanup {
  hostId: number;
  cancelGuest: boolean;
  deleteFolder: boolean;
}

/** Cancels the guest and removes the VM folder on the other host of a migration, best effort. */
async function cleanOtherHost(deps: LifecycleDependencies, context: FlowContext, other: OtherHostCleanup): Promise<void> {
  const { vm, drivers } = context;
  const host = await deps.services.store.hosts.get(deps.services.store.db, other.hostId);
  if (!host) return;

  if (other.cancelGuest) {
    const request = { vmId: vm.id, host: host.name, deployId: vm.deployId };
    await bestEffort(deps, vm.id, `CANCEL on host ${host.id}`, () => drivers.call('vmm', host.vmMad, 'CANCEL', request, { objectId: vm.id }));
  }
  if (other.deleteFolder) {
    const request = { vmId: vm.id, host: host.name, target: context.vmDir };
    await bestEffort(deps, vm.id, `DELETE on host ${host.id}`, () => drivers.call('transfer', context.systemDatastore.tmMad, 'DELETE', request, { objectId: vm.id }));
  }
}

/** Stops the guest if it may still run (VMM CANCEL), then saves persistent disks and removes the VM folder (the epilog). */
function cleanupStep(deps: LifecycleDependencies, lcmState: LcmState, cancelGuest: boolean, other?: OtherHostCleanup): VmStep {
  const epilog = epilogStep();
  return {
    name: 'cleanup',
    lcmState,
    failure: CLEANUP_FAILURE,
    async run(context) {
      const { vm, host, drivers } = context;
      if (other) await cleanOtherHost(deps, context, other);
      if (cancelGuest) {
        const request = { vmId: vm.id, host: host.name, deployId: vm.deployId };
        await bestEffort(deps, vm.id, 'CANCEL', () => drivers.call('vmm', host.vmMad, 'CANCEL', request, { objectId: vm.id }));
      }
      await bestEffort(deps, vm.id, 'epilog', () => epilog.run(context));
    },
  };
}

/** Gives the host's share back, closes the placement and clears the deploy id, so that the VM can be deployed again as new. */
function resubmitStep(deps: LifecycleDependencies): VmStep {
  const store = deps.services.store;
  return {
    name: 'resubmit',
    failure: CLEANUP_FAILURE,
    async run(context) {
      await store.db.transaction(async (tx) => {
        const vm = await store.vms.require(tx, context.vm.id);
        await leaveHost(tx, store, vm, deps.services.now(), 0);
        vm.deployId = '';
        vm.parked = null;
        vm.resched = 0;
        vm.userTemplate.remove('ERROR');
        await store.vms.update(tx, vm);
      });
    },
  };
}

/** Builds the flow of `delete` (ends DONE) or `delete-recreate` (ends PENDING). */
function cleanupFlow(deps: LifecycleDependencies, name: 'delete' | 'delete-recreate', cancelGuest: boolean, other?: OtherHostCleanup): VmFlow {
  if (name === 'delete') {
    return { name, steps: [cleanupStep(deps, LcmState.CLEANUP_DELETE, cancelGuest, other)], done: at(VmState.DONE) };
  }
  const steps = [cleanupStep(deps, LcmState.CLEANUP_RESUBMIT, cancelGuest, other), resubmitStep(deps)];
  return { name, steps, done: at(VmState.PENDING) };
}

/** Builds the flow an operation record names again, as the action that started it built it. */
function rebuildFlow(deps: LifecycleDependencies, vm: VmRecord, operation: Omit<VmOperation, 'startedAt'>): VmFlow | undefined {
  if (operation.name === 'deploy') return deployFlow(vm.parked);
  if (operation.name === 'delete' || operation.name === 'delete-recreate') return cleanupFlow(deps, operation.name, false);
  if (isMigrationKind(operation.name)) return operation.from && migrationFlow(operation.name, operation.from);
  if (!isVmAction(operation.name) || operation.from === undefined) return undefined;

  const plan = planAction(operation.name, operation.from);
  return plan.kind === 'flow' ? plan.flow : undefined;
}

function locateIn(deps: LifecycleDependencies, vm: VmRecord, operation: VmOperation, earlierStepsUndone: boolean): LocatedStep | undefined {
  const flow = rebuildFlow(deps, vm, operation);
  const step = flow?.steps[operation.step];
  return flow && step ? { operation, flow, step, earlierStepsUndone } : undefined;
}

/** Finds the step by the LCM state it runs in, for a record that does not name the operation. */
function locateByStepState(deps: LifecycleDependencies, vm: VmRecord, stepState: LcmState): LocatedStep | undefined {
  const known = OPERATION_BY_STEP_STATE[stepState];
  if (!known) return undefined;
  return locateIn(deps, vm, { ...known, startedAt: deps.services.now() }, false);
}

function leavesVmAt(step: VmStep, vm: VmRecord): boolean {
  return step.failure.state === vm.state && (vm.state !== VmState.ACTIVE || step.failure.lcmState === vm.lcmState);
}

/**
 * Finds the operation and step the VM is in (a flow in progress) or failed in. A
 * recorded failure counts only if that step's failure state is the VM's state, because
 * a restart can settle a later flow without recording it.
 */
function locateStep(deps: LifecycleDependencies, vm: VmRecord): LocatedStep | undefined {
  if (vm.operation) return locateIn(deps, vm, vm.operation, false) ?? locateByStepState(deps, vm, vm.lcmState);

  const failed: FailedOperation | null | undefined = vm.failedOperation;
  const recorded = failed ? locateIn(deps, vm, failed, failed.earlierStepsUndone === true) : undefined;
  if (recorded && leavesVmAt(recorded.step, vm)) return recorded;

  const byState = locateByStepState(deps, vm, vm.prevLcmState);
  return byState && leavesVmAt(byState.step, vm) ? byState : undefined;
}

/**
 * Carries out one recover operation on a VM inside the transaction that checked it.
 * The lines for the VM's log wait in `notes` until the transaction has committed.
 */
class Recovery {
  readonly notes: Array<{ severity: 'I' | 'W'; text: string }> = [];
  private readonly now: number;

  constructor(
    private readonly manager: LifecycleManager,
    private readonly deps: LifecycleDependencies,
    private readonly tx: SqlRunner,
    private readonly vm: VmRecord,
  ) {
    this.now = deps.services.now();
  }

  private get store() {
    return this.deps.services.store;
  }

  private reject(reason: string): never {
    throw Errors.action(`Cannot recover VM ${this.vm.id} in state ${describePosition(this.vm)}: ${reason}`, this.vm.id);
  }

  private requireStep(): LocatedStep {
    const located = locateStep(this.deps, this.vm);
    if (!located) {
      this.reject('its record does not tell which operation step it is in; use --delete or --delete-db');
    }
    return located;
  }

  private note(text: string, severity: 'I' | 'W' = 'I'): void {
    this.notes.push({ severity, text: `recover: ${text}` });
  }

  /** Takes the VM from the flow running for it, if any, and records it idle. */
  private takeOver(): void {
    this.manager.detachFlow(this.vm.id);
    this.vm.operation = null;
  }

  /**
   * Records the operation as in progress at `startAt` and returns the flow to start
   * there. `failedOperation` stays until the flow ends, for a restart that interrupts it.
   */
  private async startAt(located: LocatedStep, startAt: number): Promise<FlowStart> {
    this.takeOver();
    const { name, from } = located.operation;
    this.vm.operation = { name, step: startAt, startedAt: this.now, ...(from ? { from } : {}) };
    await this.store.vms.update(this.tx, this.vm);
    return { flow: located.flow, startAt };
  }

  /** `failure`: a VM stuck in a step goes to that step's failure state, as if the step had failed. */
  async failure(): Promise<undefined> {
    if (!this.vm.operation) this.reject('it has no operation in progress to mark failed; use --retry, --success or --delete');
    const located = this.requireStep();

    this.takeOver();
    const message = `${located.operation.name} at ${located.step.name} was marked failed by one.vm.recover`;
    this.vm.failedOperation = { ...located.operation, earlierStepsUndone: false };
    this.vm.userTemplate.set('ERROR', templateValue(`${new Date(this.now * 1000).toISOString()} : ${message}`));
    await enterState(this.tx, this.store, this.vm, located.step.failure, located.operation.name, this.now);
    await this.store.vms.update(this.tx, this.vm);
    this.note(message);
    return undefined;
  }

  /** `success`: the operation goes on after the step, as if it had succeeded; after the last step the VM reaches the flow's end state. */
  async success(): Promise<FlowStart> {
    const located = this.requireStep();
    this.vm.userTemplate.remove('ERROR');
    this.note(`${located.operation.name}: ${located.step.name} taken as done`);
    return this.startAt(located, located.operation.step + 1);
  }

  /**
   * `retry`: runs the failed operation again from the failed step. A flow that failed
   * undid its earlier steps that can be undone, so those run again too.
   */
  async retry(): Promise<FlowStart> {
    if (this.vm.operation) this.reject(`"${this.vm.operation.name}" is still in progress; use --failure first, or --success`);
    const located = this.requireStep();

    const failedAt = located.operation.step;
    const firstUndone = located.flow.steps.findIndex((step, index) => index < failedAt && step.undo !== undefined);
    const startAt = located.earlierStepsUndone && firstUndone >= 0 ? firstUndone : failedAt;

    this.vm.userTemplate.remove('ERROR');
    this.note(`${located.operation.name} runs again from ${located.flow.steps[startAt].name}`);
    return this.startAt(located, startAt);
  }

  /**
   * `delete` and `delete-recreate`: cleans the host up in the background, best
   * effort, then ends DONE or PENDING. A VM without a placement has nothing to clean.
   */
  async delete(name: 'delete' | 'delete-recreate'): Promise<FlowStart | undefined> {
    if (currentHostId(this.vm) === undefined) return name === 'delete' ? this.deleteFromDatabase() : this.resubmitWithoutHost();

    const other = await this.migrationCleanup();
    const lcm = this.vm.state === VmState.ACTIVE ? LcmState[this.vm.lcmState] : '';
    const cancelGuest = this.vm.deployId !== '' && !/^(PROLOG|EPILOG)/.test(lcm);
    const flow = cleanupFlow(this.deps, name, cancelGuest, other);

    this.note(`${name}: cleaning up${cancelGuest ? ', cancelling the guest first' : ''}`);
    return this.startAt({ operation: { name, step: 0, startedAt: this.now }, flow, step: flow.steps[0], earlierStepsUndone: false }, 0);
  }

  /**
   * Prepares the cleanup of a VM caught in a migration. While the guest may still run
   * on the old host (SAVE_MIGRATE, MIGRATE), the VM goes back there first so that the
   * cleanup runs where the guest is, and a live migration also cancels the guest on the
   * new host. After the guest left (PROLOG_MIGRATE_*), the folder may be on either
   * host, so the old host's copy is removed too. Returns the other host to clean.
   */
  private async migrationCleanup(): Promise<OtherHostCleanup | undefined> {
    const previous = this.vm.history.at(-2);
    const current = currentHostId(this.vm);
    if (!previous || current === undefined) return undefined;

    if (isLeavingPreviousHost(this.vm)) {
      const live = this.vm.lcmState === LcmState.MIGRATE;
      await returnToPreviousHost(this.tx, this.store, this.vm, this.now);

      // Back on its old host the VM is no longer leaving it, so the cleanup's first step releases nothing more.
      this.vm.prevLcmState = this.vm.lcmState;
      this.vm.lcmState = LcmState.RUNNING;
      return live ? { hostId: current, cancelGuest: true, deleteFolder: false } : undefined;
    }

    const lcm = this.vm.state === VmState.ACTIVE ? LcmState[this.vm.lcmState] : '';
    if (lcm.startsWith('PROLOG_MIGRATE')) return { hostId: previous.hid, cancelGuest: false, deleteFolder: true };
    return undefined;
  }

  private async resubmitWithoutHost(): Promise<undefined> {
    this.takeOver();
    this.vm.failedOperation = null;
    this.vm.userTemplate.remove('ERROR');
    await enterState(this.tx, this.store, this.vm, at(VmState.PENDING), 'delete-recreate', this.now);
    await this.store.vms.update(this.tx, this.vm);
    this.note('delete-recreate: the VM had no placement to clean up and is PENDING again');
    return undefined;
  }

  /** `delete-db`: the VM is DONE and gives back its host share, images and leases; no driver is called, so files stay on the host. */
  async deleteFromDatabase(): Promise<undefined> {
    const hostId = currentHostId(this.vm);
    this.takeOver();
    this.vm.failedOperation = null;
    await enterState(this.tx, this.store, this.vm, at(VmState.DONE), 'delete-db', this.now);
    await this.store.vms.update(this.tx, this.vm);

    this.note(`delete-db: marked DONE without a driver call; any files on host ${hostId ?? '-'} stay`, 'W');
    return undefined;
  }
}

function checkRecoverable(vm: VmRecord): void {
  if (vm.operation || isFailureState(vm)) return;
  throw Errors.action(
    `Cannot recover VM ${vm.id} in state ${describePosition(vm)}: recover works on a VM in a *_FAILURE state or with an operation in progress.`,
    vm.id,
  );
}

async function runOperation(recovery: Recovery, operation: RecoverOperation): Promise<FlowStart | undefined> {
  switch (operation) {
    case 'failure':
      return recovery.failure();
    case 'success':
      return recovery.success();
    case 'retry':
      return recovery.retry();
    case 'delete':
    case 'delete-recreate':
      return recovery.delete(operation);
    case 'delete-db':
      return recovery.deleteFromDatabase();
  }
}

/**
 * `one.vm.recover`: an administrator settles a VM whose operation failed or is stuck.
 * Needs ADMIN on the VM. A flow still running for the VM is detached first, so its
 * late result is ignored. Flows it starts run in the background like those of
 * `one.vm.action`.
 */
export async function recoverVm(
  manager: LifecycleManager,
  deps: LifecycleDependencies,
  requester: Requester,
  vmId: number,
  operationNumber: number,
): Promise<number> {
  const operation = RECOVER_OPERATIONS[operationNumber];
  if (operation === undefined) {
    throw Errors.action(`Recover operation ${operationNumber} is not valid; use 0 failure, 1 success, 2 retry, 3 delete, 4 delete-recreate or 5 delete-db.`, vmId);
  }
  const store = deps.services.store;

  const { start, notes } = await store.db.transaction(async (tx) => {
    const vm = await store.vms.require(tx, vmId);
    deps.services.authorizer.check(requester, [itemFor('VM', vm, 'ADMIN')], vmId);
    checkRecoverable(vm);
    const recovery = new Recovery(manager, deps, tx, vm);
    return { start: await runOperation(recovery, operation), notes: recovery.notes };
  });

  deps.services.log.info('vm.recover', { vmId, operation, uid: requester.uid });
  for (const { severity, text } of notes) deps.vmLog.write(vmId, severity, 'lifecycle', text);
  if (start) manager.startFlow(vmId, start.flow, start.startAt);
  return vmId;
}
