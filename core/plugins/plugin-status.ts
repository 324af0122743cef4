import type { DriverKind } from '../drivers/protocol/index.js';
import type { RejectionCode } from './plugin-rejection.js';
import type { ManifestProblem } from './validate-manifest.js';

/** The state of one plugin folder, as `stratus plugin list` prints it. */
export type PluginStatus =
  | { state: 'loading' | 'unloading'; dir: string; kind?: DriverKind; name?: string }
  | { state: 'loaded'; dir: string; kind: DriverKind; name: string; version: number; entry: 'executable' | 'module'; description?: string }
  | {
      state: 'rejected';
      dir: string;
      /** Known when plugin.json is valid. */
      kind?: DriverKind;
      name?: string;
      code: RejectionCode;
      reason: string;
      problems: readonly ManifestProblem[];
    };

/** The position of a plugin in the configured order: lower wins. */
export interface PluginRank {
  /** Index of the configured folder. */
  folder: number;
  /** Name of the plugin folder inside it. */
  child: string;
}

/** Orders plugin ranks: the earlier configured folder first, then the child folder name. */
export function compareRanks(a: PluginRank, b: PluginRank): number {
  if (a.folder !== b.folder) return a.folder - b.folder;
  if (a.child === b.child) return 0;
  return a.child < b.child ? -1 : 1;
}
