import type { Reader } from './setting-reader.js';
import type { MonitorSectionSettings } from './settings.js';

/** The settings of the MONITOR section, as etc/stratusd.conf documents them. */
export const MONITOR_SETTING_NAMES = ['HOST_INTERVAL_MS', 'VM_INTERVAL_MS', 'FIRST_DELAY_MS', 'NEW_HOSTS', 'MAX_DRIVER_CALLS'] as const;

/** Minimum interval accepted, so that a typo such as "3" cannot make the daemon monitor without pause. */
const MIN_INTERVAL_MS = 100;

/** Maximum delay that Node.js timers accept (2^31 - 1 ms). A longer one fires at once. */
const MAX_DELAY_MS = 2_147_483_647;

/** Upper bound of MAX_DRIVER_CALLS, so that a typo cannot start thousands of driver calls at once. */
const MAX_DRIVER_CALLS = 1000;

/** Reads the MONITOR section over `current`, the defaults. */
export function readMonitorSection(reader: Reader, current: MonitorSectionSettings): MonitorSectionSettings {
  return {
    hostIntervalMs: reader.int('HOST_INTERVAL_MS', current.hostIntervalMs, MIN_INTERVAL_MS, MAX_DELAY_MS),
    vmIntervalMs: reader.int('VM_INTERVAL_MS', current.vmIntervalMs, MIN_INTERVAL_MS, MAX_DELAY_MS),
    firstDelayMs: reader.int('FIRST_DELAY_MS', current.firstDelayMs, 0, MAX_DELAY_MS),
    newHosts: reader.flag('NEW_HOSTS', current.newHosts),
    concurrency: reader.int('MAX_DRIVER_CALLS', current.concurrency, 1, MAX_DRIVER_CALLS),
  };
}
