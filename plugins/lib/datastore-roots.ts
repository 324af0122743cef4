import path from 'node:path';
import { resolveFolders } from './path-checks.js';

/** Environment variables that name the datastore roots. */
export const DATASTORE_ROOT_SETTINGS = {
  /**
   * Folders that contain datastore folders (like `$STRATUS_HOME/datastores`), separated
   * by ":" as in PATH. The shipped drivers write and delete only below them.
   */
  roots: 'STRATUS_DATASTORE_ROOTS',
  /** Used when STRATUS_DATASTORE_ROOTS is unset: the daemon's data folder, whose datastores/ is the root. */
  home: 'STRATUS_HOME',
} as const;

export interface DatastoreRoots {
  /** Roots with symbolic links resolved; empty when nothing is configured. */
  folders: string[];
  /** The setting the roots came from, for messages. */
  origin: string;
}

/** Reads the datastore roots from the environment; throws on a relative folder. */
export async function loadDatastoreRoots(env: NodeJS.ProcessEnv = process.env): Promise<DatastoreRoots> {
  const listed = (env[DATASTORE_ROOT_SETTINGS.roots] ?? '')
    .split(path.delimiter)
    .map((folder) => folder.trim())
    .filter((folder) => folder !== '');
  for (const folder of listed) {
    if (!path.isAbsolute(folder)) {
      throw new Error(`the datastore root "${folder}" in ${DATASTORE_ROOT_SETTINGS.roots} is not an absolute path; write the full path`);
    }
  }
  if (listed.length > 0) return { folders: await resolveFolders(listed), origin: DATASTORE_ROOT_SETTINGS.roots };

  const home = env[DATASTORE_ROOT_SETTINGS.home]?.trim();
  if (home !== undefined && home !== '') {
    return { folders: await resolveFolders([path.join(path.resolve(home), 'datastores')]), origin: `${DATASTORE_ROOT_SETTINGS.home}/datastores` };
  }
  return { folders: [], origin: DATASTORE_ROOT_SETTINGS.roots };
}
