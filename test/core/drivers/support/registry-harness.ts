import { DriverManager, type DriverCallSettings } from '../../../../core/drivers/runtime/driver-manager.js';
import type { DriverRuntimeSettings } from '../../../../core/drivers/runtime/driver-handle.js';
import { PluginRegistry } from '../../../../core/plugins/plugin-registry.js';
import { DEFAULT_PLUGIN_SETTINGS, type PluginSettings } from '../../../../core/plugins/plugin-settings.js';
import { RecordingLog, RecordingSink, testRuntime } from './plugin-fixtures.js';

interface Teardown {
  teardown(fn: () => unknown): void;
}

export interface RegistryUnderTest {
  registry: PluginRegistry;
  manager: DriverManager;
  log: RecordingLog;
  sink: RecordingSink;
  /** Delays the manager waited between retries, in milliseconds. */
  sleeps: number[];
}

export interface RegistryOptions {
  settings?: Partial<Omit<PluginSettings, 'folders' | 'runtime'>>;
  runtime?: Partial<DriverRuntimeSettings>;
  calls?: DriverCallSettings;
}

/** Starts a registry over `folders` and a manager on top of it; both stop when the test ends. */
export async function startRegistry(t: Teardown, folders: string[], options: RegistryOptions = {}): Promise<RegistryUnderTest> {
  const log = new RecordingLog();
  const sink = new RecordingSink();
  const sleeps: number[] = [];
  const settings: PluginSettings = { ...DEFAULT_PLUGIN_SETTINGS, watch: false, debounceMs: 100, ...options.settings, folders, runtime: testRuntime(options.runtime) };

  const registry = new PluginRegistry({ settings, log, sink });
  t.teardown(() => registry.stop());
  const sleep = async (ms: number) => {
    sleeps.push(ms);
  };
  const manager = new DriverManager({ drivers: registry, sink, log, settings: options.calls, sleep });

  await registry.start();
  return { registry, manager, log, sink, sleeps };
}
