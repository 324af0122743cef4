import type { ActionName, DriverKind, LogSeverity, ReplyOf, RequestOf } from './protocol-types.js';
import type { DRIVER_FAMILIES } from './protocol-types.js';

type Family<K extends DriverKind> = (typeof DRIVER_FAMILIES)[K];

/** The argument the core passes to a module driver's factory. */
export interface ModuleDriverContext {
  kind: DriverKind;
  /** The plugin name from plugin.json. */
  name: string;
  /** Absolute path of the plugin folder. */
  pluginDir: string;
  /** The protocol version the core speaks with this driver. */
  version: number;
  /** Writes a line to the log of object `objectId` (a VM or image id), or to the daemon log for -1. */
  log(severity: LogSeverity, objectId: number, text: string): void;
}

/**
 * A module driver of family `K`: one async method per action it claims, named as
 * the action, taking the request and returning the reply. A thrown error is sent
 * back as a FAILURE with the error's message. An action whose reply has no fields
 * may return nothing.
 */
export type ModuleDriver<K extends DriverKind = DriverKind> = {
  [A in ActionName<K>]?: (request: RequestOf<Family<K>[A]>) => Promise<ReplyOf<Family<K>[A]> | void>;
} & {
  /** Called once after loading, with the protocol version; a throw rejects the plugin. */
  init?(version: number): Promise<void> | void;
  /** Called once when the driver is stopped. */
  finalize?(): Promise<void> | void;
};

/**
 * The factory a module driver's file exports, as its default export or as the
 * named export `createDriver`.
 */
export type ModuleDriverFactory<K extends DriverKind = DriverKind> = (context: ModuleDriverContext) => ModuleDriver<K> | Promise<ModuleDriver<K>>;
