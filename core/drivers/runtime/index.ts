/** The driver runtime: what the daemon, the CLI and driver authors import. */
export { DriverManager, DEFAULT_CALL_SETTINGS, type DriverCallSettings, type DriverCallRequestOptions, type DriverManagerDependencies } from './driver-manager.js';
export { DriverError, isRetryable, type DriverCallContext, type DriverErrorCode } from './driver-error.js';
export { DriverStartError, type DriverStartErrorCode } from './driver-start-error.js';
export { DEFAULT_RUNTIME_SETTINGS, type DriverHandle, type DriverRuntimeSettings, type DriverState, type DriverStopResult } from './driver-handle.js';
export { NO_OBJECT_LOGS, routeDriverLog, type DriverLogSink } from './driver-log-sink.js';
export type { DriverDirectory, DriverLookup, InstalledDriver, RetrySettings } from './driver-directory.js';
export type { EventLog } from './event-log.js';
export { ExecutableDriver, type ExecutableDriverOptions } from './executable-driver.js';
export { LoadedModuleDriver, type ModuleDriverOptions } from './module-driver.js';
export type { ModuleDriver, ModuleDriverContext, ModuleDriverFactory } from './module-driver-api.js';
