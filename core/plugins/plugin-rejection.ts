import type { DriverStartErrorCode } from '../drivers/runtime/driver-start-error.js';
import type { ManifestProblem } from './validate-manifest.js';

/** The reason a plugin folder did not become a loaded driver. */
export type RejectionCode =
  /** plugin.json does not parse or does not validate; `problems` lists every problem. */
  | 'BAD_MANIFEST'
  /** The file `entry` names does not exist. */
  | 'ENTRY_MISSING'
  /** The executable `entry` names is not a file with execute permission. */
  | 'ENTRY_NOT_EXECUTABLE'
  /** None of the versions in `protocol` is one the core speaks. */
  | 'UNSUPPORTED_PROTOCOL'
  /** A plugin earlier in the configured order has the same kind and name. */
  | 'SHADOWED'
  /** The driver claims an action and sent no reply to its example request. */
  | 'ACTION_NOT_ANSWERED'
  /** The driver answered an action's example request with a line or payload that breaks the protocol. */
  | 'ACTION_INVALID_REPLY'
  /** The driver crashed while answering an action's example request. */
  | 'ACTION_CRASHED'
  | DriverStartErrorCode;

/** A plugin folder that was rejected, with the reason and what to do about it. */
export class PluginRejection extends Error {
  readonly code: RejectionCode;
  /** The plugin folder. */
  readonly dir: string;
  readonly problems: readonly ManifestProblem[];

  constructor(code: RejectionCode, dir: string, reason: string, problems: readonly ManifestProblem[] = []) {
    super(reason);
    this.name = 'PluginRejection';
    this.code = code;
    this.dir = dir;
    this.problems = problems;
  }

  /** Returns the code and the reason, as the registry logs them and `stratus plugin list` shows them. */
  describe(): string {
    return `${this.code}: ${this.message}`;
  }
}
