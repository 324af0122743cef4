import { DEFAULT_RUNTIME_SETTINGS, type DriverRuntimeSettings } from '../drivers/runtime/driver-handle.js';

/** Settings of plugin discovery and of the drivers it starts. */
export interface PluginSettings {
  /**
   * Folders to scan, in order of precedence: each child folder with a plugin.json is
   * one plugin, and of two plugins with the same kind and name the one in the
   * earlier folder wins.
   */
  folders: string[];
  /** Watch the folders and load, reload and unload plugins as they change. */
  watch: boolean;
  /** Quiet time after the last change in a plugin folder before it is reloaded, in milliseconds. */
  debounceMs: number;
  /**
   * Send every claimed action's example request when a plugin loads, and reject a
   * plugin that leaves one unanswered. Off by default, because drivers act on those
   * requests as on real ones.
   */
  probeActionsOnLoad: boolean;
  /** Deadline for the reply to each example request, in milliseconds. */
  probeTimeoutMs: number;
  /**
   * How long the plugins of a configured folder that went missing stay loaded, in
   * milliseconds, when `watch` is on. 0 unloads them at once. Defaults to
   * DEFAULT_MISSING_FOLDER_GRACE_MS.
   * NOTE: stratusd.conf has no setting for it yet, so the daemon always uses the default.
   */
  missingFolderGraceMs?: number;
  runtime: DriverRuntimeSettings;
}

/**
 * Grace period of a configured folder that went missing, in milliseconds. Rebuilding
 * the shipped plugins with `npm run build` removes them for the length of a `tsc`
 * run. Measured with `tsc -p tsconfig.json` on a shared 2-CPU development container, it
 * took 10 s when idle and 73 s while other test suites ran. Five minutes is an
 * estimate that leaves room for slower machines.
 */
export const DEFAULT_MISSING_FOLDER_GRACE_MS = 300_000;

export const DEFAULT_PLUGIN_SETTINGS: PluginSettings = {
  folders: [],
  watch: true,
  debounceMs: 300,
  probeActionsOnLoad: false,
  probeTimeoutMs: 5000,
  missingFolderGraceMs: DEFAULT_MISSING_FOLDER_GRACE_MS,
  runtime: DEFAULT_RUNTIME_SETTINGS,
};
