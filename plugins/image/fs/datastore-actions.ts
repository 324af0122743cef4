import { lstat, readdir, statfs, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { ImageCloneRequest, ImageDeleteRequest, MkfsRequest, MonitorReply, MonitorRequest } from '../../lib/driver-types.js';
import { writeEmptyDisk } from '../../lib/empty-disk.js';
import { copyFileSparse } from '../../lib/file-copy.js';
import { isInsideFolder, requireAbsolutePath, requireRegularFile, resolveEntry, resolveFollowingLinks } from '../../lib/path-checks.js';
import { replaceAtomically } from '../../lib/temporary-file.js';
import { imageFilePath, prepareDatastore, requireNewFile, type ImageCall } from './image-call.js';

const MIB = 1024 * 1024;

function outsideDatastore(requestedPath: string, resolved: string, datastore: string, role: string): Error {
  const displayedPath = requestedPath === resolved ? requestedPath : `${requestedPath} (resolved to ${resolved})`;
  return new Error(`${displayedPath} (the ${role}) is outside the datastore folder ${datastore}; this driver only touches files in its datastore, so pass the image's SOURCE from this datastore`);
}

/** Copies an image to `<datastore>/<targetImageId>`, keeping holes. */
export async function cloneImage(request: ImageCloneRequest, call: ImageCall): Promise<{ source: string }> {
  const datastore = await prepareDatastore(request.datastorePath, call.subject);
  const role = `source for ${call.subject}`;
  const source = await resolveFollowingLinks(requireAbsolutePath(request.source, role));
  if (!isInsideFolder(source, datastore)) throw outsideDatastore(request.source, source, datastore, role);
  await requireRegularFile(source, role);

  const target = imageFilePath(datastore, request.targetImageId);
  const targetSubject = `image ${request.targetImageId}`;
  await requireNewFile(target, targetSubject);

  call.info(`copying ${source} to ${target} for ${targetSubject}`);
  await replaceAtomically(target, (text) => call.warn(text), (temporary) => copyFileSparse(source, temporary, { subject: call.subject, signal: call.signal, warn: (text) => call.warn(text) }));
  call.info(`copied ${source} to ${target}`);
  return { source: target };
}

/** Removes an image's file; a file that is already gone counts as removed. */
export async function deleteImage(request: ImageDeleteRequest, call: ImageCall): Promise<void> {
  const datastore = await prepareDatastore(request.datastorePath, call.subject);
  const role = `file of ${call.subject}`;
  const file = await resolveEntry(requireAbsolutePath(request.source, role));
  if (!isInsideFolder(file, datastore)) throw outsideDatastore(request.source, file, datastore, role);
  if (file === datastore) throw new Error(`${request.source} (the ${role}) is the datastore folder itself, not an image file; pass the image's SOURCE`);

  let isFolder: boolean;
  try {
    isFolder = (await lstat(file)).isDirectory();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    call.info(`${file} does not exist; nothing to delete`);
    return;
  }
  if (isFolder) throw new Error(`${file} (the ${role}) is a folder, not an image file; remove it by hand if it is not needed`);

  await unlink(file);
  call.info(`deleted ${file}`);
}

/** Creates an empty image `<datastore>/<imageId>`, raw or qcow2, with a filesystem when asked. */
export async function makeEmptyImage(request: MkfsRequest, call: ImageCall): Promise<{ source: string; format: string }> {
  const datastore = await prepareDatastore(request.datastorePath, call.subject);
  const target = imageFilePath(datastore, request.imageId);
  await requireNewFile(target, call.subject);

  const disk = { sizeMb: request.sizeMb, format: request.format, fs: request.fs, subject: call.subject, signal: call.signal, warn: (text: string) => call.warn(text) };
  await replaceAtomically(target, disk.warn, (temporary) => writeEmptyDisk(temporary, disk));
  call.info(`created ${target}: ${request.format}, ${request.sizeMb} MiB${request.fs ? `, ${request.fs}` : ''}`);
  return { source: target, format: request.format };
}

/** Sums the space the regular files directly in `folder` take on disk, in bytes. */
async function allocatedBytes(folder: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    if (!entry.isFile()) continue;
    try {
      total += (await lstat(path.join(folder, entry.name))).blocks * 512;
    } catch (error) {
      // A file removed since readdir takes no space.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return total;
}

/**
 * Reports the filesystem's capacity and free space (free for unprivileged users)
 * and the space the datastore's files take, counting allocated blocks, so that
 * sparse images count only what they store.
 */
export async function monitorDatastore(request: MonitorRequest, call: ImageCall): Promise<MonitorReply> {
  const datastore = await prepareDatastore(request.datastorePath, call.subject);
  const stats = await statfs(datastore);
  return {
    totalMb: Math.floor((stats.blocks * stats.bsize) / MIB),
    freeMb: Math.floor((stats.bavail * stats.bsize) / MIB),
    usedMb: Math.ceil((await allocatedBytes(datastore)) / MIB),
  };
}
