import { LcmState, VmState } from '../vm/states.js';

/** The actions of `one.vm.action`, as OpenNebula 6.x names them. */
export const VM_ACTIONS = [
  'terminate',
  'terminate-hard',
  'undeploy',
  'undeploy-hard',
  'poweroff',
  'poweroff-hard',
  'reboot',
  'reboot-hard',
  'hold',
  'release',
  'stop',
  'suspend',
  'resume',
  'resched',
  'unresched',
] as const;

export type VmActionName = (typeof VM_ACTIONS)[number];

/** Returns the permission an action needs on the VM (oned.conf's VM_*_OPERATIONS defaults). */
export function actionPermission(action: VmActionName): 'MANAGE' | 'ADMIN' {
  return action === 'resched' || action === 'unresched' ? 'ADMIN' : 'MANAGE';
}

/** A VM's position in the life cycle: STATE, and LCM_STATE when STATE is ACTIVE. */
export interface VmPosition {
  state: VmState;
  lcmState: LcmState;
}

const FAILURE_LCM_STATES = new Set<LcmState>([
  LcmState.BOOT_FAILURE,
  LcmState.BOOT_MIGRATE_FAILURE,
  LcmState.PROLOG_MIGRATE_FAILURE,
  LcmState.PROLOG_FAILURE,
  LcmState.EPILOG_FAILURE,
  LcmState.EPILOG_STOP_FAILURE,
  LcmState.EPILOG_UNDEPLOY_FAILURE,
  LcmState.PROLOG_MIGRATE_POWEROFF_FAILURE,
  LcmState.PROLOG_MIGRATE_SUSPEND_FAILURE,
  LcmState.BOOT_UNDEPLOY_FAILURE,
  LcmState.BOOT_STOPPED_FAILURE,
  LcmState.PROLOG_RESUME_FAILURE,
  LcmState.PROLOG_UNDEPLOY_FAILURE,
  LcmState.PROLOG_MIGRATE_UNKNOWN_FAILURE,
]);

export function isFailureState(position: VmPosition): boolean {
  return position.state === VmState.ACTIVE && FAILURE_LCM_STATES.has(position.lcmState);
}

const active = (lcmState: LcmState) => (p: VmPosition) => p.state === VmState.ACTIVE && p.lcmState === lcmState;
const inState = (state: VmState) => (p: VmPosition) => p.state === state;
const anyOf = (...tests: Array<(p: VmPosition) => boolean>) => (p: VmPosition) => tests.some((test) => test(p));

const RUNNING_OR_UNKNOWN = anyOf(active(LcmState.RUNNING), active(LcmState.UNKNOWN));

/** Terminate is accepted from every state but DONE and the transient ones. */
const TERMINATE_FROM = anyOf(
  RUNNING_OR_UNKNOWN,
  inState(VmState.POWEROFF),
  inState(VmState.SUSPENDED),
  inState(VmState.STOPPED),
  inState(VmState.UNDEPLOYED),
  inState(VmState.PENDING),
  inState(VmState.HOLD),
  inState(VmState.CLONING),
  inState(VmState.CLONING_FAILURE),
  inState(VmState.INIT),
  isFailureState,
);

/**
 * The positions from which each action is accepted, following OpenNebula's
 * DispatchManager: an action from any other position is refused with an ACTION error
 * that names the VM's state.
 */
export const ACTION_ALLOWED_FROM: Readonly<Record<VmActionName, (p: VmPosition) => boolean>> = {
  terminate: TERMINATE_FROM,
  'terminate-hard': TERMINATE_FROM,
  undeploy: anyOf(RUNNING_OR_UNKNOWN, inState(VmState.POWEROFF)),
  'undeploy-hard': anyOf(RUNNING_OR_UNKNOWN, inState(VmState.POWEROFF)),
  poweroff: RUNNING_OR_UNKNOWN,
  'poweroff-hard': RUNNING_OR_UNKNOWN,
  reboot: active(LcmState.RUNNING),
  'reboot-hard': active(LcmState.RUNNING),
  hold: inState(VmState.PENDING),
  release: inState(VmState.HOLD),
  stop: anyOf(active(LcmState.RUNNING), inState(VmState.SUSPENDED)),
  suspend: active(LcmState.RUNNING),
  resume: anyOf(
    inState(VmState.STOPPED),
    inState(VmState.UNDEPLOYED),
    inState(VmState.SUSPENDED),
    inState(VmState.POWEROFF),
    active(LcmState.UNKNOWN),
  ),
  resched: active(LcmState.RUNNING),
  unresched: active(LcmState.RUNNING),
};

/** Human-readable position for messages: "ACTIVE/RUNNING", "POWEROFF". */
export function describePosition(position: VmPosition): string {
  const state = VmState[position.state] ?? String(position.state);
  if (position.state !== VmState.ACTIVE) return state;
  return `${state}/${LcmState[position.lcmState] ?? position.lcmState}`;
}

export function isVmAction(name: string): name is VmActionName {
  return (VM_ACTIONS as readonly string[]).includes(name);
}
