import { access, mkdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import type { ModuleDriverContext } from '../../lib/driver-types.js';
import { objectLog, type ObjectLog } from '../../lib/object-log.js';
import { DATASTORE_ROOT_SETTINGS, loadDatastoreRoots } from '../../lib/datastore-roots.js';
import { isStrictlyInsideFolder, requireAbsolutePath, resolveFollowingLinks } from '../../lib/path-checks.js';

/** Everything one image action needs: what it is about, a log and the stop signal. */
export interface ImageCall extends ObjectLog {
  /** "image <id>" or "datastore <id>", for messages. */
  subject: string;
  /** Aborted when the driver stops, which ends downloads and kills commands. */
  signal: AbortSignal;
}

/** Starts a call whose log lines go to object `logObjectId` (an image id, or -1 for the daemon log). */
export function beginImageCall(context: ModuleDriverContext, signal: AbortSignal, subject: string, logObjectId: number): ImageCall {
  return { subject, signal, ...objectLog(context, logObjectId) };
}

/**
 * Creates the datastore folder when needed and returns it with symbolic links
 * resolved. When datastore roots are configured, the folder must lie below one.
 */
export async function prepareDatastore(datastorePath: string, subject: string): Promise<string> {
  const absolute = requireAbsolutePath(datastorePath, `datastore folder of ${subject}`);
  const resolved = await resolveFollowingLinks(absolute);
  if (resolved === path.parse(resolved).root) {
    throw new Error(`the datastore folder of ${subject} is the filesystem root; give the datastore its own folder`);
  }

  const roots = await loadDatastoreRoots();
  if (roots.folders.length > 0 && !roots.folders.some((root) => isStrictlyInsideFolder(resolved, root))) {
    const displayedPath = resolved === absolute ? absolute : `${absolute} (resolved to ${resolved})`;
    throw new Error(
      `the datastore folder ${displayedPath} of ${subject} is outside the datastore roots (${roots.folders.join(', ')}, from ${roots.origin}); ` +
        `fix the datastore's path, or add the folder that contains it to ${DATASTORE_ROOT_SETTINGS.roots}`,
    );
  }

  await mkdir(resolved, { recursive: true });
  return realpath(resolved);
}

/** Returns the path of an image's file in the datastore: `<datastore>/<imageId>`. */
export function imageFilePath(datastore: string, imageId: number): string {
  if (!Number.isSafeInteger(imageId) || imageId < 0) {
    throw new Error(`the image id ${imageId} is invalid; image ids are whole numbers from 0`);
  }
  return path.join(datastore, String(imageId));
}

/** Throws when `file` exists already, so that an image file is never overwritten. */
export async function requireNewFile(file: string, subject: string): Promise<void> {
  const exists = await access(file).then(
    () => true,
    () => false,
  );
  if (exists) throw new Error(`the file ${file} for ${subject} already exists in the datastore; delete the leftover file or the image that owns it, then retry`);
}
