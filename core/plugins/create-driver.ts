import type { DriverHandle, DriverLogListener, DriverRuntimeSettings } from '../drivers/runtime/driver-handle.js';
import type { EventLog } from '../drivers/runtime/event-log.js';
import { ExecutableDriver } from '../drivers/runtime/executable-driver.js';
import { LoadedModuleDriver } from '../drivers/runtime/module-driver.js';
import type { PluginCandidate } from './inspect-plugin.js';
import { isExecutableEntry } from './manifest.js';

/** Builds the driver for a checked plugin, executable or module. Does no I/O. */
export function createDriver(candidate: PluginCandidate, settings: DriverRuntimeSettings, log: EventLog, onLog: DriverLogListener): DriverHandle {
  const { manifest, dir, version, entryPath } = candidate;

  if (isExecutableEntry(manifest.entry)) {
    return new ExecutableDriver({
      kind: manifest.kind,
      name: manifest.name,
      pluginDir: dir,
      executable: entryPath,
      args: manifest.entry.args ?? [],
      version,
      settings,
      log,
      onLog,
    });
  }

  return new LoadedModuleDriver({
    kind: manifest.kind,
    name: manifest.name,
    pluginDir: dir,
    modulePath: entryPath,
    version,
    actions: manifest.actions,
    settings,
    log,
    onLog,
  });
}
