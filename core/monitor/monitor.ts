import { DEFAULT_SETTINGS, type MonitorSectionSettings } from '../config/settings.js';
import type { HostRecord } from '../pools/records/host-record.js';
import { HostState } from '../pools/records/host-record.js';
import { currentHostId } from '../lifecycle/vm-resources.js';
import type { VmRecord } from '../pools/records/vm-record.js';
import type { VmLog } from '../vm-log/vm-log.js';
import { VmState } from '../vm/states.js';
import { FailureLog } from './failure-log.js';
import { isMonitored, monitorHost, type MonitorServices } from './host-monitoring.js';
import { PeriodicTask } from './periodic-task.js';
import { forEachLimited } from './run-limited.js';
import { PollBatch } from './poll-batch.js';
import { isPolled, pollVm } from './vm-polling.js';

/** How often the monitor runs and how many driver calls it makes at once: the MONITOR section of the settings. */
export type MonitorTiming = MonitorSectionSettings;

/** The timing of a monitor built without settings. */
export const DEFAULT_MONITOR_TIMING: MonitorTiming = DEFAULT_SETTINGS.monitor;

export interface MonitorDependencies {
  services: MonitorServices;
  vmLog: VmLog;
}

/**
 * Watches hosts and running VMs through their VM drivers. Every host interval it sends
 * MONITOR_HOST for each host that is not DISABLED or OFFLINE and stores the capacity and
 * the host state. Every VM interval it POLLs each VM that is RUNNING or UNKNOWN on a
 * MONITORED host and stores the reply, moving VMs the driver reports powered off or
 * lost. The two rounds never run at the same time. The constructor does no I/O.
 */
export class Monitor {
  private readonly hostTask: PeriodicTask;
  private readonly vmTask: PeriodicTask;
  private readonly hostFailures: FailureLog;
  private readonly vmFailures: FailureLog;
  /** The last round queued, which the next round waits for. */
  private queue: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly deps: MonitorDependencies,
    private readonly timing: MonitorTiming = DEFAULT_MONITOR_TIMING,
  ) {
    const { log } = deps.services;
    const onError = (round: string) => (error: unknown) => log.internalError({ step: round }, error);
    this.hostTask = new PeriodicTask(() => this.monitorHosts(), { firstDelayMs: timing.firstDelayMs, intervalMs: timing.hostIntervalMs }, onError('host.monitor_round'));
    this.vmTask = new PeriodicTask(() => this.pollVms(), { firstDelayMs: timing.firstDelayMs, intervalMs: timing.vmIntervalMs }, onError('vm.poll_round'));
    this.hostFailures = new FailureLog(log, 'host');
    this.vmFailures = new FailureLog(log, 'vm');
  }

  start(): void {
    this.hostTask.start();
    this.vmTask.start();
  }

  /**
   * Cancels the next rounds and waits for the round in progress, which sends no more
   * driver calls and waits only for those already sent. Never rejects. A reply that
   * arrives after the stop is not recorded, so when the daemon stops the drivers
   * before a call returns, the round ends quietly.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([this.hostTask.stop(), this.vmTask.stop()]);
    await this.queue;
  }

  /** Runs one host round and then one VM round now, after any round in progress. */
  async runOnce(): Promise<void> {
    await this.monitorHosts();
    await this.pollVms();
  }

  /** Sends MONITOR_HOST to every host that is not DISABLED or OFFLINE. Never rejects. */
  monitorHosts(): Promise<void> {
    return this.inTurn('host.monitor_round', async () => {
      const hosts = (await this.listHosts()).filter(isMonitored);
      const stopping = () => this.stopped;
      await forEachLimited(hosts, this.timing.concurrency, (host) => monitorHost(this.deps.services, this.hostFailures, host, stopping), stopping);
    });
  }

  /** POLLs every RUNNING or UNKNOWN VM whose host is MONITORED. Never rejects. */
  pollVms(): Promise<void> {
    return this.inTurn('vm.poll_round', async () => {
      const { store } = this.deps.services;
      const hosts = new Map((await this.listHosts()).map((host) => [host.id, host]));
      const vms = (await store.vms.list(store.db, { where: 'state = ?', params: [VmState.ACTIVE] })).filter(isPolled);

      const polled = vms.flatMap((vm) => {
        const host = hosts.get(currentHostId(vm) ?? -1);
        return host !== undefined && host.state === HostState.MONITORED ? [{ vm, host }] : [];
      });
      const batch = new PollBatch({ ...this.deps.services, vmLog: this.deps.vmLog });
      const stopping = () => this.stopped;
      const poll = ({ vm, host }: { vm: VmRecord; host: HostRecord }) =>
        pollVm(this.deps.services, this.vmFailures, vm, host, stopping, (report) => batch.add({ vm, host, report }));
      await forEachLimited(polled, this.timing.concurrency, poll, stopping);
      await batch.finish();
    });
  }

  /** Sends MONITOR_HOST to the given hosts now, after any round in progress, such as for a host just added. Never rejects. */
  monitorHostsNow(hostIds: readonly number[]): Promise<void> {
    return this.inTurn('host.monitor_new', async () => {
      const requested = new Set(hostIds);
      const hosts = (await this.listHosts()).filter((host) => requested.has(host.id) && isMonitored(host));
      const stopping = () => this.stopped;
      await forEachLimited(hosts, this.timing.concurrency, (host) => monitorHost(this.deps.services, this.hostFailures, host, stopping), stopping);
    });
  }

  private listHosts(): Promise<HostRecord[]> {
    const { store } = this.deps.services;
    return store.hosts.list(store.db);
  }

  /** Runs `round` after the rounds queued before it, unless the monitor stopped; logs its failure with `step`. */
  private inTurn(step: string, round: () => Promise<void>): Promise<void> {
    const next = this.queue.then(async () => {
      if (this.stopped) return;
      try {
        await round();
      } catch (error) {
        this.deps.services.log.internalError({ step }, error);
      }
    });
    this.queue = next;
    return next;
  }
}
