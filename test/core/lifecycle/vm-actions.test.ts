import t from 'tap';
import {
  ACTION_ALLOWED_FROM,
  actionPermission,
  describePosition,
  isFailureState,
  isVmAction,
  VM_ACTIONS,
  type VmActionName,
} from '../../../core/lifecycle/vm-actions.js';
import { LcmState, VmState } from '../../../core/vm/states.js';

const RUNNING = { state: VmState.ACTIVE, lcmState: LcmState.RUNNING };
const UNKNOWN = { state: VmState.ACTIVE, lcmState: LcmState.UNKNOWN };
const BOOT = { state: VmState.ACTIVE, lcmState: LcmState.BOOT };
const BOOT_FAILURE = { state: VmState.ACTIVE, lcmState: LcmState.BOOT_FAILURE };
const at = (state: VmState) => ({ state, lcmState: LcmState.LCM_INIT });

t.test('action names match OpenNebula', async (t) => {
  t.equal(VM_ACTIONS.length, 15);
  t.ok(isVmAction('terminate-hard'));
  t.notOk(isVmAction('shutdown'), 'removed in OpenNebula 5');
  t.notOk(isVmAction('delete'), 'replaced by terminate and recover');
});

t.test('allowed positions per action', async (t) => {
  const cases: Array<[VmActionName, object, boolean]> = [
    ['terminate', RUNNING, true],
    ['terminate', at(VmState.PENDING), true],
    ['terminate', BOOT_FAILURE, true],
    ['terminate', BOOT, false],
    ['poweroff', RUNNING, true],
    ['poweroff', UNKNOWN, true],
    ['poweroff', at(VmState.POWEROFF), false],
    ['hold', at(VmState.PENDING), true],
    ['hold', at(VmState.HOLD), false],
    ['release', at(VmState.HOLD), true],
    ['suspend', RUNNING, true],
    ['suspend', at(VmState.SUSPENDED), false],
    ['resume', at(VmState.SUSPENDED), true],
    ['resume', at(VmState.POWEROFF), true],
    ['resume', at(VmState.STOPPED), true],
    ['resume', RUNNING, false],
    ['stop', RUNNING, true],
    ['stop', at(VmState.SUSPENDED), true],
    ['undeploy', at(VmState.POWEROFF), true],
    ['reboot', UNKNOWN, false],
    ['resched', RUNNING, true],
  ];

  for (const [action, position, expected] of cases) {
    t.equal(
      ACTION_ALLOWED_FROM[action](position as never),
      expected,
      `${action} from ${describePosition(position as never)}`,
    );
  }
});

t.test('failure states are recognised', async (t) => {
  t.ok(isFailureState(BOOT_FAILURE));
  t.notOk(isFailureState(RUNNING));
  t.notOk(isFailureState(at(VmState.POWEROFF)));
});

t.test('resched needs ADMIN', async (t) => {
  t.equal(actionPermission('resched'), 'ADMIN');
  t.equal(actionPermission('unresched'), 'ADMIN');
  t.equal(actionPermission('terminate'), 'MANAGE');
});

t.test('positions read as OpenNebula names', async (t) => {
  t.equal(describePosition(RUNNING), 'ACTIVE/RUNNING');
  t.equal(describePosition(at(VmState.POWEROFF)), 'POWEROFF');
});
