import { LcmState, VmState } from '../vm/states.js';
import { bootStep, epilogStep, prologStep, restoreStep, runningActionStep, saveStep, shutdownStep } from './driver-steps.js';
import type { Flow } from './flow.js';
import type { FlowContext } from './flow-context.js';
import { leavePreviousHostStep, liveMigrateStep, moveFolderStep } from './migrate-steps.js';
import type { VmActionName, VmPosition } from './vm-actions.js';

type VmFlow = Flow<FlowContext>;

const RUNNING = { state: VmState.ACTIVE, lcmState: LcmState.RUNNING };
const at = (state: VmState) => ({ state, lcmState: LcmState.LCM_INIT });

/** What an action does: run a flow of driver steps, or change the state at once. */
export type ActionPlan =
  | { kind: 'flow'; flow: VmFlow }
  | { kind: 'immediate'; position: VmPosition; parked?: 'stopped' | 'undeployed' | null; resched?: number };

/** The flow that deploys a PENDING VM on its host, given why its disks may already be there. */
export function deployFlow(parked: 'stopped' | 'undeployed' | null | undefined): VmFlow {
  if (parked === 'stopped') {
    return { name: 'deploy', steps: [restoreStep(LcmState.BOOT_STOPPED, LcmState.BOOT_STOPPED_FAILURE)], done: RUNNING };
  }
  if (parked === 'undeployed') {
    return { name: 'deploy', steps: [bootStep(LcmState.BOOT_UNDEPLOY, LcmState.BOOT_UNDEPLOY_FAILURE)], done: RUNNING };
  }
  return { name: 'deploy', steps: [prologStep(), bootStep()], done: RUNNING };
}

/** The flow names of `one.vm.migrate`, one per way of moving a VM, as recorded with the VM while they run. */
export const MIGRATION_KINDS = ['migrate', 'migrate-poweroff', 'migrate-poweroff-hard', 'live-migrate'] as const;

export type MigrationKind = (typeof MIGRATION_KINDS)[number];

export function isMigrationKind(name: string): name is MigrationKind {
  return (MIGRATION_KINDS as readonly string[]).includes(name);
}

/**
 * Builds the flow that moves a VM from the host of its previous history record to the
 * host of its current one. A RUNNING VM is saved (or powered off) there, its folder moved, and
 * restored (or booted) here, unless it migrates live. A POWEROFF or SUSPENDED VM only
 * has its folder moved and stays in its state. A VM in UNKNOWN has its folder moved and
 * boots on the new host.
 */
export function migrationFlow(kind: MigrationKind, from: VmPosition): VmFlow {
  if (kind === 'live-migrate') return { name: kind, steps: [liveMigrateStep()], done: RUNNING };

  if (from.state === VmState.POWEROFF) {
    const steps = [moveFolderStep(LcmState.PROLOG_MIGRATE_POWEROFF, LcmState.PROLOG_MIGRATE_POWEROFF_FAILURE)];
    return { name: kind, steps, done: at(VmState.POWEROFF) };
  }
  if (from.state === VmState.SUSPENDED) {
    const steps = [moveFolderStep(LcmState.PROLOG_MIGRATE_SUSPEND, LcmState.PROLOG_MIGRATE_SUSPEND_FAILURE)];
    return { name: kind, steps, done: at(VmState.SUSPENDED) };
  }
  if (isActive(from, LcmState.UNKNOWN)) {
    const steps = [
      moveFolderStep(LcmState.PROLOG_MIGRATE_UNKNOWN, LcmState.PROLOG_MIGRATE_UNKNOWN_FAILURE),
      bootStep(LcmState.BOOT_MIGRATE, LcmState.BOOT_MIGRATE_FAILURE),
    ];
    return { name: kind, steps, done: RUNNING };
  }

  const move = moveFolderStep(LcmState.PROLOG_MIGRATE, LcmState.PROLOG_MIGRATE_FAILURE);
  if (kind === 'migrate') {
    const steps = [leavePreviousHostStep('save'), move, restoreStep(LcmState.BOOT_MIGRATE, LcmState.BOOT_MIGRATE_FAILURE)];
    return { name: kind, steps, done: RUNNING };
  }
  const stop = leavePreviousHostStep(kind === 'migrate-poweroff' ? 'shutdown' : 'cancel');
  return { name: kind, steps: [stop, move, bootStep(LcmState.BOOT_MIGRATE, LcmState.BOOT_MIGRATE_FAILURE)], done: RUNNING };
}

function isActive(position: VmPosition, ...lcm: LcmState[]): boolean {
  return position.state === VmState.ACTIVE && lcm.includes(position.lcmState);
}

function terminatePlan(position: VmPosition, hard: boolean): ActionPlan {
  const name = hard ? 'terminate-hard' : 'terminate';
  const done = at(VmState.DONE);

  if ([VmState.PENDING, VmState.HOLD, VmState.INIT, VmState.CLONING, VmState.CLONING_FAILURE].includes(position.state)) {
    return { kind: 'immediate', position: done, parked: null };
  }
  if (isActive(position, LcmState.RUNNING, LcmState.UNKNOWN)) {
    return { kind: 'flow', flow: { name, steps: [shutdownStep(LcmState.SHUTDOWN, hard), epilogStep()], done } };
  }
  return { kind: 'flow', flow: { name, steps: [epilogStep()], done } };
}

function resumePlan(position: VmPosition): ActionPlan {
  if (position.state === VmState.STOPPED) return { kind: 'immediate', position: at(VmState.PENDING), parked: 'stopped' };
  if (position.state === VmState.UNDEPLOYED) return { kind: 'immediate', position: at(VmState.PENDING), parked: 'undeployed' };
  if (position.state === VmState.SUSPENDED) {
    return { kind: 'flow', flow: { name: 'resume', steps: [restoreStep(LcmState.BOOT_SUSPENDED, LcmState.BOOT_FAILURE)], done: RUNNING } };
  }
  const lcm = position.state === VmState.POWEROFF ? LcmState.BOOT_POWEROFF : LcmState.BOOT_UNKNOWN;
  return { kind: 'flow', flow: { name: 'resume', steps: [bootStep(lcm, LcmState.BOOT_FAILURE)], done: RUNNING } };
}

/**
 * The plan of an action accepted from `position` (check ACTION_ALLOWED_FROM first).
 * Follows OpenNebula's transitions; files stay on this machine's system datastore
 * when a VM is stopped or undeployed, so those flows move nothing.
 */
export function planAction(action: VmActionName, position: VmPosition): ActionPlan {
  switch (action) {
    case 'terminate':
    case 'terminate-hard':
      return terminatePlan(position, action === 'terminate-hard');
    case 'poweroff':
    case 'poweroff-hard': {
      const steps = [shutdownStep(LcmState.SHUTDOWN_POWEROFF, action === 'poweroff-hard')];
      return { kind: 'flow', flow: { name: action, steps, done: at(VmState.POWEROFF) } };
    }
    case 'undeploy':
    case 'undeploy-hard': {
      if (position.state === VmState.POWEROFF) return { kind: 'immediate', position: at(VmState.UNDEPLOYED) };
      const steps = [shutdownStep(LcmState.SHUTDOWN_UNDEPLOY, action === 'undeploy-hard')];
      return { kind: 'flow', flow: { name: action, steps, done: at(VmState.UNDEPLOYED) } };
    }
    case 'suspend':
      return { kind: 'flow', flow: { name: 'suspend', steps: [saveStep(LcmState.SAVE_SUSPEND)], done: at(VmState.SUSPENDED) } };
    case 'stop':
      if (position.state === VmState.SUSPENDED) return { kind: 'immediate', position: at(VmState.STOPPED) };
      return { kind: 'flow', flow: { name: 'stop', steps: [saveStep(LcmState.SAVE_STOP)], done: at(VmState.STOPPED) } };
    case 'resume':
      return resumePlan(position);
    case 'reboot':
    case 'reboot-hard': {
      const step = runningActionStep(action, action === 'reboot' ? 'REBOOT' : 'RESET');
      return { kind: 'flow', flow: { name: action, steps: [step], done: RUNNING } };
    }
    case 'hold':
      return { kind: 'immediate', position: at(VmState.HOLD) };
    case 'release':
      return { kind: 'immediate', position: at(VmState.PENDING) };
    case 'resched':
      return { kind: 'immediate', position, resched: 1 };
    case 'unresched':
      return { kind: 'immediate', position, resched: 0 };
  }
}
