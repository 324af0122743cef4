export { schedule } from './schedule.js';
export { DEFAULT_SCHEDULER_SETTINGS, resolveSchedulerSettings } from './settings.js';
export { SCHEDULABLE_HOST_STATES } from './host-table.js';
export { schedulerHostFromRecord, type HostExtras } from './host-from-record.js';
export { ExpressionCache } from './expression/expression-cache.js';
export { compileRequirement, type CompiledRequirement } from './expression/requirement.js';
export { compileRank, type CompiledRank } from './expression/rank.js';
export { ExpressionSyntaxError } from './expression/syntax-error.js';
export type { AttributeSource } from './expression/attribute-source.js';
export type {
  CapacityReservation,
  HostMonitoring,
  PendingReason,
  PendingResult,
  PendingVm,
  Placement,
  ScheduleInput,
  ScheduleResult,
  SchedulerDatastore,
  SchedulerHost,
  SchedulerSettings,
  SchedulingPolicy,
  TemplateAttributeInput,
} from './types.js';
