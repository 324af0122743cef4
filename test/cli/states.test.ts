import t from 'tap';
import { LcmState, VmState } from '../../core/vm/states.js';
import { hostShortState, imageShortState, imageTypeName, lcmStateName, vmShortState, vmStateName } from '../../cli/states.js';

const active = String(VmState.ACTIVE);

t.test('VM states outside ACTIVE use the VM state', async (t) => {
  const cases: Array<[VmState, string]> = [
    [VmState.PENDING, 'pend'],
    [VmState.HOLD, 'hold'],
    [VmState.POWEROFF, 'poff'],
    [VmState.SUSPENDED, 'susp'],
    [VmState.STOPPED, 'stop'],
    [VmState.UNDEPLOYED, 'unde'],
    [VmState.DONE, 'done'],
    [VmState.CLONING_FAILURE, 'fail'],
  ];

  for (const [state, expected] of cases) {
    t.equal(vmShortState(String(state), '0'), expected, VmState[state]);
  }
});

t.test('ACTIVE VMs use the LCM state', async (t) => {
  const cases: Array<[LcmState, string]> = [
    [LcmState.PROLOG, 'prol'],
    [LcmState.BOOT, 'boot'],
    [LcmState.RUNNING, 'runn'],
    [LcmState.MIGRATE, 'migr'],
    [LcmState.PROLOG_MIGRATE, 'migr'],
    [LcmState.BOOT_MIGRATE, 'boot'],
    [LcmState.SAVE_STOP, 'save'],
    [LcmState.EPILOG_UNDEPLOY, 'epil'],
    [LcmState.SHUTDOWN_POWEROFF, 'shut'],
    [LcmState.CLEANUP_RESUBMIT, 'clea'],
    [LcmState.UNKNOWN, 'unkn'],
    [LcmState.HOTPLUG_NIC, 'hotp'],
    [LcmState.HOTPLUG_SNAPSHOT, 'snap'],
    [LcmState.DISK_SNAPSHOT_POWEROFF, 'snap'],
    [LcmState.DISK_RESIZE, 'drsz'],
    [LcmState.BOOT_FAILURE, 'fail'],
    [LcmState.PROLOG_MIGRATE_FAILURE, 'fail'],
    [LcmState.BACKUP_POWEROFF, 'back'],
    [LcmState.RESTORE, 'rest'],
  ];

  for (const [lcmState, expected] of cases) {
    t.equal(vmShortState(active, String(lcmState)), expected, LcmState[lcmState]);
  }
});

t.test('every LCM state has a short name', async (t) => {
  const numbers = Object.values(LcmState).filter((value): value is number => typeof value === 'number');

  for (const lcmState of numbers.filter((value) => value !== LcmState.UNKNOWN)) {
    t.not(vmShortState(active, String(lcmState)), 'unkn', LcmState[lcmState]);
  }
});

t.test('unknown numbers show as unkn', async (t) => {
  t.equal(vmShortState('99', '0'), 'unkn');
  t.equal(vmShortState(active, '99'), 'unkn');
});

t.test('state names for show', async (t) => {
  t.equal(vmStateName('3'), 'ACTIVE');
  t.equal(lcmStateName('3'), 'RUNNING');
  t.equal(vmStateName('x'), 'x');
  t.equal(hostShortState('2'), 'on');
  t.equal(hostShortState('4'), 'dsbl');
  t.equal(imageShortState('1'), 'rdy');
  t.equal(imageTypeName('2'), 'DATABLOCK');
});
