import t from 'tap';

import { HostState } from '../../../core/pools/records/host-record.js';
import { schedule, type ScheduleResult } from '../../../core/scheduler/index.js';
import { datastore, host, input, vm } from './support/builders.js';

function hostOf(result: ScheduleResult, vmId: number): number | undefined {
  return result.placements.find((placement) => placement.vmId === vmId)?.hostId;
}

function placementOf(result: ScheduleResult, vmId: number) {
  return result.placements.find((placement) => placement.vmId === vmId);
}

t.test('CPU placed in the cycle is reserved', async (t) => {
  const result = schedule(input([vm(1, { cpu: 3 }), vm(2, { cpu: 3 })], [host(1, { cores: 4 }), host(2, { cores: 4 })]));

  t.equal(hostOf(result, 1), 1);
  t.equal(hostOf(result, 2), 2);
});

t.test('memory placed in the cycle is reserved', async (t) => {
  const result = schedule(input([vm(1, { memoryMb: 3072 }), vm(2, { memoryMb: 3072 })], [host(1, { memoryGb: 4 }), host(2, { memoryGb: 4 })]));

  t.equal(hostOf(result, 1), 1);
  t.equal(hostOf(result, 2), 2);
});

t.test('VM fits exactly the free capacity', async (t) => {
  const result = schedule(input([vm(1, { cpu: 1.5, memoryMb: 2048 })], [host(1, { cores: 2, memoryGb: 2, cpuUsage: 50 })]));

  t.equal(hostOf(result, 1), 1);
});

t.test('usage already on the host counts', async (t) => {
  const hosts = [host(1, { cores: 4, cpuUsage: 350 }), host(2, { memoryGb: 4, memUsage: 4 * 1024 * 1024 - 100 }), host(3)];
  const result = schedule(input([vm(1)], hosts));

  t.equal(hostOf(result, 1), 3);
});

t.test('CPU rounds to whole percent', async (t) => {
  const result = schedule(input([vm(1, { cpu: 0.29 }), vm(2, { cpu: 0.71 })], [host(1, { cores: 1 })]));

  t.equal(hostOf(result, 1), 1);
  t.equal(hostOf(result, 2), 1, '29 + 71 percent fill one core');
});

t.test('reservations hold capacity', async (t) => {
  const reservations = [{ vmId: 50, hostId: 1, cpu: 3, memoryMb: 1024 }];
  const result = schedule(input([vm(1, { cpu: 2 })], [host(1, { cores: 4 }), host(2, { cores: 4 })], { reservations }));

  t.equal(hostOf(result, 1), 2);
});

t.test('reservations count in expressions', async (t) => {
  const reservations = [
    { vmId: 50, hostId: 1, cpu: 1, memoryMb: 1024 },
    { vmId: 51, hostId: 1, cpu: 1, memoryMb: 1024 },
  ];
  const hosts = [host(1), host(2, { runningVms: 1 })];

  const striped = schedule(input([vm(1)], hosts, { reservations }));
  t.equal(hostOf(striped, 1), 2, 'host 1 has RUNNING_VMS 2 with the reservations');

  const together = schedule(input([vm(1, { requirements: 'CURRENT_VMS = 51' })], hosts, { reservations }));
  t.equal(hostOf(together, 1), 1);

  const usage = schedule(input([vm(1, { requirements: 'CPU_USAGE = 200 & MEM_USAGE = 2097152' })], hosts, { reservations }));
  t.equal(hostOf(usage, 1), 1);
});

t.test('reservations on excluded hosts are ignored', async (t) => {
  const reservations = [{ vmId: 50, hostId: 9, cpu: 1, memoryMb: 1024, datastoreId: 0, systemDiskMb: 10 }];
  const result = schedule(input([vm(1)], [host(1), host(9, { state: HostState.DISABLED })], { reservations }));

  t.equal(hostOf(result, 1), 1);
});

t.test('system datastore with most free space', async (t) => {
  const datastores = [datastore(0, { freeMb: 1000 }), datastore(1, { freeMb: 5000 }), datastore(2, { freeMb: 5000 })];
  const result = schedule(input([vm(1, { systemDiskMb: 3000 }), vm(2, { systemDiskMb: 1500 })], [host(1)], { datastores }));

  t.equal(placementOf(result, 1)?.datastoreId, 1, 'ties go to the lower datastore ID');
  t.equal(placementOf(result, 2)?.datastoreId, 2, 'datastore 1 has 2000 MiB left after VM 1');
});

t.test('datastore space placed in the cycle is reserved', async (t) => {
  const datastores = [datastore(0, { freeMb: 5000 })];
  const result = schedule(input([vm(1, { systemDiskMb: 3000 }), vm(2, { systemDiskMb: 3000 })], [host(1), host(2)], { datastores }));

  t.equal(hostOf(result, 1), 1);
  t.equal(result.pending[0]?.vmId, 2);
  t.equal(result.pending[0]?.reason, 'datastore');
});

t.test('datastores serve their clusters only', async (t) => {
  const hosts = [host(1, { clusterId: 0 }), host(2, { clusterId: 1 })];
  const datastores = [datastore(0, { clusterIds: [0], freeMb: 100 }), datastore(1, { clusterIds: [1], freeMb: 10_000 })];
  const result = schedule(input([vm(1, { systemDiskMb: 500 })], hosts, { datastores }));

  t.equal(hostOf(result, 1), 2);
  t.equal(placementOf(result, 1)?.datastoreId, 1);
});

t.test('datastore reservations hold space', async (t) => {
  const datastores = [datastore(0, { freeMb: 5000 })];
  const reservations = [{ vmId: 50, hostId: 1, cpu: 0, memoryMb: 0, datastoreId: 0, systemDiskMb: 4500 }];
  const result = schedule(input([vm(1, { systemDiskMb: 1000 })], [host(1)], { datastores, reservations }));

  t.equal(result.pending[0]?.reason, 'datastore');
});

t.test('non-shared datastore uses host space', async (t) => {
  const datastores = [datastore(5, { shared: false, freeMb: 1_000_000 })];
  const hosts = [
    host(1, { localDatastores: [{ id: 5, freeMb: 800 }] }),
    host(2, { localDatastores: [{ id: 5, freeMb: 3000 }] }),
    host(3),
  ];
  const vms = [vm(1, { systemDiskMb: 2000 }), vm(2, { systemDiskMb: 2000 }), vm(3, { systemDiskMb: 500 }), vm(4, { systemDiskMb: 0, requirements: 'ID = 3' })];
  const result = schedule(input(vms, hosts, { datastores }));

  t.equal(hostOf(result, 1), 2);
  t.equal(placementOf(result, 1)?.datastoreId, 5);
  t.equal(result.pending.find((pending) => pending.vmId === 2)?.reason, 'datastore', 'host 2 has 1000 MiB left');
  t.equal(hostOf(result, 3), 1);
  t.equal(hostOf(result, 4), 3, 'a host that reports no space fits a VM without a system disk');
});

t.test('resched VM moves to another host', async (t) => {
  const hosts = [host(1), host(2, { runningVms: 4 })];
  const resched = vm(1, { resched: { hostId: 1, datastoreId: 0 }, systemDiskMb: 10_000 });
  const result = schedule(input([resched], hosts, { datastores: [datastore(0, { freeMb: 10 })] }));

  t.same(placementOf(result, 1), { vmId: 1, hostId: 2, datastoreId: 0, migrate: true }, 'a shared datastore needs no new space');
});

t.test('resched VM keeps its datastore', async (t) => {
  const hosts = [host(1, { clusterId: 0 }), host(2, { clusterId: 1 }), host(3, { clusterId: 0, runningVms: 1 })];
  const datastores = [datastore(0, { clusterIds: [0] }), datastore(1, { clusterIds: [1], freeMb: 10_000_000 })];
  const result = schedule(input([vm(1, { resched: { hostId: 1, datastoreId: 0 } })], hosts, { datastores }));

  t.equal(hostOf(result, 1), 3, 'host 2 is in a cluster that datastore 0 does not serve');
  t.equal(placementOf(result, 1)?.datastoreId, 0);
});

t.test('resched VM on non-shared datastore', async (t) => {
  const hosts = [host(1, { localDatastores: [{ id: 5, freeMb: 10_000 }] }), host(2, { localDatastores: [{ id: 5, freeMb: 100 }] }), host(3, { localDatastores: [{ id: 5, freeMb: 900 }] })];
  const datastores = [datastore(5, { shared: false })];
  const result = schedule(input([vm(1, { resched: { hostId: 1, datastoreId: 5 }, systemDiskMb: 500 })], hosts, { datastores }));

  t.equal(hostOf(result, 1), 3, 'the files move, so the new host needs the space');
});
