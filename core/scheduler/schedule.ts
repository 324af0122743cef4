import { DatastoreTable } from './datastore-table.js';
import { diagnose, hostLimitDiagnosis, type Demand, type Diagnosis } from './diagnose.js';
import { ExpressionCache } from './expression/expression-cache.js';
import type { CompiledRank } from './expression/rank.js';
import { ExpressionSyntaxError } from './expression/syntax-error.js';
import { FailureMemo } from './failure-memo.js';
import { cpuPercent, HostTable, memoryKib } from './host-table.js';
import { dispatchLimitMessage, invalidRequirementMessage, noEnabledHostsMessage } from './messages.js';
import { RankOrder } from './rank-order.js';
import { RequirementFilter, RequirementFilters } from './requirement-filter.js';
import { policyRank, resolveSchedulerSettings } from './settings.js';
import type { PendingReason, PendingResult, PendingVm, Placement, ScheduleInput, ScheduleResult, SchedulerSettings } from './types.js';
import { VmProbe } from './vm-probe.js';

/**
 * A filter that matches at most 1/16 of the hosts is searched through its own list of
 * matching hosts. A larger one goes through the capacity tree of the rank order, where a
 * host with room is likely to pass the filter too.
 */
const MEMBER_SCAN_FRACTION = 16;

/**
 * Runs one scheduling cycle: places pending VMs on hosts and system datastores, and
 * explains for each VM left pending why. It changes nothing in the input and performs
 * no I/O. Only the `expressions` cache grows.
 *
 * VMs go in order of priority (highest first), then ID. For each VM the candidate hosts
 * are the schedulable ones that meet its requirements and have the CPU, memory and
 * system datastore space it needs, counting what the reservations and the VMs placed
 * earlier in the cycle hold. The VM takes the candidate with the highest rank (its
 * SCHED_RANK, or the policy's rank) that has not received `maxHost` VMs yet. After
 * `maxDispatch` placements the remaining VMs are only checked, to give each a message.
 *
 * Pass the same `expressions` cache to later cycles to parse each expression once.
 * Throws RangeError for invalid settings.
 */
export function schedule(input: ScheduleInput, expressions: ExpressionCache = new ExpressionCache()): ScheduleResult {
  const settings = resolveSchedulerSettings(input.settings);
  return new SchedulingCycle(input, settings, expressions).run();
}

class SchedulingCycle {
  private readonly hosts: HostTable;
  private readonly datastores: DatastoreTable;
  private readonly filters: RequirementFilters;
  private readonly rankOrders = new Map<string, RankOrder>();
  private readonly probe: VmProbe;
  private readonly failures = new FailureMemo();
  private readonly diagnoses = new Map<string, Diagnosis>();
  private readonly placements: Placement[] = [];
  private readonly pending: PendingResult[] = [];

  constructor(
    private readonly input: ScheduleInput,
    private readonly settings: SchedulerSettings,
    private readonly expressions: ExpressionCache,
  ) {
    const reservations = input.reservations ?? [];
    this.hosts = new HostTable(input.hosts, reservations, settings.maxHost);
    this.datastores = new DatastoreTable(input.datastores, this.hosts, reservations);
    this.filters = new RequirementFilters(this.hosts, expressions);
    this.probe = new VmProbe(this.hosts, this.datastores);
  }

  run(): ScheduleResult {
    for (const vm of schedulingOrder(this.input.vms)) {
      const { maxDispatch } = this.settings;
      this.scheduleVm(vm, maxDispatch > 0 && this.placements.length >= maxDispatch);
    }
    return { placements: this.placements, pending: this.pending };
  }

  /** Places the VM, or records why it stays pending. Past MAX_DISPATCH it only looks for a host. */
  private scheduleVm(vm: PendingVm, dispatchLimitReached: boolean): void {
    const capacityProblem = invalidCapacity(vm);
    if (capacityProblem) return this.leavePending(vm, 'invalid-capacity', capacityProblem);
    if (this.hosts.size === 0) return this.leavePending(vm, 'no-enabled-hosts', noEnabledHostsMessage(this.hosts));

    const filter = this.filters.get(vm.automaticRequirements ?? '', vm.requirements ?? '');
    if (!(filter instanceof RequirementFilter)) {
      return this.leavePending(vm, 'invalid-requirements', invalidRequirementMessage(filter));
    }

    const { order, warning } = this.rankOrderFor(vm);
    const demand: Demand = { cpu: cpuPercent(vm.cpu), memory: memoryKib(vm.memoryMb), diskMb: vm.systemDiskMb };
    const hostIndex = this.findHost(vm, filter, order, demand);

    if (hostIndex < 0) {
      const { reason, message } = this.explainFailure(vm, filter, demand);
      return this.leavePending(vm, reason, message, warning);
    }
    if (dispatchLimitReached) {
      return this.leavePending(vm, 'dispatch-limit', dispatchLimitMessage(this.settings.maxDispatch), warning);
    }

    const datastoreId = this.probe.datastoreId;
    this.hosts.place(hostIndex, vm.id, demand.cpu, demand.memory);
    this.datastores.reserve(hostIndex, datastoreId, vm);

    const placement: Placement = { vmId: vm.id, hostId: this.hosts.hosts[hostIndex].id, datastoreId, migrate: Boolean(vm.resched) };
    if (warning) placement.warning = warning;
    this.placements.push(placement);
  }

  /** Returns the index of the best host for the VM, with `probe.datastoreId` set, or -1. */
  private findHost(vm: PendingVm, filter: RequirementFilter, order: RankOrder, demand: Demand): number {
    const memoKey = filter.dynamic ? undefined : failureKey(filter, vm);
    if (memoKey !== undefined && this.failures.covers(memoKey, demand)) return -1;

    this.probe.reset(vm, filter);
    const useMembers = !filter.dynamic && filter.count * MEMBER_SCAN_FRACTION <= this.hosts.size;
    const hostIndex = useMembers
      ? this.scanHosts(filter.membersIn(order), demand, true)
      : order.findFirst(demand.cpu, demand.memory, this.probe);

    if (hostIndex < 0 && memoKey !== undefined) this.failures.add(memoKey, demand);
    return hostIndex;
  }

  /** Returns the first host in `hostIndices` with room that the probe accepts, or -1. */
  private scanHosts(hostIndices: ArrayLike<number>, demand: Demand, requireOpen: boolean): number {
    const { freeCpu, freeMemory } = this.hosts;

    for (let position = 0; position < hostIndices.length; position++) {
      const hostIndex = hostIndices[position];
      if (freeCpu[hostIndex] < demand.cpu || freeMemory[hostIndex] < demand.memory) continue;
      if (requireOpen && !this.hosts.isOpen(hostIndex)) continue;
      if (this.probe.accept(hostIndex)) return hostIndex;
    }
    return -1;
  }

  /**
   * Explains a failed search. The common case during a busy cycle, hosts that fit but
   * reached MAX_HOST, is found by a scan that stops at the first such host. Other cases
   * need a full diagnosis, which is cached until the next placement.
   */
  private explainFailure(vm: PendingVm, filter: RequirementFilter, demand: Demand): Diagnosis {
    const { maxHost } = this.settings;

    this.probe.reset(vm, filter);
    if (maxHost > 0 && this.scanHosts(this.allHostIndices(filter), demand, false) >= 0) return hostLimitDiagnosis(maxHost);

    const key = `${failureKey(filter, vm)}\u0000${demand.cpu}:${demand.memory}:${demand.diskMb}:${this.hosts.changes.length}`;
    let diagnosis = this.diagnoses.get(key);
    if (!diagnosis) {
      diagnosis = diagnose(this.hosts, this.datastores, maxHost, vm, filter, demand);
      this.diagnoses.set(key, diagnosis);
    }
    return diagnosis;
  }

  /** Returns the hosts that may meet the filter: its member list when it has one, otherwise every host. */
  private allHostIndices(filter: RequirementFilter): ArrayLike<number> {
    if (!filter.dynamic && filter.count * MEMBER_SCAN_FRACTION <= this.hosts.size) {
      return filter.membersIn(this.policyOrder());
    }
    return this.policyOrder().order;
  }

  /** Returns the rank order for the VM: its SCHED_RANK, or the policy's when it has none or an invalid one. */
  private rankOrderFor(vm: PendingVm): { order: RankOrder; warning?: string } {
    const source = vm.rank ?? '';
    if (source.trim() === '') return { order: this.policyOrder() };

    const compiled = this.expressions.rank(source);
    if (compiled instanceof ExpressionSyntaxError) {
      const warning = `SCHED_RANK "${source}" is invalid: ${compiled.message}; hosts were ranked by the ${this.settings.policy} policy instead`;
      return { order: this.policyOrder(), warning };
    }
    return { order: this.orderFor(source, compiled) };
  }

  private policyOrder(): RankOrder {
    const source = policyRank(this.settings);
    const compiled = this.expressions.rank(source);
    // resolveSchedulerSettings has already rejected a custom rank that does not parse.
    if (compiled instanceof ExpressionSyntaxError) throw compiled;
    return this.orderFor(source, compiled);
  }

  private orderFor(source: string, compiled: CompiledRank): RankOrder {
    let order = this.rankOrders.get(source);
    if (!order) {
      order = new RankOrder(this.hosts, compiled);
      this.rankOrders.set(source, order);
    }
    return order;
  }

  private leavePending(vm: PendingVm, reason: PendingReason, message: string, warning?: string): void {
    const result: PendingResult = { vmId: vm.id, reason, message };
    if (warning) result.warning = warning;
    this.pending.push(result);
  }
}

/** Sorts VMs by USER_PRIORITY, highest first, then by ID, as OpenNebula's dispatch loop takes them (`Resource.h`, `Scheduler.cc`). */
function schedulingOrder(vms: readonly PendingVm[]): PendingVm[] {
  const priority = (vm: PendingVm) => (Number.isFinite(vm.priority) ? vm.priority! : 0);
  return [...vms].sort((a, b) => priority(b) - priority(a) || a.id - b.id);
}

/** Returns the key of a search's candidate hosts: the requirements and, for a RESCHED VM, the host it leaves and its datastore. */
function failureKey(filter: RequirementFilter, vm: PendingVm): string {
  return vm.resched ? `${filter.key}\u0000${vm.resched.hostId}:${vm.resched.datastoreId}` : filter.key;
}

function invalidCapacity(vm: PendingVm): string | undefined {
  const fields: Array<[string, number]> = [
    ['CPU', vm.cpu],
    ['MEMORY', vm.memoryMb],
    ['the system disk size', vm.systemDiskMb],
  ];

  for (const [name, value] of fields) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      return `The VM cannot be scheduled because ${name} is ${String(value)}; it must be a number of 0 or more`;
    }
  }
  return undefined;
}
