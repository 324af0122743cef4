import type { HostState } from '../pools/records/host-record.js';

/**
 * Host order for VMs without SCHED_RANK, with the ranks of OpenNebula's DEFAULT_SCHED
 * policies 0 to 4 (`SchedulerTemplate::get_policy`):
 * - `packing`: most running VMs first (rank `RUNNING_VMS`), to use fewer hosts.
 * - `striping`: fewest running VMs first (rank `- RUNNING_VMS`), to spread VMs.
 * - `load-aware`: most free CPU first, as monitoring measures it (rank `FREE_CPU`).
 * - `fixed`: highest PRIORITY attribute of the host or its cluster first (rank `PRIORITY`).
 * - `custom`: the `customRank` expression.
 */
export type SchedulingPolicy = 'packing' | 'striping' | 'load-aware' | 'fixed' | 'custom';

export interface SchedulerSettings {
  policy: SchedulingPolicy;
  /** Rank expression of the `custom` policy. */
  customRank?: string;
  /** Maximum VMs placed in one cycle (OpenNebula's MAX_DISPATCH), or 0 for no limit. */
  maxDispatch: number;
  /** Maximum VMs placed on one host in one cycle (OpenNebula's MAX_HOST), or 0 for no limit. */
  maxHost: number;
}

/** A VM waiting for a host: PENDING, or RUNNING with RESCHED = 1. */
export interface PendingVm {
  id: number;
  /** Share of physical CPUs (the CPU attribute), for example 0.5. */
  cpu: number;
  memoryMb: number;
  /** Space that the VM needs in the system datastore, in MiB. */
  systemDiskMb: number;
  /** SCHED_REQUIREMENTS from the user template. */
  requirements?: string;
  /** AUTOMATIC_REQUIREMENTS that Stratus derives, such as the clusters of the VM's images and networks. */
  automaticRequirements?: string;
  /** SCHED_RANK from the user template, which replaces the policy's rank for this VM. */
  rank?: string;
  /** USER_PRIORITY: VMs with a higher priority are placed first. Defaults to 0. */
  priority?: number;
  /** Present for a running VM with RESCHED = 1, which must move to another host. */
  resched?: { hostId: number; datastoreId: number };
}

/**
 * A template attribute as `Template.attributes()` returns it: a single value, or a vector
 * whose sub-attributes expressions reach as `NAME/SUB`.
 */
export interface TemplateAttributeInput {
  readonly name: string;
  readonly value: string | { entries(): Array<[string, string]> };
}

export interface HostMonitoring {
  /** Free and used CPU as monitoring measured it, in percent of one core. */
  freeCpu: number;
  usedCpu: number;
  /** Free and used memory as monitoring measured it, in KiB. */
  freeMemory: number;
  usedMemory: number;
}

export interface SchedulerHost {
  id: number;
  name: string;
  state: HostState;
  clusterId: number;
  cluster: string;
  imMad?: string;
  vmMad?: string;
  /** Allocatable CPU and the CPU that VMs on the host hold, in percent of one core (800 is 8 cores). */
  maxCpu: number;
  cpuUsage: number;
  /** Allocatable memory and the memory that VMs on the host hold, in KiB. */
  maxMem: number;
  memUsage: number;
  totalCpu?: number;
  totalMem?: number;
  runningVms: number;
  /** IDs of the VMs on the host (CURRENT_VMS and the path VMS/ID). */
  vmIds: readonly number[];
  template?: readonly TemplateAttributeInput[];
  clusterTemplate?: readonly TemplateAttributeInput[];
  monitoring?: HostMonitoring | null;
  /** Free space of non-shared system datastores on this host, in MiB. */
  localDatastores?: ReadonlyArray<{ id: number; freeMb: number }>;
}

/** A system datastore that accepts new VMs (enabled, and monitored when shared). */
export interface SchedulerDatastore {
  id: number;
  name: string;
  clusterIds: readonly number[];
  /**
   * Whether all hosts of its clusters share it. The free space of a shared datastore is
   * `freeMb`. A non-shared one keeps VM files on each host, so its space is the host's
   * `localDatastores` entry, or 0 when the host reports none.
   */
  shared: boolean;
  freeMb: number;
}

/** Capacity held by a VM that was dispatched but whose host usage does not count it yet. */
export interface CapacityReservation {
  vmId: number;
  hostId: number;
  cpu: number;
  memoryMb: number;
  datastoreId?: number;
  systemDiskMb?: number;
}

export interface ScheduleInput {
  vms: readonly PendingVm[];
  hosts: readonly SchedulerHost[];
  datastores: readonly SchedulerDatastore[];
  reservations?: readonly CapacityReservation[];
  /** Missing fields take DEFAULT_SCHEDULER_SETTINGS. */
  settings?: Partial<SchedulerSettings>;
}

export interface Placement {
  vmId: number;
  hostId: number;
  datastoreId: number;
  /** True for a RESCHED VM, which the caller migrates instead of deploying. */
  migrate: boolean;
  /** Set when SCHED_RANK is invalid and the policy's rank was used instead. */
  warning?: string;
}

/** Category of the reason that a VM stays pending. The result's `message` gives the details. */
export type PendingReason =
  | 'invalid-capacity'
  | 'invalid-requirements'
  | 'no-enabled-hosts'
  | 'requirements'
  | 'memory'
  | 'cpu'
  | 'cpu-and-memory'
  | 'datastore'
  | 'host-limit'
  | 'dispatch-limit';

export interface PendingResult {
  vmId: number;
  reason: PendingReason;
  /** Text for the VM's SCHED_MESSAGE, without the timestamp that OpenNebula puts first. */
  message: string;
  warning?: string;
}

export interface ScheduleResult {
  /** Placements in the order the scheduler made them. */
  placements: Placement[];
  /** VMs left pending, in scheduling order. */
  pending: PendingResult[];
}
