import type { Reader } from './setting-reader.js';
import type { SchedulerPolicySetting, SchedulerSectionSettings } from './settings.js';

/** The settings of the SCHEDULER section, as etc/stratusd.conf documents them. */
export const SCHEDULER_SETTING_NAMES = ['INTERVAL_MS', 'POLICY', 'MAX_DISPATCH', 'MAX_HOST'] as const;

const POLICIES: readonly SchedulerPolicySetting[] = ['packing', 'striping', 'load-aware', 'fixed'];

/** Minimum interval accepted, so that a typo such as "3" cannot make the daemon schedule without pause. */
const MIN_INTERVAL_MS = 100;

/** Maximum delay that Node.js timers accept (2^31 - 1 ms). A longer one fires at once. */
const MAX_INTERVAL_MS = 2_147_483_647;

/** Reads the SCHEDULER section over `current`, the defaults. */
export function readSchedulerSection(reader: Reader, current: SchedulerSectionSettings): SchedulerSectionSettings {
  return {
    intervalMs: reader.int('INTERVAL_MS', current.intervalMs, MIN_INTERVAL_MS, MAX_INTERVAL_MS),
    policy: reader.choice('POLICY', current.policy, POLICIES),
    maxDispatch: reader.int('MAX_DISPATCH', current.maxDispatch, 0),
    maxHost: reader.int('MAX_HOST', current.maxHost, 0),
  };
}
