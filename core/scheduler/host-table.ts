import { HostState } from '../pools/records/host-record.js';
import { HostAttributes, type HostUsage } from './host-attributes.js';
import type { CapacityReservation, SchedulerHost } from './types.js';

/**
 * Host states that receive VMs. OpenNebula schedules only MONITORED hosts (its
 * SchedulerManagerDriver searches `state = 2`). Stratus also accepts INIT, the state
 * that enabling a host sets, so that a host can run VMs before monitoring reports on it.
 */
export const SCHEDULABLE_HOST_STATES: ReadonlySet<HostState> = new Set([HostState.INIT, HostState.MONITORED]);

type MutableUsage = HostUsage & { vmIds: number[] };

const NO_HOSTS: readonly number[] = Object.freeze([]);

/** Converts a share of physical CPUs to percent of one core, rounded to whole percent. */
export function cpuPercent(cpu: number): number {
  // NOTE: OpenNebula truncates `(int) (cpu * 100)` (`VirtualMachineXML::get_capacity`), so a float error can cost it a percent.
  return Math.round(cpu * 100);
}

export function memoryKib(memoryMb: number): number {
  return memoryMb * 1024;
}

/**
 * The hosts that can receive VMs in this cycle, indexed 0..n-1 by ascending ID, with the
 * free capacity that remains as VMs are placed. Every change appends the host index to
 * `changes`, which the rank orders read to update their capacity trees.
 */
export class HostTable {
  readonly hosts: SchedulerHost[];
  readonly attributes: HostAttributes[];
  /** Free CPU in percent of one core. */
  readonly freeCpu: Float64Array;
  /** Free memory in KiB. */
  readonly freeMemory: Float64Array;
  /** VMs placed on each host in this cycle. */
  readonly placedCount: Int32Array;
  readonly indexById = new Map<number, number>();
  readonly changes: number[] = [];
  /** Hosts of the input that cannot receive VMs, by state, for messages. */
  readonly excludedByState = new Map<HostState, number>();

  private readonly valueIndexes = new Map<string, Map<number | string, number[]>>();

  constructor(
    inputHosts: readonly SchedulerHost[],
    reservations: readonly CapacityReservation[],
    private readonly maxHost: number,
  ) {
    this.hosts = inputHosts.filter((host) => this.admit(host)).sort((a, b) => a.id - b.id);
    this.hosts.forEach((host, index) => this.indexById.set(host.id, index));

    const usages: MutableUsage[] = this.hosts.map((host) => ({
      cpuUsage: host.cpuUsage,
      memUsage: host.memUsage,
      runningVms: host.runningVms,
      vmIds: [...host.vmIds],
    }));
    this.addReservations(usages, reservations);

    this.attributes = this.hosts.map((host, index) => new HostAttributes(host, usages[index]));
    this.freeCpu = Float64Array.from(this.hosts, (host, index) => host.maxCpu - usages[index].cpuUsage);
    this.freeMemory = Float64Array.from(this.hosts, (host, index) => host.maxMem - usages[index].memUsage);
    this.placedCount = new Int32Array(this.hosts.length);
  }

  get size(): number {
    return this.hosts.length;
  }

  /** Returns whether the host has received fewer than MAX_HOST VMs in this cycle. */
  isOpen(index: number): boolean {
    return this.maxHost === 0 || this.placedCount[index] < this.maxHost;
  }

  /** Takes the VM's CPU (percent) and memory (KiB) from the host. */
  place(index: number, vmId: number, cpu: number, memory: number): void {
    this.freeCpu[index] -= cpu;
    this.freeMemory[index] -= memory;
    this.placedCount[index]++;
    this.attributes[index].addVm(vmId);
    this.changes.push(index);
  }

  /**
   * Returns the hosts whose attribute equals the value, as a requirement `NAME = value`
   * compares it: the first number for a number, the first value exactly for a string.
   * The index for a name is built on first use and reflects the start of the cycle.
   */
  hostsWithValue(variable: string, value: number | string): readonly number[] {
    const key = `${typeof value}\u0000${variable}`;
    let index = this.valueIndexes.get(key);

    if (!index) {
      index = new Map();
      for (let hostIndex = 0; hostIndex < this.size; hostIndex++) {
        const attributes = this.attributes[hostIndex];
        const hostValue = typeof value === 'number' ? attributes.number(variable) : attributes.values(variable)[0];
        if (hostValue === undefined) continue;

        const list = index.get(hostValue);
        if (list) list.push(hostIndex);
        else index.set(hostValue, [hostIndex]);
      }
      this.valueIndexes.set(key, index);
    }

    return index.get(value) ?? NO_HOSTS;
  }

  describe(index: number): string {
    const host = this.hosts[index];
    return `host ${host.id} (${host.name})`;
  }

  private admit(host: SchedulerHost): boolean {
    if (SCHEDULABLE_HOST_STATES.has(host.state)) return true;
    this.excludedByState.set(host.state, (this.excludedByState.get(host.state) ?? 0) + 1);
    return false;
  }

  /**
   * Adds each reservation to its host's usage. OpenNebula's CPU_USAGE and MEM_USAGE
   * include a VM as soon as it is deployed (the template reference, Predefined Host
   * Attributes), so expressions see reserved VMs in them, in RUNNING_VMS and in CURRENT_VMS.
   */
  private addReservations(usages: MutableUsage[], reservations: readonly CapacityReservation[]): void {
    for (const reservation of reservations) {
      const index = this.indexById.get(reservation.hostId);
      if (index === undefined) continue;

      const usage = usages[index];
      usage.cpuUsage += cpuPercent(reservation.cpu);
      usage.memUsage += memoryKib(reservation.memoryMb);
      usage.runningVms += 1;
      usage.vmIds.push(reservation.vmId);
    }
  }
}
