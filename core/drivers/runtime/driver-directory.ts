import type { DriverHandle } from './driver-handle.js';
import type { DriverKind } from './protocol-types.js';

/** Retry settings: attempts counts the first try, and the delay doubles after each failure. */
export interface RetrySettings {
  /** Tries in all, the first included; 1 means no retry. */
  attempts: number;
  /** Delay before the second try, in milliseconds. */
  backoffMs: number;
}

/** A loaded driver with what its plugin declares about calls. */
export interface InstalledDriver {
  handle: DriverHandle;
  /** The plugin folder. */
  dir: string;
  /** Actions the plugin claims. */
  actions: readonly string[];
  /** Actions the plugin declares safe to retry. */
  retry: readonly string[];
  /** Deadlines per action from plugin.json, in seconds. */
  timeouts: Readonly<Record<string, number>>;
  /** Retry settings from plugin.json, when it has them. */
  retries?: RetrySettings;
}

/** The result of looking up one kind and name in a directory of drivers. */
export type DriverLookup =
  | { status: 'loaded'; driver: InstalledDriver }
  | { status: 'broken'; dir: string; reason: string }
  | { status: 'absent'; folders: readonly string[] };

/**
 * Finds drivers by kind and name. The plugin registry is one; `resolve` waits while
 * the plugin is being loaded or reloaded.
 */
export interface DriverDirectory {
  resolve(kind: DriverKind, name: string): Promise<DriverLookup>;
}
