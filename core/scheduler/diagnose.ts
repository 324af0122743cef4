import type { DatastoreSpace, DatastoreTable } from './datastore-table.js';
import {
  countHosts,
  countVms,
  formatAvailableCpu,
  formatAvailableSize,
  formatNeededCpu,
  formatNeededSize,
} from './format.js';
import type { HostTable } from './host-table.js';
import { requirementsMessage } from './messages.js';
import type { RequirementFilter } from './requirement-filter.js';
import type { PendingReason, PendingVm } from './types.js';

/** CPU in percent of one core, memory in KiB and system disk in MiB that a VM needs. */
export interface Demand {
  cpu: number;
  memory: number;
  diskMb: number;
}

export interface Diagnosis {
  reason: PendingReason;
  message: string;
}

/**
 * Explains why no host took the VM. The checks go from the VM's own constraints to the
 * state of the cycle: requirements, then CPU and memory, then system datastore space,
 * then MAX_HOST. The first check that rules out every host gives the message, because
 * the user has to fix that one first.
 */
export function diagnose(
  hosts: HostTable,
  datastores: DatastoreTable,
  maxHost: number,
  vm: PendingVm,
  filter: RequirementFilter,
  demand: Demand,
): Diagnosis {
  const matching = matchingHosts(hosts, vm, filter);
  if (!('candidates' in matching)) return matching;

  const { candidates, currentHostMatches } = matching;
  const capacity = capacityProblem(hosts, candidates, demand, requirementScope(hosts, candidates.length, currentHostMatches));
  if (capacity) return capacity;

  const fitting = candidates.filter((index) => hosts.freeCpu[index] >= demand.cpu && hosts.freeMemory[index] >= demand.memory);
  const withDatastore = fitting.filter((index) => datastores.choose(index, vm) >= 0);
  if (withDatastore.length === 0) return datastoreProblem(hosts, datastores, vm, fitting, demand);

  if (withDatastore.every((index) => !hosts.isOpen(index))) return hostLimitDiagnosis(maxHost);

  return { reason: 'host-limit', message: 'No host could take the VM in this cycle; it stays pending for the next one' };
}

/** Returns the diagnosis for a VM that fits only on hosts that already received MAX_HOST VMs in this cycle. */
export function hostLimitDiagnosis(maxHost: number): Diagnosis {
  return {
    reason: 'host-limit',
    message:
      `Waiting for a later cycle: every host that can run the VM already received ${countVms(maxHost)} ` +
      `in this cycle, the maximum per host (MAX_HOST = ${maxHost})`,
  };
}

/**
 * Words that limit a capacity message to the hosts that meet the requirements, or ''
 * when every schedulable host does (the current host of a RESCHED VM aside).
 */
function requirementScope(hosts: HostTable, candidateCount: number, currentHostMatches: boolean): string {
  if (candidateCount + (currentHostMatches ? 1 : 0) >= hosts.size) return '';
  return ` (${countHosts(candidateCount)} ${candidateCount === 1 ? 'meets' : 'meet'} the requirements)`;
}

/** Returns the hosts that meet the requirements now, or the diagnosis when there are none. */
function matchingHosts(
  hosts: HostTable,
  vm: PendingVm,
  filter: RequirementFilter,
): { candidates: number[]; currentHostMatches: boolean } | Diagnosis {
  const candidates: number[] = [];
  let automaticCount = 0;
  let currentHostMatches = false;

  for (let index = 0; index < hosts.size; index++) {
    if (!filter.matchesAutomaticNow(index)) continue;
    automaticCount++;
    if (!filter.matchesNow(index)) continue;

    if (vm.resched && hosts.hosts[index].id === vm.resched.hostId) currentHostMatches = true;
    else candidates.push(index);
  }

  if (candidates.length > 0) return { candidates, currentHostMatches };

  if (currentHostMatches) {
    return {
      reason: 'requirements',
      message:
        `No host other than its current ${hosts.describe(hosts.indexById.get(vm.resched!.hostId)!)} ` +
        'meets the requirements, and a rescheduled VM must move to another host',
    };
  }

  return { reason: 'requirements', message: requirementsMessage(hosts, filter, automaticCount) };
}

function capacityProblem(hosts: HostTable, candidates: number[], demand: Demand, scope: string): Diagnosis | undefined {
  const indexOfMax = (values: Float64Array, among: number[]) =>
    among.reduce((best, index) => (values[index] > values[best] ? index : best), among[0]);

  const unreported = candidates.filter((index) => hosts.hosts[index].maxCpu === 0 && hosts.hosts[index].maxMem === 0);
  if (unreported.length === candidates.length) {
    const named = unreported.slice(0, 3).map((index) => hosts.describe(index)).join(', ');
    const more = unreported.length > 3 ? ` and ${unreported.length - 3} more` : '';
    return {
      reason: 'cpu-and-memory',
      message: `No host${scope} has reported its capacity yet (MAX_CPU and MAX_MEM are 0 until its first monitoring): ${named}${more}`,
    };
  }

  const memoryFits = candidates.filter((index) => hosts.freeMemory[index] >= demand.memory);
  const cpuFits = candidates.filter((index) => hosts.freeCpu[index] >= demand.cpu);
  const needMemory = formatNeededSize(demand.memory);
  const needCpu = formatNeededCpu(demand.cpu);

  if (memoryFits.length === 0 && cpuFits.length === 0) {
    const memoryHost = indexOfMax(hosts.freeMemory, candidates);
    const cpuHost = indexOfMax(hosts.freeCpu, candidates);
    return {
      reason: 'cpu-and-memory',
      message:
        `No host with ${needMemory} free memory or ${needCpu} free${scope}; the largest free memory is ` +
        `${formatAvailableSize(hosts.freeMemory[memoryHost])} on ${hosts.describe(memoryHost)}, and the maximum free CPU is ` +
        `${formatAvailableCpu(hosts.freeCpu[cpuHost])} on ${hosts.describe(cpuHost)}`,
    };
  }

  if (memoryFits.length === 0) {
    const best = indexOfMax(hosts.freeMemory, candidates);
    return {
      reason: 'memory',
      message: `No host with ${needMemory} free memory${scope}; the largest free is ${formatAvailableSize(hosts.freeMemory[best])} on ${hosts.describe(best)}`,
    };
  }

  if (cpuFits.length === 0) {
    const best = indexOfMax(hosts.freeCpu, candidates);
    return {
      reason: 'cpu',
      message: `No host with ${needCpu} free${scope}; the maximum free is ${formatAvailableCpu(hosts.freeCpu[best])} on ${hosts.describe(best)}`,
    };
  }

  if (!memoryFits.some((index) => hosts.freeCpu[index] >= demand.cpu)) {
    const best = indexOfMax(hosts.freeCpu, memoryFits);
    const host = hosts.describe(best);
    return {
      reason: 'cpu-and-memory',
      message:
        `${host[0].toUpperCase()}${host.slice(1)} has enough memory but too little CPU ` +
        `(${formatAvailableCpu(hosts.freeCpu[best])} free, ${needCpu.replace(' CPU', '')} needed), ` +
        'and no host has enough of both',
    };
  }

  return undefined;
}

function datastoreProblem(
  hosts: HostTable,
  datastores: DatastoreTable,
  vm: PendingVm,
  fitting: number[],
  demand: Demand,
): Diagnosis {
  const needed = formatNeededSize(demand.diskMb * 1024);
  const fittingHosts =
    fitting.length === 1
      ? `${hosts.describe(fitting[0])}, the only host with enough CPU and memory`
      : `the ${countHosts(fitting.length)} with enough CPU and memory`;

  if (vm.resched) {
    return {
      reason: 'datastore',
      message: `The VM's system datastore ${vm.resched.datastoreId} is not available, or has less than ${needed} free, on ${fittingHosts}`,
    };
  }

  let best: { hostIndex: number; space: DatastoreSpace } | undefined;
  for (const hostIndex of fitting) {
    const space = datastores.largestFree(hostIndex);
    if (space && (best === undefined || space.freeMb > best.space.freeMb)) best = { hostIndex, space };
  }

  if (best === undefined) {
    const message =
      fitting.length === 1
        ? `No system datastore serves the cluster of ${fittingHosts}`
        : `No system datastore serves the clusters of ${fittingHosts}, such as ${hosts.describe(fitting[0])}`;
    return { reason: 'datastore', message };
  }

  const { datastore, freeMb } = best.space;
  const where = datastore.shared ? '' : ` of ${hosts.describe(best.hostIndex)}`;
  return {
    reason: 'datastore',
    message:
      `No system datastore has ${needed} free for ${fittingHosts}; ` +
      `the largest free is ${formatAvailableSize(freeMb * 1024)} on datastore ${datastore.id} (${datastore.name})${where}`,
  };
}
