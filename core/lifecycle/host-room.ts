import type { HostRecord } from '../pools/records/host-record.js';
import type { VmRecord } from '../pools/records/vm-record.js';
import { formatAvailableCpu, formatAvailableSize, formatNeededCpu, formatNeededSize } from '../scheduler/format.js';
import { hostDemand } from './vm-resources.js';

/**
 * Says why the host's share has no room for the VM (its CPU or memory beyond what the
 * host's MAX_CPU and MAX_MEM leave free), or returns undefined when it fits.
 */
export function missingRoom(host: HostRecord, vm: VmRecord): string | undefined {
  if (host.share.maxCpu === 0 && host.share.maxMem === 0) {
    return `host ${host.id} (${host.name}) has not reported its capacity yet (MAX_CPU and MAX_MEM are 0); wait for its first monitoring`;
  }

  const demand = hostDemand(vm);
  const freeCpu = host.share.maxCpu - host.share.cpuUsage;
  const freeMemory = host.share.maxMem - host.share.memUsage;

  if (demand.memory > freeMemory) {
    return `host ${host.id} (${host.name}) has ${formatAvailableSize(freeMemory)} of memory free and VM ${vm.id} needs ${formatNeededSize(demand.memory)}`;
  }
  if (demand.cpu > freeCpu) {
    return `host ${host.id} (${host.name}) has ${formatAvailableCpu(freeCpu)} free and VM ${vm.id} needs ${formatNeededCpu(demand.cpu)}`;
  }
  return undefined;
}
