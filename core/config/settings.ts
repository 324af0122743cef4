import { DEFAULT_RUNTIME_SETTINGS, type DriverRuntimeSettings } from '../drivers/runtime/driver-handle.js';
import { DEFAULT_CALL_SETTINGS, type DriverCallSettings } from '../drivers/runtime/driver-manager.js';
import { DEFAULT_PLUGIN_SETTINGS } from '../plugins/plugin-settings.js';
import { DEFAULT_SCHEDULER_SETTINGS } from '../scheduler/settings.js';

/** Discovery of driver plugins, and the limits the core applies to the drivers they start. */
export interface PluginSectionSettings {
  /**
   * Plugin folders in order of precedence; each child folder with a plugin.json is one
   * plugin. `$STRATUS_ROOT` and `$STRATUS_HOME` are replaced when the daemon starts.
   */
  folders: string[];
  /** Watch the folders and load, reload and unload plugins as they change. */
  watch: boolean;
  /** Quiet time after the last change in a plugin folder before it is reloaded, in milliseconds. */
  debounceMs: number;
  /** Send every claimed action's example request when a plugin loads, and reject a plugin that leaves one unanswered. */
  probeActions: boolean;
  /** Deadline for the reply to each example request, in milliseconds. */
  probeTimeoutMs: number;
  runtime: DriverRuntimeSettings;
  calls: DriverCallSettings;
}

/**
 * Host orders that SCHEDULER/POLICY accepts: OpenNebula's DEFAULT_SCHED policies 0
 * (packing), 1 (striping), 2 (load-aware) and 4 (fixed). The custom policy 3 needs a
 * rank expression, which the settings file has no entry for.
 */
export type SchedulerPolicySetting = 'packing' | 'striping' | 'load-aware' | 'fixed';

/** The scheduler loop, which places PENDING VMs on hosts. */
export interface SchedulerSectionSettings {
  /** Time from the end of one scheduling cycle to the start of the next, in milliseconds. */
  intervalMs: number;
  /** Host order for VMs without SCHED_RANK. */
  policy: SchedulerPolicySetting;
  /** Maximum VMs dispatched in one cycle, or 0 for no limit. */
  maxDispatch: number;
  /** Maximum VMs dispatched to one host in one cycle, or 0 for no limit. */
  maxHost: number;
}

/** The monitor, which queries the VM drivers about hosts and running VMs. */
export interface MonitorSectionSettings {
  /** Time from the end of one MONITOR_HOST round to the start of the next, in milliseconds. */
  hostIntervalMs: number;
  /** Time from the end of one POLL round to the start of the next, in milliseconds. */
  vmIntervalMs: number;
  /** Whether a host just added or enabled again is monitored at once, instead of in the next host round. */
  newHosts: boolean;
  /** Time from the daemon's start to the first round of each kind, in milliseconds. */
  firstDelayMs: number;
  /** Driver calls in progress at once within a round. */
  concurrency: number;
}

/** Every setting of stratusd, with the defaults it runs on when nothing is configured. */
export interface Settings {
  listenAddress: string;
  port: number;
  logLevel: string;
  db: {
    synchronous: 'FULL' | 'NORMAL';
    busyTimeoutMs: number;
  };
  rpc: {
    /** Largest request body accepted, in bytes. */
    maxBodyBytes: number;
    /** Deepest nesting of arrays and structs in a call. */
    maxDepth: number;
    /** Longest string parameter, in characters. */
    maxStringLength: number;
    /** Most parameters in one call. */
    maxParams: number;
    /** Maximum open client connections; a further one is closed at once, without a response. */
    maxConnections: number;
    /** Most calls handled at once; further ones wait in line. */
    maxConcurrentCalls: number;
    /** Time a client has to send a whole request, in milliseconds; a slower one gets HTTP 408. */
    requestTimeoutMs: number;
    /** Time an idle keep-alive connection stays open, in milliseconds. */
    keepAliveTimeoutMs: number;
  };
  auth: {
    /** Longest lifetime of a login token, in seconds. */
    maxTokenSeconds: number;
  };
  /** Permissions removed from new objects, as an octal mask like a file umask. */
  defaultUmask: number;
  /** Order of pool listings by id. */
  listOrder: 'ASC' | 'DESC';
  plugins: PluginSectionSettings;
  scheduler: SchedulerSectionSettings;
  monitor: MonitorSectionSettings;
  vmLog: {
    /** Size at which HOME/vms/<id>/vm.log is renamed to vm.log.1 and a new one begun, in bytes. */
    maxBytes: number;
  };
}

export const DEFAULT_SETTINGS: Settings = {
  listenAddress: '127.0.0.1',
  port: 2633,
  logLevel: 'info',
  db: { synchronous: 'FULL', busyTimeoutMs: 5000 },
  rpc: {
    maxBodyBytes: 16 * 1024 * 1024,
    maxDepth: 32,
    maxStringLength: 8 * 1024 * 1024,
    maxParams: 64,
    maxConnections: 240,
    maxConcurrentCalls: 64,
    requestTimeoutMs: 15_000,
    keepAliveTimeoutMs: 15_000,
  },
  auth: { maxTokenSeconds: 36_000 },
  defaultUmask: 0o177,
  listOrder: 'ASC',
  plugins: {
    folders: [
      '$STRATUS_ROOT/dist/plugins/auth',
      '$STRATUS_ROOT/dist/plugins/vmm',
      '$STRATUS_ROOT/dist/plugins/image',
      '$STRATUS_ROOT/dist/plugins/transfer',
      '$STRATUS_HOME/plugins',
    ],
    watch: DEFAULT_PLUGIN_SETTINGS.watch,
    debounceMs: DEFAULT_PLUGIN_SETTINGS.debounceMs,
    probeActions: DEFAULT_PLUGIN_SETTINGS.probeActionsOnLoad,
    probeTimeoutMs: DEFAULT_PLUGIN_SETTINGS.probeTimeoutMs,
    runtime: structuredClone(DEFAULT_RUNTIME_SETTINGS),
    calls: structuredClone(DEFAULT_CALL_SETTINGS),
  },
  // SCHED_INTERVAL = 30 (seconds) in OpenNebula 6's sched.conf; the limits are its MAX_DISPATCH and MAX_HOST.
  scheduler: {
    intervalMs: 30_000,
    policy: 'striping',
    maxDispatch: DEFAULT_SCHEDULER_SETTINGS.maxDispatch,
    maxHost: DEFAULT_SCHEDULER_SETTINGS.maxHost,
  },
  // The first round waits 5 s so that a starting daemon serves its first calls before it monitors.
  monitor: {
    hostIntervalMs: 60_000,
    vmIntervalMs: 30_000,
    firstDelayMs: 5_000,
    newHosts: true,
    concurrency: 8,
  },
  vmLog: { maxBytes: 1024 * 1024 },
};
