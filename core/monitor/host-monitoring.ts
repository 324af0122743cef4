import { DriverError } from '../drivers/runtime/index.js';
import { HostState, type HostRecord } from '../pools/records/host-record.js';
import type { CoreServices } from '../services/core-services.js';
import { templateValue } from '../vm-log/record-vm-error.js';
import type { FailureLog } from './failure-log.js';

export type MonitorServices = Pick<CoreServices, 'store' | 'drivers' | 'log' | 'now'>;

/** States in which an operator took the host out of service, so the monitor leaves it alone. */
const UNMONITORED_STATES = new Set([HostState.DISABLED, HostState.OFFLINE]);

/** The capacity figures of a MONITOR_HOST reply: CPU in percent of one core, memory in KiB. */
export interface HostCapacity {
  totalCpu: number;
  usedCpu: number;
  totalMemoryKb: number;
  usedMemoryKb: number;
}

/**
 * Returns whether the monitor sends MONITOR_HOST for the host: true for every host
 * that is not DISABLED or OFFLINE.
 * NOTE: OpenNebula 6.10 keeps monitoring DISABLED hosts and skips only OFFLINE ones.
 */
export function isMonitored(host: HostRecord): boolean {
  return !UNMONITORED_STATES.has(host.state);
}

/** Returns the text of a failure: the driver's own message for a DriverError. */
export function failureText(error: unknown): string {
  if (error instanceof DriverError) return error.detail;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Stores a successful MONITOR_HOST inside one transaction: TOTAL_CPU and TOTAL_MEM (and
 * MAX_CPU and MAX_MEM, equal to them) in the host share, the used and free figures in
 * MONITORING/CAPACITY, and an INIT or ERROR host becomes MONITORED without its ERROR.
 * A host deleted, disabled or set offline meanwhile keeps its state.
 * NOTE: OpenNebula subtracts RESERVED_CPU and RESERVED_MEM from MAX_CPU and MAX_MEM;
 * Stratus does not read them yet.
 */
export async function recordHostCapacity(services: MonitorServices, hostId: number, capacity: HostCapacity): Promise<HostRecord | undefined> {
  const { store } = services;
  return store.db.transaction(async (tx) => {
    const host = await store.hosts.get(tx, hostId);
    if (host === undefined) return undefined;

    host.share = { ...host.share, totalCpu: capacity.totalCpu, maxCpu: capacity.totalCpu, totalMem: capacity.totalMemoryKb, maxMem: capacity.totalMemoryKb };
    host.monitoring = {
      timestamp: services.now(),
      freeCpu: Math.max(0, capacity.totalCpu - capacity.usedCpu),
      freeMemory: Math.max(0, capacity.totalMemoryKb - capacity.usedMemoryKb),
      usedCpu: capacity.usedCpu,
      usedMemory: capacity.usedMemoryKb,
    };

    if (isMonitored(host)) {
      host.template.remove('ERROR');
      if (host.state !== HostState.MONITORED) {
        host.prevState = host.state;
        host.state = HostState.MONITORED;
      }
    }
    await store.hosts.update(tx, host);
    return host;
  });
}

/**
 * Records a failed MONITOR_HOST inside one transaction: the host goes to ERROR with
 * `TIME : message` in its template's ERROR, as OpenNebula records a monitoring error.
 * A host deleted, disabled or set offline meanwhile is left as it is.
 */
export async function recordHostFailure(services: MonitorServices, hostId: number, message: string): Promise<void> {
  const { store } = services;
  await store.db.transaction(async (tx) => {
    const host = await store.hosts.get(tx, hostId);
    if (host === undefined || !isMonitored(host)) return;

    host.template.set('ERROR', templateValue(`${new Date(services.now() * 1000).toISOString()} : ${message}`));
    if (host.state !== HostState.ERROR) {
      host.prevState = host.state;
      host.state = HostState.ERROR;
    }
    await store.hosts.update(tx, host);
  });
}

/**
 * Asks the host's VM driver for its capacity and records the result, or the failure.
 * Never rejects: every error is logged with the host id. Nothing is recorded once
 * `stopping()` is true, because a stopping daemon ends the driver calls.
 */
export async function monitorHost(services: MonitorServices, failures: FailureLog, host: HostRecord, stopping: () => boolean): Promise<void> {
  const fields = { hostName: host.name, driver: host.vmMad };
  try {
    let capacity: HostCapacity;
    try {
      capacity = await services.drivers.call('vmm', host.vmMad, 'MONITOR_HOST', { host: host.name }, { objectId: -1 });
    } catch (error) {
      if (stopping()) return;
      const message = failureText(error);
      failures.failed(host.id, message, fields);
      await recordHostFailure(services, host.id, message);
      return;
    }

    if (stopping()) return;
    const stored = await recordHostCapacity(services, host.id, capacity);
    failures.succeeded(host.id, fields);
    if (stored !== undefined && stored.state !== host.state) {
      services.log.info('host.monitored', { hostId: host.id, ...fields, from: HostState[host.state], to: HostState[stored.state] });
    }
  } catch (error) {
    services.log.internalError({ step: 'host.monitor', hostId: host.id }, error);
  }
}
