import type { InjectionToken } from 'tsyringe';
import type { LifecycleManager } from './lifecycle/lifecycle-manager.js';
import type { SchedulerLoop } from './lifecycle/scheduler-loop.js';
import type { Settings } from './config/settings.js';
import type { Database } from './db/database.js';
import type { AclStore } from './auth/acl-store.js';
import type { Authenticator } from './auth/authenticator.js';
import type { Authorizer } from './auth/authorizer.js';
import type { DriverManager } from './drivers/runtime/driver-manager.js';
import type { DaemonLog } from './log/events.js';
import type { PluginRegistry } from './plugins/plugin-registry.js';
import type { Store } from './pools/store.js';
import type { CoreApi } from './services/core-api.js';
import type { CoreServices } from './services/core-services.js';
import type { VmLog } from './vm-log/vm-log.js';

/** Dependency-injection tokens; every registration happens in `container.ts`. */
export const Tokens = {
  Settings: Symbol('Settings') as InjectionToken<Settings>,
  Home: Symbol('Home') as InjectionToken<string>,
  Log: Symbol('DaemonLog') as InjectionToken<DaemonLog>,
  Database: Symbol('Database') as InjectionToken<Database>,
  Store: Symbol('Store') as InjectionToken<Store>,
  AclStore: Symbol('AclStore') as InjectionToken<AclStore>,
  Authorizer: Symbol('Authorizer') as InjectionToken<Authorizer>,
  /** The plugins found in the configured folders; the daemon starts and stops it. */
  Plugins: Symbol('PluginRegistry') as InjectionToken<PluginRegistry>,
  /** The one way the core calls a driver. */
  Drivers: Symbol('DriverManager') as InjectionToken<DriverManager>,
  /** The per-VM logs, HOME/vms/<id>/vm.log. */
  VmLog: Symbol('VmLog') as InjectionToken<VmLog>,
  Authenticator: Symbol('Authenticator') as InjectionToken<Authenticator>,
  CoreServices: Symbol('CoreServices') as InjectionToken<CoreServices>,
  CoreApi: Symbol('CoreApi') as InjectionToken<CoreApi>,
  Lifecycle: Symbol('Lifecycle') as InjectionToken<LifecycleManager>,
  /** The loop that places PENDING VMs on hosts; the daemon starts and stops it. */
  Scheduler: Symbol('SchedulerLoop') as InjectionToken<SchedulerLoop>,
} as const;
