import 'reflect-metadata';
import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import { AclStore } from './auth/acl-store.js';
import { Authenticator } from './auth/authenticator.js';
import { Authorizer } from './auth/authorizer.js';
import { INSTALL_ROOT, resolvePluginFolders } from './config/plugin-folders.js';
import type { Settings } from './config/settings.js';
import type { Database } from './db/database.js';
import { DriverManager } from './drivers/runtime/driver-manager.js';
import type { DaemonLog } from './log/events.js';
import { PluginRegistry } from './plugins/plugin-registry.js';
import type { PluginSettings } from './plugins/plugin-settings.js';
import { Store } from './pools/store.js';
import { CoreApi } from './services/core-api.js';
import type { CoreServices } from './services/core-services.js';
import { LifecycleManager } from './lifecycle/lifecycle-manager.js';
import { SchedulerLoop } from './lifecycle/scheduler-loop.js';
import { Tokens } from './tokens.js';
import { VmErrorSink } from './vm-log/vm-error-sink.js';
import { VmLog } from './vm-log/vm-log.js';

export interface RootValues {
  settings: Settings;
  home: string;
  log: DaemonLog;
  database: Database;
  /** Current time in seconds; tests pass a fake clock. */
  now?: () => number;
}

/** Builds the registry's settings from the configured plugin section, with its folders made absolute. */
export function registrySettings(settings: Settings, home: string): PluginSettings {
  const { plugins } = settings;
  return {
    folders: resolvePluginFolders(plugins.folders, { root: INSTALL_ROOT, home }),
    watch: plugins.watch,
    debounceMs: plugins.debounceMs,
    probeActionsOnLoad: plugins.probeActions,
    probeTimeoutMs: plugins.probeTimeoutMs,
    runtime: plugins.runtime,
  };
}

/** Registers the plugin registry, the driver manager and the VM logs they write to. */
function registerDrivers(c: DependencyContainer, values: RootValues, store: Store): DriverManager {
  const { settings, home, log } = values;
  const vmLog = new VmLog({ home, maxBytes: settings.vmLog.maxBytes, log });
  const registry = new PluginRegistry({ settings: registrySettings(settings, home), log, sink: vmLog });
  const failures = new VmErrorSink(vmLog, store, log);
  const drivers = new DriverManager({ drivers: registry, sink: failures, log, settings: settings.plugins.calls });

  c.register(Tokens.VmLog, { useValue: vmLog });
  c.register(Tokens.Plugins, { useValue: registry });
  c.register(Tokens.Drivers, { useValue: drivers });
  return drivers;
}

/**
 * Registers every service of one daemon in a child container (the composition root),
 * so that tests can run several daemons in one process. Nothing here does I/O: the
 * caller opened the values passed in, and the daemon starts the plugin registry once
 * the database is ready.
 */
export function buildContainer(values: RootValues): DependencyContainer {
  const c = rootContainer.createChildContainer();
  const now = values.now ?? (() => Math.floor(Date.now() / 1000));

  c.register(Tokens.Settings, { useValue: values.settings });
  c.register(Tokens.Home, { useValue: values.home });
  c.register(Tokens.Log, { useValue: values.log });
  c.register(Tokens.Database, { useValue: values.database });

  const store = new Store(values.database);
  const acl = new AclStore();
  const authorizer = new Authorizer(acl);
  const drivers = registerDrivers(c, values, store);

  c.register(Tokens.Store, { useValue: store });
  c.register(Tokens.AclStore, { useValue: acl });
  c.register(Tokens.Authorizer, { useValue: authorizer });
  c.register(Tokens.Authenticator, { useValue: new Authenticator(store, drivers, values.log, () => now() * 1000) });

  const services: CoreServices = {
    store,
    acl,
    authorizer,
    drivers,
    settings: values.settings,
    log: values.log,
    home: values.home,
    now,
  };
  c.register(Tokens.CoreServices, { useValue: services });
  c.register(Tokens.CoreApi, { useValue: new CoreApi(services) });
  const lifecycle = new LifecycleManager({ services, drivers, vmLog: c.resolve(Tokens.VmLog) });
  c.register(Tokens.Lifecycle, { useValue: lifecycle });
  c.register(Tokens.Scheduler, { useValue: new SchedulerLoop({ services, lifecycle, settings: values.settings.scheduler }) });
  return c;
}
