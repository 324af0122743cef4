import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The installation folder (the checkout or the installed package), which contains dist/.
 * This file runs as dist/core/config/plugin-folders.js, three levels below it.
 */
export const INSTALL_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The names a plugin folder setting may start with, and what each stands for. */
export const FOLDER_VARIABLES = {
  /** The installation folder; the shipped plugins are built into $STRATUS_ROOT/dist/plugins/<kind>. */
  STRATUS_ROOT: 'root',
  /** The daemon's home folder (--home, else the STRATUS_HOME environment variable, else var/ of the checkout). */
  STRATUS_HOME: 'home',
} as const;

export interface FolderPlaces {
  root: string;
  home: string;
}

const VARIABLE = /\$([A-Za-z_][A-Za-z0-9_]*)/g;

/** Returns the `$NAME` variables in a folder setting that are not in FOLDER_VARIABLES. */
export function unknownFolderVariables(folder: string): string[] {
  const names = [...folder.matchAll(VARIABLE)].map((match) => match[1]);
  return names.filter((name) => !Object.hasOwn(FOLDER_VARIABLES, name));
}

/**
 * Turns the configured plugin folders into absolute paths: `$STRATUS_ROOT` and
 * `$STRATUS_HOME` are replaced, and a relative path is taken from the home folder.
 * Does no I/O. The configuration loader has already rejected other variables.
 */
export function resolvePluginFolders(folders: readonly string[], places: FolderPlaces): string[] {
  return folders.map((folder) => {
    const expanded = folder.replace(VARIABLE, (whole, name: string) => {
      if (name === 'STRATUS_ROOT') return places.root;
      if (name === 'STRATUS_HOME') return places.home;
      return whole;
    });
    return path.resolve(places.home, expanded);
  });
}
