import t from 'tap';

import { HostState } from '../../../core/pools/records/host-record.js';
import { HostAttributes } from '../../../core/scheduler/host-attributes.js';
import {
  compileRank,
  compileRequirement,
  resolveSchedulerSettings,
  schedule,
  type PendingVm,
  type Placement,
  type ScheduleInput,
  type SchedulerHost,
  type SchedulingPolicy,
} from '../../../core/scheduler/index.js';
import { datastore, host } from './support/builders.js';

/**
 * Compares `schedule` with a plain reference that checks every host for every VM, on
 * random inputs. The reference shares only the expression evaluator, which the
 * expression tests cover, so the indexes, trees and caches of `schedule` are checked
 * against the rules alone.
 */

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

const POLICY_RANKS: Record<string, string> = {
  packing: 'RUNNING_VMS',
  striping: '- RUNNING_VMS',
  'load-aware': 'FREE_CPU',
  fixed: 'PRIORITY',
};

function randomInput(seed: number): ScheduleInput {
  const next = random(seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)];
  const hostCount = 20 + Math.floor(next() * 60);

  const hosts: SchedulerHost[] = Array.from({ length: hostCount }, (_, id) =>
    host(id, {
      state: pick([HostState.MONITORED, HostState.MONITORED, HostState.MONITORED, HostState.INIT, HostState.DISABLED, HostState.ERROR]),
      clusterId: pick([0, 1, 2]),
      cores: pick([1, 2, 4, 8]),
      memoryGb: pick([2, 4, 8]),
      cpuUsage: pick([0, 50, 100]),
      runningVms: Math.floor(next() * 5),
      vmIds: next() < 0.2 ? [1000 + Math.floor(next() * 5)] : [],
      monitoring: { freeCpu: Math.floor(next() * 800), usedCpu: 0, freeMemory: 0, usedMemory: 0 },
      attributes: { HYPERVISOR: pick(['kvm', 'kvm', 'lxc']), PRIORITY: String(Math.floor(next() * 10)) },
      localDatastores: [{ id: 9, freeMb: pick([0, 2000, 8000]) }],
    }),
  );

  const datastores = [
    datastore(0, { clusterIds: [0, 1], freeMb: pick([5000, 50_000, 500_000]) }),
    datastore(1, { clusterIds: [1], freeMb: pick([5000, 50_000]) }),
    datastore(9, { clusterIds: [2], shared: false }),
  ];

  const vmCount = 50 + Math.floor(next() * 150);
  const vms: PendingVm[] = Array.from({ length: vmCount }, (_, index) => {
    const vm: PendingVm = {
      id: index + 1,
      cpu: pick([0.25, 0.5, 1, 2, 4]),
      memoryMb: pick([256, 512, 1024, 2048, 4096]),
      systemDiskMb: pick([0, 0, 500, 3000]),
      requirements: pick([undefined, undefined, 'HYPERVISOR = kvm', `ID = ${Math.floor(next() * hostCount)}`, `CURRENT_VMS != ${1 + Math.floor(next() * 20)}`, 'CLUSTER_ID != 1', 'FREE_CPU > 300']),
      automaticRequirements: pick([undefined, undefined, 'CLUSTER_ID = 0 | CLUSTER_ID = 2']),
      rank: pick([undefined, undefined, 'FREE_CPU', '- MAX_MEM / 1024 + RUNNING_VMS', 'PRIORITY']),
      priority: pick([0, 0, 0, 5]),
    };
    if (next() < 0.05) vm.resched = { hostId: Math.floor(next() * hostCount), datastoreId: pick([0, 9]) };
    return vm;
  });

  const reservations = Array.from({ length: 5 }, (_, index) => ({
    vmId: 1000 + index,
    hostId: Math.floor(next() * hostCount),
    cpu: 0.5,
    memoryMb: 512,
    datastoreId: 0,
    systemDiskMb: 100,
  }));

  const policy = pick<SchedulingPolicy>(['packing', 'striping', 'load-aware', 'fixed']);
  return { vms, hosts, datastores, reservations, settings: { policy, maxDispatch: pick([0, 0, 25]), maxHost: pick([0, 1, 2, 3]) } };
}

/** Places VMs by checking every host, with the rules that `schedule` documents. */
function referencePlacements(input: ScheduleInput): Placement[] {
  const settings = resolveSchedulerSettings(input.settings);
  const hosts = input.hosts.filter((candidate) => candidate.state === HostState.INIT || candidate.state === HostState.MONITORED);

  const usage = hosts.map((target) => {
    const reserved = (input.reservations ?? []).filter((reservation) => reservation.hostId === target.id);
    return {
      cpu: target.cpuUsage + reserved.reduce((sum, reservation) => sum + Math.round(reservation.cpu * 100), 0),
      memory: target.memUsage + reserved.reduce((sum, reservation) => sum + reservation.memoryMb * 1024, 0),
      placed: 0,
      attributes: new HostAttributes(target, {
        cpuUsage: target.cpuUsage + reserved.reduce((sum, reservation) => sum + Math.round(reservation.cpu * 100), 0),
        memUsage: target.memUsage + reserved.reduce((sum, reservation) => sum + reservation.memoryMb * 1024, 0),
        runningVms: target.runningVms + reserved.length,
        vmIds: [...target.vmIds, ...reserved.map((reservation) => reservation.vmId)],
      }),
    };
  });

  const sharedFree = new Map(input.datastores.filter((candidate) => candidate.shared).map((candidate) => [candidate.id, candidate.freeMb]));
  for (const reservation of input.reservations ?? []) {
    if (reservation.datastoreId !== undefined && sharedFree.has(reservation.datastoreId)) {
      sharedFree.set(reservation.datastoreId, sharedFree.get(reservation.datastoreId)! - (reservation.systemDiskMb ?? 0));
    }
  }
  const localFree = hosts.map((target) => new Map((target.localDatastores ?? []).map((local) => [local.id, local.freeMb])));
  const freeOf = (hostIndex: number, datastoreId: number) =>
    sharedFree.has(datastoreId) ? sharedFree.get(datastoreId)! : (localFree[hostIndex].get(datastoreId) ?? 0);

  const ordered = [...input.vms].sort((a, b) => (b.priority ?? 0) - (a.priority ?? 0) || a.id - b.id);
  const placements: Placement[] = [];

  for (const vm of ordered) {
    if (settings.maxDispatch > 0 && placements.length >= settings.maxDispatch) break;

    const rank = compileRank(vm.rank ?? POLICY_RANKS[settings.policy]);
    const automatic = compileRequirement(vm.automaticRequirements ?? '');
    const user = compileRequirement(vm.requirements ?? '');
    const ranks = usage.map((hostUsage) => {
      const value = rank.evaluate(hostUsage.attributes);
      return Number.isNaN(value) ? -Infinity : value;
    });
    const order = hosts.map((_, index) => index).sort((a, b) => ranks[b] - ranks[a] || hosts[a].id - hosts[b].id);

    for (const index of order) {
      const target = hosts[index];
      const state = usage[index];
      if (vm.resched && vm.resched.hostId === target.id) continue;
      if (!automatic.matches(state.attributes) || !user.matches(state.attributes)) continue;
      if (target.maxCpu - state.cpu < Math.round(vm.cpu * 100) || target.maxMem - state.memory < vm.memoryMb * 1024) continue;
      if (settings.maxHost > 0 && state.placed >= settings.maxHost) continue;

      const serving = input.datastores.filter((candidate) => candidate.clusterIds.includes(target.clusterId));
      let datastoreId = -1;
      if (vm.resched) {
        const current = serving.find((candidate) => candidate.id === vm.resched!.datastoreId);
        if (current && (current.shared || vm.systemDiskMb <= freeOf(index, current.id))) datastoreId = current.id;
      } else {
        const best = serving.reduce<number | undefined>((chosen, candidate) => (chosen === undefined || freeOf(index, candidate.id) > freeOf(index, chosen) ? candidate.id : chosen), undefined);
        if (best !== undefined && vm.systemDiskMb <= freeOf(index, best)) datastoreId = best;
      }
      if (datastoreId < 0) continue;

      state.cpu += Math.round(vm.cpu * 100);
      state.memory += vm.memoryMb * 1024;
      state.placed++;
      state.attributes.addVm(vm.id);
      if (sharedFree.has(datastoreId)) {
        if (!vm.resched) sharedFree.set(datastoreId, sharedFree.get(datastoreId)! - vm.systemDiskMb);
      } else {
        localFree[index].set(datastoreId, (localFree[index].get(datastoreId) ?? 0) - vm.systemDiskMb);
      }
      placements.push({ vmId: vm.id, hostId: target.id, datastoreId, migrate: Boolean(vm.resched) });
      break;
    }
  }

  return placements;
}

t.test('schedule matches the reference on random inputs', async (t) => {
  for (let seed = 1; seed <= 150; seed++) {
    const input = randomInput(seed);
    const result = schedule(input);
    const expected = referencePlacements(input);

    t.same(result.placements, expected, `seed ${seed}: placements`);
    t.equal(result.placements.length + result.pending.length, input.vms.length, `seed ${seed}: every VM has a result`);
  }
});
