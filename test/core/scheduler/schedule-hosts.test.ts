import t from 'tap';

import { HostState } from '../../../core/pools/records/host-record.js';
import { Template } from '../../../core/template/index.js';
import {
  SCHEDULABLE_HOST_STATES,
  schedule,
  schedulerHostFromRecord,
  type ScheduleResult,
} from '../../../core/scheduler/index.js';
import { datastore, host, input, vm } from './support/builders.js';

function hostOf(result: ScheduleResult, vmId: number): number | undefined {
  return result.placements.find((placement) => placement.vmId === vmId)?.hostId;
}

t.test('disabled, error and offline hosts get no VMs', async (t) => {
  const hosts = [
    host(1, { state: HostState.DISABLED }),
    host(2, { state: HostState.ERROR }),
    host(3, { state: HostState.OFFLINE }),
    host(4, { state: HostState.MONITORED, runningVms: 9 }),
  ];
  const result = schedule(input([vm(1), vm(2)], hosts, { settings: { maxHost: 0 } }));

  t.equal(hostOf(result, 1), 4);
  t.equal(hostOf(result, 2), 4);
});

t.test('INIT and MONITORED hosts get VMs', async (t) => {
  t.same([...SCHEDULABLE_HOST_STATES].sort(), [HostState.INIT, HostState.MONITORED]);

  const result = schedule(input([vm(1), vm(2)], [host(1, { state: HostState.INIT }), host(2, { state: HostState.MONITORED })], { settings: { maxHost: 1 } }));
  t.equal(hostOf(result, 1), 1);
  t.equal(hostOf(result, 2), 2);
});

t.test('requirements filter hosts', async (t) => {
  const hosts = [
    host(1, { attributes: { HYPERVISOR: 'lxc' } }),
    host(2, { attributes: { HYPERVISOR: 'kvm', ARCH: 'aarch64' } }),
    host(3, { attributes: { HYPERVISOR: 'kvm', ARCH: 'x86_64' } }),
  ];
  const vms = [vm(1, { requirements: 'HYPERVISOR = kvm' }), vm(2, { requirements: 'HYPERVISOR = kvm & ARCH = x86_64' }), vm(3, { requirements: 'NAME = "node1"' })];
  const result = schedule(input(vms, hosts, { settings: { maxHost: 0 } }));

  t.equal(hostOf(result, 1), 2);
  t.equal(hostOf(result, 2), 3);
  t.equal(hostOf(result, 3), 1);
});

t.test('automatic requirements combine with SCHED_REQUIREMENTS', async (t) => {
  const hosts = [
    host(1, { clusterId: 0, attributes: { HYPERVISOR: 'kvm' } }),
    host(2, { clusterId: 100, attributes: { HYPERVISOR: 'lxc' } }),
    host(3, { clusterId: 100, attributes: { HYPERVISOR: 'kvm' } }),
  ];
  const vms = [
    vm(1, { automaticRequirements: 'CLUSTER_ID = 100', requirements: 'HYPERVISOR = kvm' }),
    vm(2, { automaticRequirements: 'CLUSTER_ID = 100' }),
    vm(3, { automaticRequirements: 'CLUSTER_ID = 0 | CLUSTER_ID = 100', requirements: 'HYPERVISOR = lxc' }),
  ];
  const result = schedule(input(vms, hosts, { datastores: [datastore(0, { clusterIds: [0, 100] })], settings: { maxHost: 0 } }));

  t.equal(hostOf(result, 1), 3);
  t.equal(hostOf(result, 2), 2);
  t.equal(hostOf(result, 3), 2, 'the automatic part does not change how the user part groups');
});

t.test('anti-affinity sees VMs placed earlier', async (t) => {
  const hosts = [host(1), host(2), host(3)];
  const vms = [vm(1), vm(2, { requirements: 'CURRENT_VMS != 1' }), vm(3, { requirements: 'CURRENT_VMS = 1' }), vm(4, { requirements: '(CURRENT_VMS != 1) & (CURRENT_VMS != 2)' })];
  const result = schedule(input(vms, hosts, { settings: { maxHost: 0 } }));

  t.equal(hostOf(result, 1), 1);
  t.equal(hostOf(result, 2), 2, 'host 1 ranks first but runs VM 1');
  t.equal(hostOf(result, 3), 1);
  t.equal(hostOf(result, 4), 3);
});

t.test('affinity with a VM placed later fails', async (t) => {
  const result = schedule(input([vm(1, { requirements: 'CURRENT_VMS = 2' }), vm(2)], [host(1), host(2)]));

  t.equal(hostOf(result, 1), undefined, 'VM 2 is not placed yet when VM 1 is scheduled');
  t.equal(hostOf(result, 2), 1);
});

t.test('many requirement strings in one cycle', async (t) => {
  const hosts = Array.from({ length: 64 }, (_, id) => host(id));
  const vms = hosts.map((target) => vm(target.id, { requirements: `ID = ${63 - target.id}` }));
  const result = schedule(input(vms, hosts, { settings: { maxHost: 1 } }));

  t.equal(result.placements.length, 64);
  for (const placement of result.placements) t.equal(placement.hostId, 63 - placement.vmId);
});

t.test('host from stored record', async (t) => {
  const template = Template.parseText('HYPERVISOR = "kvm"\nPCI = [ VENDOR = "10de" ]');
  const converted = schedulerHostFromRecord(
    {
      id: 4,
      uid: 0,
      gid: 0,
      uname: 'oneadmin',
      gname: 'oneadmin',
      name: 'node4',
      permissions: undefined as never,
      lock: null,
      state: HostState.MONITORED,
      prevState: HostState.INIT,
      imMad: 'kvm',
      vmMad: 'kvm',
      clusterId: 100,
      cluster: 'grid',
      share: { memUsage: 1_048_576, cpuUsage: 100, totalMem: 8_388_608, totalCpu: 400, maxMem: 8_388_608, maxCpu: 400, runningVms: 1 },
      vms: [12],
      template,
      monitoring: { timestamp: 1, freeCpu: 300, freeMemory: 4096, usedCpu: 100, usedMemory: 4096 },
    },
    { clusterTemplate: Template.parseText('ZONE = "north"'), localDatastores: [{ id: 2, freeMb: 50 }] },
  );

  t.equal(converted.maxCpu, 400);
  t.equal(converted.memUsage, 1_048_576);
  t.same(converted.vmIds, [12]);
  t.same(converted.monitoring, { freeCpu: 300, usedCpu: 100, freeMemory: 4096, usedMemory: 4096 });
  t.same(converted.localDatastores, [{ id: 2, freeMb: 50 }]);

  const requirements = 'HYPERVISOR = kvm & "PCI/VENDOR" = "10de" & ZONE = north & FREE_CPU = 300 & CURRENT_VMS = 12 & VM_MAD = kvm';
  const result = schedule(input([vm(1, { requirements })], [converted], { datastores: [{ id: 0, name: 'system', clusterIds: [100], shared: true, freeMb: 100 }] }));
  t.equal(hostOf(result, 1), 4, result.pending[0]?.message);
});
