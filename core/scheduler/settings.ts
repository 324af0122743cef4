import { compileRank } from './expression/rank.js';
import { ExpressionSyntaxError } from './expression/syntax-error.js';
import type { SchedulerSettings, SchedulingPolicy } from './types.js';

/**
 * Defaults of OpenNebula 6.10's `sched.conf`: DEFAULT_SCHED POLICY = 1 (striping),
 * MAX_DISPATCH = 30 and MAX_HOST = 1.
 */
export const DEFAULT_SCHEDULER_SETTINGS: Readonly<SchedulerSettings> = Object.freeze({
  policy: 'striping',
  maxDispatch: 30,
  maxHost: 1,
});

const POLICY_RANKS: Record<Exclude<SchedulingPolicy, 'custom'>, string> = {
  packing: 'RUNNING_VMS',
  striping: '- RUNNING_VMS',
  'load-aware': 'FREE_CPU',
  fixed: 'PRIORITY',
};

/**
 * Fills missing settings with the defaults and checks them. Throws RangeError for an
 * unknown policy, a limit that is not a whole number of 0 or more, or a `custom` policy
 * whose `customRank` is missing or does not parse.
 */
export function resolveSchedulerSettings(settings: Partial<SchedulerSettings> = {}): SchedulerSettings {
  const resolved: SchedulerSettings = { ...DEFAULT_SCHEDULER_SETTINGS, ...definedFields(settings) };

  if (!Object.hasOwn(POLICY_RANKS, resolved.policy) && resolved.policy !== 'custom') {
    throw new RangeError(`Unknown scheduling policy "${String(resolved.policy)}"; use packing, striping, load-aware, fixed or custom.`);
  }
  checkLimit('maxDispatch', resolved.maxDispatch);
  checkLimit('maxHost', resolved.maxHost);

  if (resolved.policy === 'custom') {
    checkCustomRank(resolved.customRank);
  }

  return resolved;
}

/** Returns the rank expression that orders hosts for VMs without SCHED_RANK. */
export function policyRank(settings: SchedulerSettings): string {
  return settings.policy === 'custom' ? (settings.customRank ?? '') : POLICY_RANKS[settings.policy];
}

function definedFields(settings: Partial<SchedulerSettings>): Partial<SchedulerSettings> {
  return Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined));
}

function checkLimit(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`Scheduler setting ${name} must be a whole number of 0 or more (0 means no limit), got ${String(value)}.`);
  }
}

function checkCustomRank(rank: string | undefined): void {
  if (rank === undefined || rank.trim() === '') {
    throw new RangeError('The custom scheduling policy needs customRank, a rank expression such as "FREE_CPU - RUNNING_VMS * 10".');
  }

  try {
    compileRank(rank);
  } catch (error) {
    if (error instanceof ExpressionSyntaxError) {
      throw new RangeError(`Scheduler setting customRank "${rank}" is invalid: ${error.message}.`);
    }
    throw error;
  }
}
