import { HostState } from '../../../../core/pools/records/host-record.js';
import type {
  PendingVm,
  ScheduleInput,
  SchedulerDatastore,
  SchedulerHost,
  TemplateAttributeInput,
} from '../../../../core/scheduler/index.js';

const GIB_IN_KIB = 1024 * 1024;

/**
 * Returns a monitored host in cluster 0 with `cores` CPUs and `memoryGb` GiB, nothing used, and
 * the template attributes given as name/value pairs.
 */
export function host(
  id: number,
  options: Partial<SchedulerHost> & { cores?: number; memoryGb?: number; attributes?: Record<string, string> } = {},
): SchedulerHost {
  const { cores = 8, memoryGb = 32, attributes = {}, ...fields } = options;
  const template: TemplateAttributeInput[] = Object.entries(attributes).map(([name, value]) => ({ name, value }));

  return {
    id,
    name: `node${id}`,
    state: HostState.MONITORED,
    clusterId: 0,
    cluster: 'default',
    maxCpu: cores * 100,
    cpuUsage: 0,
    maxMem: memoryGb * GIB_IN_KIB,
    memUsage: 0,
    runningVms: 0,
    vmIds: [],
    template,
    ...fields,
  };
}

/** Returns a pending VM with 1 CPU, 1 GiB of memory and no system disk. */
export function vm(id: number, fields: Partial<PendingVm> = {}): PendingVm {
  return { id, cpu: 1, memoryMb: 1024, systemDiskMb: 0, ...fields };
}

/** Returns a shared system datastore for cluster 0 with 1 TiB free. */
export function datastore(id: number, fields: Partial<SchedulerDatastore> = {}): SchedulerDatastore {
  return { id, name: `system${id}`, clusterIds: [0], shared: true, freeMb: 1024 * 1024, ...fields };
}

/** Returns input with one default datastore and no limits, so tests see every placement. */
export function input(vms: PendingVm[], hosts: SchedulerHost[], fields: Partial<ScheduleInput> = {}): ScheduleInput {
  return {
    vms,
    hosts,
    datastores: [datastore(0)],
    ...fields,
    settings: { maxDispatch: 0, maxHost: 0, ...fields.settings },
  };
}
