import t from 'tap';

import { schedule, type ScheduleResult } from '../../../core/scheduler/index.js';
import { host, input, vm } from './support/builders.js';

const hostsByVms = () => [host(1, { runningVms: 5 }), host(2, { runningVms: 1 }), host(3, { runningVms: 3 })];

function hostOf(result: ScheduleResult, vmId: number): number | undefined {
  return result.placements.find((placement) => placement.vmId === vmId)?.hostId;
}

function monitored(id: number, freeCpu: number) {
  return host(id, { monitoring: { freeCpu, usedCpu: 800 - freeCpu, freeMemory: 0, usedMemory: 0 } });
}

t.test('striping prefers fewest running VMs', async (t) => {
  const result = schedule(input([vm(1), vm(2), vm(3)], hostsByVms(), { settings: { policy: 'striping', maxHost: 1 } }));

  t.equal(hostOf(result, 1), 2);
  t.equal(hostOf(result, 2), 3);
  t.equal(hostOf(result, 3), 1);
});

t.test('packing prefers most running VMs', async (t) => {
  const result = schedule(input([vm(1), vm(2), vm(3)], hostsByVms(), { settings: { policy: 'packing', maxHost: 1 } }));

  t.equal(hostOf(result, 1), 1);
  t.equal(hostOf(result, 2), 3);
  t.equal(hostOf(result, 3), 2);
});

t.test('load-aware prefers most free CPU', async (t) => {
  const hosts = [monitored(1, 100), monitored(2, 700), monitored(3, 400), host(4)];
  const result = schedule(input([vm(1), vm(2), vm(3), vm(4)], hosts, { settings: { policy: 'load-aware', maxHost: 1 } }));

  t.equal(hostOf(result, 1), 2);
  t.equal(hostOf(result, 2), 3);
  t.equal(hostOf(result, 3), 1);
  t.equal(hostOf(result, 4), 4, 'a host without monitoring has FREE_CPU 0');
});

t.test('fixed policy ranks by PRIORITY', async (t) => {
  const hosts = [
    host(1, { attributes: { PRIORITY: '10' } }),
    host(2, { attributes: { PRIORITY: '50' } }),
    host(3, { clusterTemplate: [{ name: 'PRIORITY', value: '30' }] }),
  ];
  const result = schedule(input([vm(1), vm(2), vm(3)], hosts, { settings: { policy: 'fixed', maxHost: 1 } }));

  t.equal(hostOf(result, 1), 2);
  t.equal(hostOf(result, 2), 3, 'the cluster template gives PRIORITY when the host has none');
  t.equal(hostOf(result, 3), 1);
});

t.test('custom policy uses customRank', async (t) => {
  const hosts = [host(1, { cores: 4 }), host(2, { cores: 16 }), host(3, { cores: 8 })];
  const settings = { policy: 'custom' as const, customRank: '- MAX_CPU', maxHost: 1 };
  const result = schedule(input([vm(1), vm(2)], hosts, { settings }));

  t.equal(hostOf(result, 1), 1);
  t.equal(hostOf(result, 2), 3);
});

t.test('equal ranks go to the lower host ID', async (t) => {
  const hosts = [host(9), host(4), host(6)];
  const result = schedule(input([vm(1), vm(2), vm(3)], hosts, { settings: { maxHost: 1 } }));

  t.same(
    result.placements.map((placement) => placement.hostId),
    [4, 6, 9],
  );
});

t.test('SCHED_RANK overrides the policy', async (t) => {
  const result = schedule(input([vm(1, { rank: 'RUNNING_VMS' }), vm(2)], hostsByVms(), { settings: { policy: 'striping', maxHost: 1 } }));

  t.equal(hostOf(result, 1), 1, 'SCHED_RANK RUNNING_VMS packs');
  t.equal(hostOf(result, 2), 2, 'the VM without SCHED_RANK stripes');
  t.equal(result.placements[0].warning, undefined);
});

t.test('SCHED_RANK arithmetic orders hosts', async (t) => {
  const hosts = [host(1, { runningVms: 2, cores: 8 }), host(2, { runningVms: 0, cores: 2 }), host(3, { runningVms: 1, cores: 4 })];
  const result = schedule(input([vm(1, { rank: 'MAX_CPU / 100 - RUNNING_VMS * 2' })], hosts));

  t.equal(hostOf(result, 1), 1, 'ranks are 4, 2 and 2');
});

t.test('invalid SCHED_RANK falls back to the policy', async (t) => {
  const result = schedule(input([vm(1, { rank: 'FREE_CPU +' })], hostsByVms(), { settings: { policy: 'striping' } }));

  t.equal(hostOf(result, 1), 2);
  t.equal(
    result.placements[0].warning,
    'SCHED_RANK "FREE_CPU +" is invalid: unexpected end of expression at column 11; expected a number, an attribute name, "-" or "("; ' +
      'hosts were ranked by the striping policy instead',
  );
});

t.test('rank NaN sorts last', async (t) => {
  const hosts = [host(1, { attributes: { WEIGHT: '0' } }), host(2, { attributes: { WEIGHT: '1' } }), host(3, { attributes: { WEIGHT: '-1' } })];
  const result = schedule(input([vm(1, { rank: '1 / WEIGHT - 1 / WEIGHT' }), vm(2, { rank: 'WEIGHT / 0' })], hosts, { settings: { maxHost: 1 } }));

  t.equal(hostOf(result, 1), 2, 'host 1 ranks NaN, so the tie between 2 and 3 goes to the lower ID');
  t.equal(hostOf(result, 2), 1, 'host 2 (+Infinity) is taken, and NaN ties with -Infinity, so host 1 goes before host 3');
});

t.test('ranks use start-of-cycle values', async (t) => {
  const result = schedule(input([vm(1), vm(2)], [host(1, { runningVms: 0 }), host(2, { runningVms: 1 })], { settings: { maxHost: 0 } }));

  t.equal(hostOf(result, 1), 1);
  t.equal(hostOf(result, 2), 1, 'RUNNING_VMS of host 1 still reads 0 for the second VM, as in OpenNebula');
});

t.test('VMs go by priority then ID', async (t) => {
  const vms = [vm(5), vm(3, { priority: 1 }), vm(1), vm(4, { priority: 10 }), vm(2, { priority: 1 })];
  const result = schedule(input(vms, [host(1, { cores: 100, memoryGb: 100 })]));

  t.same(
    result.placements.map((placement) => placement.vmId),
    [4, 2, 3, 1, 5],
  );
});

t.test('higher priority takes the last slot', async (t) => {
  const result = schedule(input([vm(1), vm(2, { priority: 5 })], [host(1, { cores: 1 })]));

  t.equal(hostOf(result, 2), 1);
  t.equal(result.pending[0].vmId, 1);
});
