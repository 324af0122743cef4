import { DatastoreState, DatastoreType } from '../core/pools/records/datastore-record.js';
import { HostState } from '../core/pools/records/host-record.js';
import { IMAGE_TYPES, ImageState } from '../core/pools/records/image-record.js';
import { LcmState, VmState } from '../core/vm/states.js';

/**
 * Four-letter names of LCM states, chosen by the first rule whose pattern matches the
 * state's name. The results follow the short names OpenNebula's `onevm list` prints.
 */
const LCM_SHORT_NAME_RULES: Array<[RegExp, string]> = [
  [/FAILURE$/, 'fail'],
  [/^LCM_INIT$/, 'init'],
  [/^RUNNING$/, 'runn'],
  [/^(MIGRATE|PROLOG_MIGRATE.*)$/, 'migr'],
  [/^SAVE_/, 'save'],
  [/^PROLOG/, 'prol'],
  [/^BOOT/, 'boot'],
  [/^EPILOG/, 'epil'],
  [/^SHUTDOWN/, 'shut'],
  [/^CLEANUP/, 'clea'],
  [/^UNKNOWN$/, 'unkn'],
  [/^(HOTPLUG_SNAPSHOT|DISK_SNAPSHOT.*)$/, 'snap'],
  [/^HOTPLUG/, 'hotp'],
  [/^DISK_RESIZE/, 'drsz'],
  [/^BACKUP/, 'back'],
  [/^RESTORE$/, 'rest'],
];

/** Four-letter names of VM states other than ACTIVE, which shows its LCM state instead. */
const VM_SHORT_NAMES: Partial<Record<VmState, string>> = {
  [VmState.INIT]: 'init',
  [VmState.PENDING]: 'pend',
  [VmState.HOLD]: 'hold',
  [VmState.STOPPED]: 'stop',
  [VmState.SUSPENDED]: 'susp',
  [VmState.DONE]: 'done',
  [VmState.POWEROFF]: 'poff',
  [VmState.UNDEPLOYED]: 'unde',
  [VmState.CLONING]: 'clon',
  [VmState.CLONING_FAILURE]: 'fail',
};

function enumName(enumeration: Record<number, string>, value: string): string | undefined {
  if (!/^\d+$/.test(value)) return undefined;
  return enumeration[Number(value)];
}

/** Returns the name of a VM STATE number such as `3` (ACTIVE), or the number itself when unknown. */
export function vmStateName(state: string): string {
  return enumName(VmState, state) ?? state;
}

export function lcmStateName(lcmState: string): string {
  return enumName(LcmState, lcmState) ?? lcmState;
}

/** Returns the STAT column of `vm list`: the LCM state's short name while ACTIVE, else the VM state's. */
export function vmShortState(state: string, lcmState: string): string {
  if (Number(state) === VmState.ACTIVE) {
    const name = enumName(LcmState, lcmState);
    const rule = name === undefined ? undefined : LCM_SHORT_NAME_RULES.find(([pattern]) => pattern.test(name));
    return rule ? rule[1] : 'unkn';
  }
  return VM_SHORT_NAMES[Number(state) as VmState] ?? 'unkn';
}

const HOST_SHORT_NAMES: Partial<Record<HostState, string>> = {
  [HostState.INIT]: 'init',
  [HostState.MONITORED]: 'on',
  [HostState.ERROR]: 'err',
  [HostState.DISABLED]: 'dsbl',
  [HostState.OFFLINE]: 'off',
};

export function hostStateName(state: string): string {
  return enumName(HostState, state) ?? state;
}

export function hostShortState(state: string): string {
  return HOST_SHORT_NAMES[Number(state) as HostState] ?? state;
}

const IMAGE_SHORT_NAMES: Partial<Record<ImageState, string>> = {
  [ImageState.INIT]: 'init',
  [ImageState.READY]: 'rdy',
  [ImageState.USED]: 'used',
  [ImageState.DISABLED]: 'disa',
  [ImageState.LOCKED]: 'lock',
  [ImageState.ERROR]: 'err',
  [ImageState.CLONE]: 'clon',
  [ImageState.DELETE]: 'dele',
  [ImageState.USED_PERS]: 'used',
  [ImageState.LOCKED_USED]: 'lock',
  [ImageState.LOCKED_USED_PERS]: 'lock',
};

export function imageStateName(state: string): string {
  return enumName(ImageState, state) ?? state;
}

export function imageShortState(state: string): string {
  return IMAGE_SHORT_NAMES[Number(state) as ImageState] ?? state;
}

/** Returns the name of an image TYPE number such as `0` (OS). */
export function imageTypeName(type: string): string {
  return /^\d+$/.test(type) ? (IMAGE_TYPES[Number(type)] ?? type) : type;
}

export function datastoreTypeName(type: string): string {
  return enumName(DatastoreType, type) ?? type;
}

export function datastoreStateName(state: string): string {
  return enumName(DatastoreState, state) ?? state;
}
