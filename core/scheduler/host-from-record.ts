import type { HostRecord } from '../pools/records/host-record.js';
import type { Template } from '../template/index.js';
import type { SchedulerHost } from './types.js';

export interface HostExtras {
  /** Template of the host's cluster, which expressions search after the host's own attributes. */
  clusterTemplate?: Template;
  /** Free MiB of the non-shared system datastores on the host. */
  localDatastores?: ReadonlyArray<{ id: number; freeMb: number }>;
}

/** Builds the scheduler's view of a stored host. */
export function schedulerHostFromRecord(record: HostRecord, extras: HostExtras = {}): SchedulerHost {
  const share = record.share;

  return {
    id: record.id,
    name: record.name,
    state: record.state,
    clusterId: record.clusterId,
    cluster: record.cluster,
    imMad: record.imMad,
    vmMad: record.vmMad,
    maxCpu: share.maxCpu,
    cpuUsage: share.cpuUsage,
    maxMem: share.maxMem,
    memUsage: share.memUsage,
    totalCpu: share.totalCpu,
    totalMem: share.totalMem,
    runningVms: share.runningVms,
    vmIds: record.vms,
    template: record.template.attributes(),
    clusterTemplate: extras.clusterTemplate?.attributes(),
    monitoring: record.monitoring && {
      freeCpu: record.monitoring.freeCpu,
      usedCpu: record.monitoring.usedCpu,
      freeMemory: record.monitoring.freeMemory,
      usedMemory: record.monitoring.usedMemory,
    },
    localDatastores: extras.localDatastores,
  };
}
