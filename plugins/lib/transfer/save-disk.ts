import type { SaveDiskRequest } from '../driver-types.js';
import { replaceWithCopy } from '../file-copy.js';
import { requireRegularFile, resolveFollowingLinks } from '../path-checks.js';
import { warnOf, type TransferCall } from './transfer-call.js';
import { requireEntryInRoots, requireReadableInRoots } from './transfer-scope.js';

/**
 * Copies a persistent disk back to its image file through a temporary file and a
 * rename, so that the image is never half-written. A disk that is a link to the
 * image (LN by symbolic link) already is the image, and nothing is copied.
 */
export async function saveDiskToImage(request: SaveDiskRequest, call: TransferCall): Promise<void> {
  const source = await requireReadableInRoots(call.scope, request.source, `disk for ${call.subject}`);
  await requireRegularFile(source, `disk for ${call.subject}`);
  const target = await requireEntryInRoots(call.scope, request.target, `image file for ${call.subject}`);

  if ((await resolveFollowingLinks(target)) === source) {
    call.info(`${request.source} is the image ${target} itself; nothing to copy`);
    return;
  }

  call.info(`copying ${request.source} back to ${target}`);
  await replaceWithCopy(source, target, { subject: call.subject, signal: call.signal, warn: warnOf(call) });
  call.info(`saved ${request.source} to ${target}`);
}
