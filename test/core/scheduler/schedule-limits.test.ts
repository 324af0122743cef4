import t from 'tap';

import { DEFAULT_SCHEDULER_SETTINGS, resolveSchedulerSettings, schedule } from '../../../core/scheduler/index.js';
import { datastore, host, vm } from './support/builders.js';

const hosts = () => [host(1), host(2), host(3)];
const vms = (count: number) => Array.from({ length: count }, (_, index) => vm(index + 1));

t.test('defaults match sched.conf', async (t) => {
  t.same(DEFAULT_SCHEDULER_SETTINGS, { policy: 'striping', maxDispatch: 30, maxHost: 1 });
  t.same(resolveSchedulerSettings(), { policy: 'striping', maxDispatch: 30, maxHost: 1 });
  t.same(resolveSchedulerSettings({ maxHost: 4, maxDispatch: undefined }), { policy: 'striping', maxDispatch: 30, maxHost: 4 });
});

t.test('missing settings take the defaults', async (t) => {
  const result = schedule({ vms: vms(5), hosts: hosts(), datastores: [datastore(0)] });

  t.same(
    result.placements.map((placement) => placement.hostId),
    [1, 2, 3],
    'MAX_HOST 1 gives each host one VM',
  );
  t.same(
    result.pending.map((pending) => pending.reason),
    ['host-limit', 'host-limit'],
  );
});

t.test('MAX_DISPATCH stops placements', async (t) => {
  const result = schedule({ vms: vms(5), hosts: hosts(), datastores: [datastore(0)], settings: { maxDispatch: 2, maxHost: 0 } });

  t.same(
    result.placements.map((placement) => placement.vmId),
    [1, 2],
  );
  t.same(
    result.pending.map((pending) => [pending.vmId, pending.reason]),
    [
      [3, 'dispatch-limit'],
      [4, 'dispatch-limit'],
      [5, 'dispatch-limit'],
    ],
  );
});

t.test('VMs past MAX_DISPATCH still get their own reason', async (t) => {
  const input = { vms: [vm(1), vm(2, { memoryMb: 1024 * 1024 })], hosts: hosts(), datastores: [datastore(0)], settings: { maxDispatch: 1 } };
  const result = schedule(input);

  t.equal(result.placements.length, 1);
  t.equal(result.pending[0].reason, 'memory');
});

t.test('MAX_HOST limits VMs per host', async (t) => {
  const result = schedule({ vms: vms(7), hosts: hosts(), datastores: [datastore(0)], settings: { maxDispatch: 0, maxHost: 2 } });

  t.same(
    result.placements.map((placement) => placement.hostId),
    [1, 1, 2, 2, 3, 3],
  );
  t.same(
    result.pending.map((pending) => [pending.vmId, pending.reason]),
    [[7, 'host-limit']],
  );
});

t.test('zero means no limit', async (t) => {
  const result = schedule({ vms: vms(100), hosts: [host(1, { cores: 100, memoryGb: 200 })], datastores: [datastore(0)], settings: { maxDispatch: 0, maxHost: 0 } });

  t.equal(result.placements.length, 100);
  t.equal(result.pending.length, 0);
});

t.test('invalid settings are rejected', async (t) => {
  t.throws(() => resolveSchedulerSettings({ maxDispatch: -1 }), {
    name: 'RangeError',
    message: 'Scheduler setting maxDispatch must be a whole number of 0 or more (0 means no limit), got -1.',
  });
  t.throws(() => resolveSchedulerSettings({ maxHost: 1.5 }), {
    message: 'Scheduler setting maxHost must be a whole number of 0 or more (0 means no limit), got 1.5.',
  });
  t.throws(() => resolveSchedulerSettings({ policy: 'toString' as never }), {
    message: 'Unknown scheduling policy "toString"; use packing, striping, load-aware, fixed or custom.',
  });
  t.throws(() => resolveSchedulerSettings({ policy: 'random' as never }), {
    message: 'Unknown scheduling policy "random"; use packing, striping, load-aware, fixed or custom.',
  });
  t.throws(() => resolveSchedulerSettings({ policy: 'custom' }), {
    message: 'The custom scheduling policy needs customRank, a rank expression such as "FREE_CPU - RUNNING_VMS * 10".',
  });
  t.throws(() => resolveSchedulerSettings({ policy: 'custom', customRank: 'FREE_CPU *' }), {
    message:
      'Scheduler setting customRank "FREE_CPU *" is invalid: unexpected end of expression at column 11; expected a number, an attribute name, "-" or "(".',
  });
  t.throws(() => schedule({ vms: [], hosts: [], datastores: [], settings: { maxHost: -2 } }), { name: 'RangeError' });
});
