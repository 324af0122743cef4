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
  runtime: DriverRuntimeSettings;
}

export const DEFAULT_PLUGIN_SETTINGS: PluginSettings = {
  folders: [],
  watch: true,
  debounceMs: 300,
  probeActionsOnLoad: false,
  probeTimeoutMs: 5000,
  runtime: DEFAULT_RUNTIME_SETTINGS,
};
