import t, { type Test } from 'tap';

import { HostState } from '../../../core/pools/records/host-record.js';
import { schedule, type PendingResult, type ScheduleInput } from '../../../core/scheduler/index.js';
import { datastore, host, input, vm } from './support/builders.js';

const GIB_IN_KIB = 1024 * 1024;

/** Schedules and returns the one pending result, failing the test when there is not exactly one. */
function pendingOf(t: Test, scheduleInput: ScheduleInput): PendingResult {
  const result = schedule(scheduleInput);
  t.equal(result.pending.length, 1, 'one VM stays pending');
  return result.pending[0] ?? { vmId: -1, reason: 'requirements', message: '' };
}

const lxcHosts = () => [1, 2, 3, 4, 5].map((id) => host(id, { attributes: { HYPERVISOR: 'lxc' } }));

t.test('invalid capacity message', async (t) => {
  const cpu = pendingOf(t, input([vm(1, { cpu: NaN })], [host(1)]));
  t.equal(cpu.reason, 'invalid-capacity');
  t.equal(cpu.message, 'The VM cannot be scheduled because CPU is NaN; it must be a number of 0 or more');

  const memory = pendingOf(t, input([vm(1, { memoryMb: -1 })], [host(1)]));
  t.equal(memory.message, 'The VM cannot be scheduled because MEMORY is -1; it must be a number of 0 or more');

  const disk = pendingOf(t, input([vm(1, { systemDiskMb: Infinity })], [host(1)]));
  t.equal(disk.message, 'The VM cannot be scheduled because the system disk size is Infinity; it must be a number of 0 or more');
});

t.test('invalid requirements message', async (t) => {
  const user = pendingOf(t, input([vm(1, { requirements: 'HYPERVISOR = = kvm' })], [host(1)]));
  t.equal(user.reason, 'invalid-requirements');
  t.equal(
    user.message,
    'SCHED_REQUIREMENTS "HYPERVISOR = = kvm" is invalid: unexpected "=" at column 14; expected a number, a quoted string or a name after "="',
  );

  const automatic = pendingOf(t, input([vm(1, { automaticRequirements: 'CLUSTER_ID =' })], [host(1)]));
  t.equal(automatic.reason, 'invalid-requirements');
  t.equal(
    automatic.message,
    'AUTOMATIC_REQUIREMENTS "CLUSTER_ID =" is invalid: unexpected end of expression at column 13; expected a number, a quoted string or a name after "="',
  );
});

t.test('no enabled hosts message', async (t) => {
  const hosts = [
    host(1, { state: HostState.DISABLED }),
    host(2, { state: HostState.DISABLED }),
    host(3, { state: HostState.ERROR }),
    host(4, { state: HostState.OFFLINE }),
  ];
  const excluded = pendingOf(t, input([vm(1)], hosts));
  t.equal(excluded.reason, 'no-enabled-hosts');
  t.equal(excluded.message, 'No host is enabled to run VMs: 2 hosts disabled, 1 host in error, 1 host offline');

  const none = pendingOf(t, input([vm(1)], []));
  t.equal(none.reason, 'no-enabled-hosts');
  t.equal(none.message, 'No hosts exist to run VMs; an administrator must add one');
});

t.test('requirements message', async (t) => {
  const plain = pendingOf(t, input([vm(1, { requirements: 'HYPERVISOR = kvm' })], lxcHosts()));
  t.equal(plain.reason, 'requirements');
  t.equal(plain.message, 'No host meets SCHED_REQUIREMENTS "HYPERVISOR = kvm": 0 of 5 hosts match');

  const missing = pendingOf(t, input([vm(1, { requirements: 'GPU = a100' })], lxcHosts()));
  t.equal(missing.message, 'No host meets SCHED_REQUIREMENTS "GPU = a100": 0 of 5 hosts match; no host has the attribute GPU');

  const twoMissing = pendingOf(t, input([vm(1, { requirements: 'GPU = a100 | FPGA = x | HYPERVISOR = kvm' })], lxcHosts()));
  t.equal(twoMissing.message, 'No host meets SCHED_REQUIREMENTS "GPU = a100 | FPGA = x | HYPERVISOR = kvm": 0 of 5 hosts match; no host has the attributes GPU, FPGA');

  const lowerCase = pendingOf(t, input([vm(1, { requirements: 'hypervisor = lxc' })], lxcHosts()));
  t.equal(
    lowerCase.message,
    'No host meets SCHED_REQUIREMENTS "hypervisor = lxc": 0 of 5 hosts match; no host has the attribute hypervisor (names are case-sensitive: did you mean HYPERVISOR?)',
  );

  const affinity = pendingOf(t, input([vm(1, { requirements: 'CURRENT_VMS = 99' })], lxcHosts()));
  t.equal(affinity.message, 'No host meets SCHED_REQUIREMENTS "CURRENT_VMS = 99": 0 of 5 hosts match');
});

t.test('automatic requirements message', async (t) => {
  const hosts = lxcHosts().map((each) => ({ ...each, clusterId: each.id <= 2 ? 100 : 0 }));
  const datastores = [datastore(0, { clusterIds: [0, 100] })];

  const narrowed = pendingOf(t, input([vm(1, { automaticRequirements: 'CLUSTER_ID = 100', requirements: 'HYPERVISOR = kvm' })], hosts, { datastores }));
  t.equal(narrowed.reason, 'requirements');
  t.equal(narrowed.message, 'No host meets SCHED_REQUIREMENTS "HYPERVISOR = kvm": 0 of the 2 hosts that meet AUTOMATIC_REQUIREMENTS match');

  const cluster = pendingOf(t, input([vm(1, { automaticRequirements: 'CLUSTER_ID = 7', requirements: 'HYPERVISOR = lxc' })], hosts, { datastores }));
  t.equal(cluster.message, 'No host meets AUTOMATIC_REQUIREMENTS "CLUSTER_ID = 7": 0 of 5 hosts match');
});

t.test('resched to its own host only message', async (t) => {
  const hosts = [host(1, { attributes: { GPU: 'yes' } }), host(2)];
  const pending = pendingOf(t, input([vm(1, { requirements: 'GPU = yes', resched: { hostId: 1, datastoreId: 0 } })], hosts));

  t.equal(pending.reason, 'requirements');
  t.equal(pending.message, 'No host other than its current host 1 (node1) meets the requirements, and a rescheduled VM must move to another host');
});

t.test('memory message', async (t) => {
  const hosts = [host(1, { memoryGb: 8 }), host(2, { memoryGb: 12 }), host(3, { memoryGb: 16 })];

  const pending = pendingOf(t, input([vm(1, { memoryMb: 64 * 1024 })], hosts));
  t.equal(pending.reason, 'memory');
  t.equal(pending.message, 'No host with 64 GB free memory; the largest free is 16 GB on host 3 (node3)');

  const narrowed = pendingOf(t, input([vm(1, { memoryMb: 64 * 1024, requirements: 'ID < 3' })], hosts));
  t.equal(narrowed.message, 'No host with 64 GB free memory (2 hosts meet the requirements); the largest free is 12 GB on host 2 (node2)');

  const single = pendingOf(t, input([vm(1, { memoryMb: 64 * 1024, requirements: 'ID = 1' })], hosts));
  t.equal(single.message, 'No host with 64 GB free memory (1 host meets the requirements); the largest free is 8 GB on host 1 (node1)');

  const rounding = pendingOf(t, input([vm(1, { memoryMb: 16 * 1024 })], [host(1, { memoryGb: 16, memUsage: 40 * 1024 })]));
  t.equal(rounding.message, 'No host with 16 GB free memory; the largest free is 15.9 GB on host 1 (node1)', 'free rounds down');

  const small = pendingOf(t, input([vm(1, { memoryMb: 700 })], [host(1, { memoryGb: 1, memUsage: GIB_IN_KIB - 500 * 1024 })]));
  t.equal(small.message, 'No host with 700 MB free memory; the largest free is 500 MB on host 1 (node1)');
});

t.test('memory placed earlier in the cycle', async (t) => {
  const result = schedule(input([vm(1, { memoryMb: 10 * 1024 }), vm(2, { memoryMb: 10 * 1024 })], [host(1, { memoryGb: 16 })]));

  t.equal(result.pending[0]?.message, 'No host with 10 GB free memory; the largest free is 6 GB on host 1 (node1)');
});

t.test('cpu message', async (t) => {
  const hosts = [host(1, { cores: 1, cpuUsage: 80 }), host(2, { cores: 1, cpuUsage: 50 })];
  const pending = pendingOf(t, input([vm(1, { cpu: 2 })], hosts));

  t.equal(pending.reason, 'cpu');
  t.equal(pending.message, 'No host with 2 CPU free; the maximum free is 0.5 CPU on host 2 (node2)');
});

t.test('cpu and memory message', async (t) => {
  const neither = pendingOf(t, input([vm(1, { cpu: 16, memoryMb: 64 * 1024 })], [host(1, { cores: 8, memoryGb: 32 }), host(2, { cores: 4, memoryGb: 48 })]));
  t.equal(neither.reason, 'cpu-and-memory');
  t.equal(
    neither.message,
    'No host with 64 GB free memory or 16 CPU free; the largest free memory is 48 GB on host 2 (node2), and the maximum free CPU is 8 CPU on host 1 (node1)',
  );

  const hosts = [host(1, { cores: 8, memoryGb: 4 }), host(2, { cores: 1, cpuUsage: 50, memoryGb: 64 }), host(3, { cores: 1, memoryGb: 32 })];
  const split = pendingOf(t, input([vm(1, { cpu: 2, memoryMb: 16 * 1024 })], hosts));
  t.equal(split.reason, 'cpu-and-memory');
  t.equal(split.message, 'Host 3 (node3) has enough memory but too little CPU (1 CPU free, 2 needed), and no host has enough of both');
});

t.test('datastore message', async (t) => {
  const hosts = [host(1), host(2)];

  const space = pendingOf(t, input([vm(1, { systemDiskMb: 20 * 1024 })], hosts, { datastores: [datastore(0, { freeMb: 5 * 1024 }), datastore(1, { freeMb: 3 * 1024 })] }));
  t.equal(space.reason, 'datastore');
  t.equal(space.message, 'No system datastore has 20 GB free for the 2 hosts with enough CPU and memory; the largest free is 5 GB on datastore 0 (system0)');

  const local = pendingOf(
    t,
    input([vm(1, { systemDiskMb: 2048, requirements: 'ID = 2' })], [host(1), host(2, { localDatastores: [{ id: 4, freeMb: 1000 }] })], {
      datastores: [datastore(4, { shared: false })],
    }),
  );
  t.equal(
    local.message,
    'No system datastore has 2 GB free for host 2 (node2), the only host with enough CPU and memory; the largest free is 1000 MB on datastore 4 (system4) of host 2 (node2)',
  );

  const noneServes = pendingOf(t, input([vm(1)], [host(1, { clusterId: 5 }), host(2, { clusterId: 6 })]));
  t.equal(noneServes.message, 'No system datastore serves the clusters of the 2 hosts with enough CPU and memory, such as host 1 (node1)');

  const noneForOne = pendingOf(t, input([vm(1)], [host(1, { clusterId: 5 })]));
  t.equal(noneForOne.message, 'No system datastore serves the cluster of host 1 (node1), the only host with enough CPU and memory');

  const resched = pendingOf(t, input([vm(1, { resched: { hostId: 1, datastoreId: 9 } })], hosts));
  t.equal(resched.message, "The VM's system datastore 9 is not available, or has less than 0 KB free, on host 2 (node2), the only host with enough CPU and memory");
});

t.test('host limit message', async (t) => {
  const result = schedule(input([vm(1), vm(2)], [host(1)], { settings: { maxHost: 1 } }));

  t.equal(result.pending[0]?.reason, 'host-limit');
  t.equal(
    result.pending[0]?.message,
    'Waiting for a later cycle: every host that can run the VM already received 1 VM in this cycle, the maximum per host (MAX_HOST = 1)',
  );

  const three = schedule(input([vm(1), vm(2), vm(3), vm(4)], [host(1)], { settings: { maxHost: 3 } }));
  t.equal(three.pending[0]?.message, 'Waiting for a later cycle: every host that can run the VM already received 3 VMs in this cycle, the maximum per host (MAX_HOST = 3)');
});

t.test('host limit ahead of capacity', async (t) => {
  const hosts = [host(1, { cores: 2 }), host(2, { cores: 1 })];
  const result = schedule(input([vm(1, { cpu: 1 }), vm(2, { cpu: 1 }), vm(3, { cpu: 2 })], hosts, { settings: { maxHost: 1 } }));

  t.equal(result.pending[0]?.vmId, 3);
  t.equal(result.pending[0]?.reason, 'cpu', 'host 1 reached MAX_HOST, but it also lacks the CPU now');
  t.equal(result.pending[0]?.message, 'No host with 2 CPU free; the maximum free is 1 CPU on host 1 (node1)');
});

t.test('dispatch limit message', async (t) => {
  const result = schedule(input([vm(1), vm(2), vm(3)], [host(1)], { settings: { maxDispatch: 2 } }));

  t.equal(result.pending[0]?.reason, 'dispatch-limit');
  t.equal(result.pending[0]?.message, 'Waiting for a later cycle: this cycle already placed 2 VMs, the maximum per cycle (MAX_DISPATCH = 2)');
});

t.test('pending VM keeps the rank warning', async (t) => {
  const pending = pendingOf(t, input([vm(1, { rank: 'FREE_CPU *', memoryMb: 1024 * 1024 })], [host(1)]));

  t.equal(pending.reason, 'memory');
  t.match(pending.warning, /^SCHED_RANK "FREE_CPU \*" is invalid: unexpected end of expression at column 11/);
});
