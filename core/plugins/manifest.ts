import type { DriverKind } from '../drivers/protocol/index.js';

/** The manifest file at the top of every plugin folder. */
export const MANIFEST_FILE = 'plugin.json';

/**
 * An executable driver: a program in any language that speaks the line protocol on
 * its standard input and output. It is started without a shell.
 */
export interface ExecutableEntry {
  /**
   * Path of the program, relative to the plugin folder, inside it. The file must be
   * executable (`chmod +x`); a script needs a `#!` line.
   * @example "bin/driver"
   */
  executable: string;
  /**
   * Arguments passed to the program, one string per argument, with no shell
   * expansion.
   * @example ["--verbose"]
   */
  args?: string[];
}

/** A JavaScript module loaded in the daemon's process. */
export interface ModuleEntry {
  /**
   * Path of the ES module, relative to the plugin folder, inside it. Its default
   * export (or its export `createDriver`) is the driver factory.
   * @example "driver.js"
   */
  module: string;
}

/** The contents of `plugin.json`. */
export interface PluginManifest {
  /**
   * The driver name that hosts, datastores and users refer to (VM_MAD, DS_MAD,
   * TM_MAD, AUTH_DRIVER): a lower-case letter, then lower-case letters, digits,
   * `-` or `_`, 64 characters at most.
   * @example "qemu"
   */
  name: string;
  /**
   * The driver family, which fixes the actions the plugin may implement.
   * @example "vmm"
   */
  kind: DriverKind;
  /**
   * Protocol versions the driver speaks. The core sends the highest version that
   * it speaks too in INIT; with none in common the plugin is rejected.
   * @example [1]
   */
  protocol: number[];
  /**
   * Actions the driver implements, each an action of the family `kind`.
   * @example ["DEPLOY", "SHUTDOWN", "CANCEL", "POLL"]
   */
  actions: string[];
  /**
   * Actions that are safe to run twice (idempotent), a subset of `actions`. The core
   * retries these after a timeout, a crash or a FAILURE reply; it never retries the
   * others. An empty list is valid.
   * @example ["POLL", "MONITOR_HOST"]
   */
  retry: string[];
  /**
   * The driver's entry point: `{ "executable": ..., "args": [...] }` or `{ "module": ... }`.
   * @example { "executable": "driver", "args": [] }
   */
  entry: ExecutableEntry | ModuleEntry;
  /**
   * Deadlines for replies, in seconds, by action; they replace the configuration and
   * protocol defaults. Each key must be in `actions`.
   * @example { "DEPLOY": 300 }
   */
  timeouts?: Record<string, number>;
  /**
   * Retry policy of the actions in `retry`: `attempts` tries in all (1 to 10, the first
   * included), `backoffMs` before the second try (0 to 60000), and double the delay
   * before each further try.
   * @example { "attempts": 3, "backoffMs": 1000 }
   */
  retries?: { attempts: number; backoffMs: number };
  /**
   * One line for people, shown by `stratus plugin list`.
   * @example "Runs VMs as QEMU processes on the host"
   */
  description?: string;
}

export function isExecutableEntry(entry: PluginManifest['entry']): entry is ExecutableEntry {
  return 'executable' in entry;
}
